package io.github.mediamtxvod.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.mediamtxvod.RecorderConfig.LoadedConfig;
import io.github.mediamtxvod.RecorderConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secret values never show, in errors, warnings or the effective settings. */
class SecretsTest {
    private static final String SECRET = "s3cr3t-value";

    @TempDir
    Path workingDirectory;

    @Test
    void noProblemOrWarningShowsASecret() throws Exception {
        Files.writeString(workingDirectory.resolve("key"), SECRET + "-file\n");
        Files.writeString(workingDirectory.resolve(".env"), "HOOK_TOKEN=\"" + SECRET + "-dotenv\n");
        Map<String, String> environment = new HashMap<>();
        environment.put("MEDIAMTX_API_PASSWORD", SECRET + "-api");
        environment.put("MEDIAMTX_API_URL", "http://user:" + SECRET + "-url@mediamtx:9997");
        environment.put("S3_SECRET_ACCESS_KEY", SECRET + "-s3");
        environment.put("S3_SECRET_ACCESS_KEY_FILE", workingDirectory.resolve("key").toString());
        environment.put("S3_ACCESS_KEY_ID", "AKIA" + SECRET);
        environment.put("WEB_PASWORD", SECRET + "-typo");
        environment.put("WEB_PASSWORD", SECRET + "-web");
        environment.put("MEDIAMTX_RTSP_URL", "rtsp://reader:" + SECRET + "-rtsp@mediamtx:8554/?bad");

        InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class,
                () -> RecorderConfig.load(new ConfigLoader(environment, workingDirectory)));

        assertThat(e.problems()).hasSizeGreaterThanOrEqualTo(4);
        assertThat(e.warnings()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(e.getMessage()).contains("[REDACTED]").doesNotContain(SECRET);
    }

    @Test
    void effectiveSettingsAndWarningsShowNoSecret() throws Exception {
        Map<String, String> environment = new HashMap<>();
        environment.put("MEDIAMTX_API_USER", "recorder");
        environment.put("MEDIAMTX_API_PASSWORD", SECRET);
        environment.put("MEDIAMTX_RTSP_URL", "rtsp://reader:" + SECRET + "@mediamtx:8554");
        environment.put("S3_ACCESS_KEY_ID", "AKIA" + SECRET);
        environment.put("S3_SECRET_ACCESS_KEY", SECRET);
        environment.put("WEB_USERNAME", "admin");
        environment.put("WEB_PASSWORD", SECRET);
        environment.put("HOOK_TOKEN", SECRET);

        LoadedConfig loaded = RecorderConfig.load(new ConfigLoader(environment, workingDirectory));

        assertThat(String.join("\n", loaded.effectiveSettings()))
                .doesNotContain(SECRET)
                .contains("HOOK_TOKEN=[REDACTED]", "S3_ACCESS_KEY_ID=\"AKIA************\"");
        assertThat(loaded.warnings()).allSatisfy(warning -> assertThat(warning).doesNotContain(SECRET));
    }
}
