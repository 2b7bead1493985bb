package io.github.mediamtxvod.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.mediamtxvod.RecorderConfig;
import io.github.mediamtxvod.recording.RecordingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The binding API a package uses for its own settings: declare, bind, read, render. */
class BoundSettingsTest {
    private static final Setting<Duration> CACHE_TTL_SECONDS = Setting.of("CACHE_TTL_SECONDS", "Cache", "30",
            SettingType.seconds(1, 600), "How long entries stay");
    private static final Setting<Boolean> CACHE_ENABLED = Setting.derived("CACHE_ENABLED", "Cache",
            "true when CACHE_TTL_SECONDS is set, else false", settings -> settings.isGiven(CACHE_TTL_SECONDS),
            SettingType.bool(), "Whether the cache is on");
    private static final Setting<Secret> CACHE_PASSWORD = Setting.of("CACHE_PASSWORD", "Cache", null,
            SettingType.secret(), "Password of the cache (secret)");
    private static final List<Setting<?>> CACHE = List.of(CACHE_TTL_SECONDS, CACHE_ENABLED, CACHE_PASSWORD);

    @TempDir
    Path workingDirectory;

    @Test
    void settingsOfAnotherGroupBindWithDefaultsDerivedValuesAndTheirOwnLog() throws InvalidConfigException {
        BoundSettings defaults = bind(Map.of());
        BoundSettings given = bind(Map.of("CACHE_TTL_SECONDS", "90", "CACHE_PASSWORD", " pw "));

        assertThat(defaults.get(CACHE_TTL_SECONDS)).isEqualTo(Duration.ofSeconds(30));
        assertThat(defaults.get(CACHE_ENABLED)).isFalse();
        assertThat(defaults.get(CACHE_PASSWORD)).isNull();
        assertThat(given.get(CACHE_ENABLED)).isTrue();
        assertThat(given.get(CACHE_PASSWORD)).isEqualTo(new Secret(" pw "));
        assertThat(given.effectiveSettings())
                .containsExactly("CACHE_ENABLED=true", "CACHE_PASSWORD=[REDACTED]", "CACHE_TTL_SECONDS=90");
        assertThat(CACHE_TTL_SECONDS.description()).isEqualTo("How long entries stay. Whole seconds, 1 to 600.");
    }

    @Test
    void unknownVariablesAreJudgedAgainstTheBoundSettings() throws InvalidConfigException {
        assertThat(bind(Map.of("CACHE_TTL_SECOND", "5", "SEGMENT_DURATION", "60")).warnings())
                .containsExactly("CACHE_TTL_SECOND=5 is not a known setting. Did you mean CACHE_TTL_SECONDS?",
                        "SEGMENT_DURATION=60 is not a known setting and is ignored.");
    }

    @Test
    void rulesRunAfterEveryValueAndSkipInvalidOnes() {
        ConfigRule rule = (settings, problems) -> {
            if (settings.get(CACHE_TTL_SECONDS) == null) {
                problems.warning(settings.subject(CACHE_TTL_SECONDS) + " is invalid, so the rule skips it");
            }
        };
        InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class, () -> new ConfigLoader(
                Map.of("CACHE_TTL_SECONDS", "0", "CACHE_ENABLED", "maybe"), workingDirectory).bind(CACHE, List.of(rule)));

        assertThat(e.problems()).containsExactly(
                "CACHE_TTL_SECONDS=0 is below the minimum of 1; set it to a whole number from 1 to 600"
                        + " (the default is 30)",
                "CACHE_ENABLED=maybe is not true or false; set it to true or false, yes or no, 1 or 0"
                        + " (the default is true when CACHE_TTL_SECONDS is set, else false)");
        assertThat(e.warnings()).containsExactly("CACHE_TTL_SECONDS=0 is invalid, so the rule skips it");
    }

    @Test
    void aDefaultThatFailsIsReportedAsTheDefault() throws Exception {
        Files.writeString(workingDirectory.resolve("recordings"), "x");

        InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class,
                () -> RecorderConfig.load(new ConfigLoader(Map.of(), workingDirectory)));

        assertThat(e.problems()).containsExactly("RECORDINGS_DIR=./recordings (the default) is not a folder ("
                + workingDirectory.resolve("recordings") + " is a file); point it to a folder or move the file");
    }

    @Test
    void derivedDefaultIsLoggedAsItsValue() throws InvalidConfigException {
        assertThat(RecorderConfig.load(new ConfigLoader(Map.of("S3_ENDPOINT_URL", "http://minio:9000"), workingDirectory))
                .effectiveSettings()).contains("S3_FORCE_PATH_STYLE=true");
    }

    @Test
    void listMistakesAreProgrammingErrors() throws InvalidConfigException {
        ConfigLoader loader = new ConfigLoader(Map.of(), workingDirectory);

        assertThatThrownBy(() -> loader.bind(List.of(CACHE_TTL_SECONDS, CACHE_TTL_SECONDS), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("CACHE_TTL_SECONDS is in the list of settings twice");
        assertThatThrownBy(() -> loader.bind(CACHE, List.of()).get(RecordingConfig.SEGMENT_DURATION))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("SEGMENT_DURATION is not among the bound settings");
    }

    private BoundSettings bind(Map<String, String> environment) throws InvalidConfigException {
        return new ConfigLoader(environment, workingDirectory).bind(CACHE, List.of());
    }
}
