package io.github.mediamtxvod.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.mediamtxvod.RecorderConfig.LoadedConfig;
import io.github.mediamtxvod.RecorderConfig;
import io.github.mediamtxvod.web.WebConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NAME_FILE files and the .env file, and which source wins. */
class ConfigSourcesTest {
    @TempDir
    Path workingDirectory;

    @Test
    void fileVariableIsReadWithTrailingNewlinesStripped() throws Exception {
        Path password = Files.writeString(workingDirectory.resolve("web-password"), "pass word\r\n\n");

        WebConfig web = load(Map.of("WEB_USERNAME", "admin", "WEB_PASSWORD_FILE", password.toString()))
                .config().web();

        assertThat(web.password()).isEqualTo(new Secret("pass word"));
    }

    @Test
    void relativeFilePathStartsInTheWorkingDirectory() throws Exception {
        Files.createDirectories(workingDirectory.resolve("secrets"));
        Files.writeString(workingDirectory.resolve("secrets/duration"), "90\n");

        assertThat(load(Map.of("SEGMENT_DURATION_FILE", "secrets/duration")).config().recording().segmentDuration())
                .isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void missingFileIsAProblemThatNamesTheFileVariable() {
        Path missing = workingDirectory.resolve("nope");

        assertThat(problems(Map.of("WEB_USERNAME", "admin", "WEB_PASSWORD_FILE", missing.toString())))
                .containsExactly("WEB_PASSWORD_FILE=" + missing + " cannot be read (no such file or folder);"
                        + " fix the path or set WEB_PASSWORD instead");
    }

    @Test
    void folderEmptyFileAndHugeFileAreProblems() throws Exception {
        Path empty = Files.writeString(workingDirectory.resolve("empty"), "\n");
        Path huge = Files.write(workingDirectory.resolve("huge"), new byte[SettingSources.MAX_VALUE_FILE_BYTES + 1]);

        assertThat(problems(Map.of(
                "HOOK_TOKEN_FILE", workingDirectory.toString(),
                "S3_PREFIX_FILE", empty.toString(),
                "FFMPEG_PATH_FILE", huge.toString()))).containsExactly(
                "FFMPEG_PATH_FILE=" + huge + " is larger than 65536 bytes; point it to a file that holds only the"
                        + " value",
                "S3_PREFIX_FILE=" + empty + " names an empty file; put the value in the file or unset S3_PREFIX_FILE",
                "HOOK_TOKEN_FILE=" + workingDirectory + " cannot be read (is a directory); fix the path or set"
                        + " HOOK_TOKEN instead");
    }

    @Test
    void invalidValueFromAFileSaysWhereItCameFrom() throws Exception {
        Path file = Files.writeString(workingDirectory.resolve("duration"), "abc\n");

        assertThat(problems(Map.of("SEGMENT_DURATION_FILE", file.toString()))).containsExactly(
                "SEGMENT_DURATION=abc (from SEGMENT_DURATION_FILE) is not a whole number of seconds; set it to a"
                        + " whole number from 1 to 86400 (the default is 60)");
    }

    @Test
    void dotEnvIsReadAndTheEnvironmentWins() throws Exception {
        Files.writeString(workingDirectory.resolve(".env"), """
                SEGMENT_DURATION=120
                UPLOAD_WORKERS=4
                S3_BUCKET_NAME=from-dot-env
                """);

        RecorderConfig config = load(Map.of("UPLOAD_WORKERS", "6")).config();

        assertThat(config.recording().segmentDuration()).isEqualTo(Duration.ofSeconds(120));
        assertThat(config.upload().workers()).isEqualTo(6);
        assertThat(config.s3().enabled()).isTrue();
        assertThat(config.s3().bucket()).isEqualTo("from-dot-env");
    }

    @Test
    void environmentFileVariableOverridesTheDotEnvValueWithoutAConflict() throws Exception {
        Files.writeString(workingDirectory.resolve(".env"), "WEB_USERNAME=admin\nWEB_PASSWORD=from-dot-env\n");
        Path password = Files.writeString(workingDirectory.resolve("pw"), "from-file");

        LoadedConfig loaded = load(Map.of("WEB_PASSWORD_FILE", password.toString()));

        assertThat(loaded.config().web().password()).isEqualTo(new Secret("from-file"));
    }

    @Test
    void dotEnvFileVariableIsRelativeToTheWorkingDirectory() throws Exception {
        Files.writeString(workingDirectory.resolve("token"), "hook-token\n");
        Files.writeString(workingDirectory.resolve(".env"), "HOOK_TOKEN_FILE=token\n");

        assertThat(load(Map.of()).config().web().hookToken()).isEqualTo(new Secret("hook-token"));
    }

    @Test
    void problemsOfDotEnvValuesNameTheLine() throws Exception {
        Files.writeString(workingDirectory.resolve(".env"), """
                # comment
                SEGMENT_DURATION=abc
                WEB_PASSWORD=pw
                WEB_PASSWORD_FILE=pw.txt
                """);

        assertThat(problems(Map.of())).containsExactly(
                "WEB_PASSWORD=[REDACTED] (from .env line 3) and WEB_PASSWORD_FILE=pw.txt (from .env line 4) are"
                        + " both set; set only one of them",
                "SEGMENT_DURATION=abc (from .env line 2) is not a whole number of seconds; set it to a whole number"
                        + " from 1 to 86400 (the default is 60)",
                "WEB_PASSWORD is set but WEB_USERNAME is not; set both or neither");
    }

    @Test
    void dotEnvWarningsReachTheCaller() throws Exception {
        Files.writeString(workingDirectory.resolve(".env"), "S3_BUCKET_NAME=vod\nnot a setting\nUPLOAD_WORKER=3\n");

        assertThat(load(Map.of()).warnings()).containsExactly(
                ".env line 2 is not NAME=value and is ignored; write it as NAME=value or start it with # to make it a"
                        + " comment",
                "UPLOAD_WORKER=3 (from .env line 3) is not a known setting. Did you mean UPLOAD_WORKERS?");
    }

    @Test
    void unreadableDotEnvIsAProblem() throws Exception {
        Files.createDirectory(workingDirectory.resolve(".env"));

        assertThat(problems(Map.of())).containsExactly(
                ".env in " + workingDirectory + " cannot be read (is a directory); fix or remove it");
    }

    private LoadedConfig load(Map<String, String> environment) throws InvalidConfigException {
        return RecorderConfig.load(new ConfigLoader(environment, workingDirectory));
    }

    private List<String> problems(Map<String, String> environment) {
        InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class,
                () -> RecorderConfig.load(new ConfigLoader(environment, workingDirectory)));
        assertThat(e).as("an InvalidConfigException").isNotNull();
        return e.problems();
    }
}
