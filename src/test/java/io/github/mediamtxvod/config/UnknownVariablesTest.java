package io.github.mediamtxvod.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.mediamtxvod.RecorderConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnknownVariablesTest {
    @TempDir
    Path workingDirectory;

    @Test
    void misspeltSettingGetsADidYouMean() throws InvalidConfigException {
        assertThat(warnings(Map.of("UPLOAD_WORKER", "4")))
                .containsExactly("UPLOAD_WORKER=4 is not a known setting. Did you mean UPLOAD_WORKERS?");
    }

    @Test
    void suggestionsCoverTyposMissingWordsCaseAndFileForms() throws InvalidConfigException {
        Map<String, String> environment = new HashMap<>();
        environment.put("S3_BUCKET", "vod");
        environment.put("SEGMENT_DURATION_SECONDS", "60");
        environment.put("upload_workers", "2");
        environment.put("MEDIAMX_API_URL", "http://x:9997");
        environment.put("POLING_INTERVAL", "5");
        environment.put("WEB_PASSWORD_FILES", "/run/secrets/web");

        assertThat(warnings(environment)).containsExactly(
                "MEDIAMX_API_URL=http://x:9997 is not a known setting. Did you mean MEDIAMTX_API_URL?",
                "POLING_INTERVAL=5 is not a known setting. Did you mean POLLING_INTERVAL?",
                "S3_BUCKET=vod is not a known setting. Did you mean S3_BUCKET_NAME?",
                "SEGMENT_DURATION_SECONDS=60 is not a known setting. Did you mean SEGMENT_DURATION?",
                "WEB_PASSWORD_FILES=[REDACTED] is not a known setting. Did you mean WEB_PASSWORD_FILE?",
                "upload_workers=2 is not a known setting. Did you mean UPLOAD_WORKERS?");
    }

    @Test
    void unknownNameUnderOurPrefixWithoutACloseMatchIsStillReported() throws InvalidConfigException {
        assertThat(warnings(Map.of("FFMPEG_THREADS", "4")))
                .containsExactly("FFMPEG_THREADS=4 is not a known setting and is ignored.");
    }

    @Test
    void valueOfAMisspeltSecretIsMasked() throws InvalidConfigException {
        assertThat(warnings(Map.of("WEB_PASWORD", "hunter2", "S3_SECRET_KEY", "hunter3"))).containsExactly(
                "S3_SECRET_KEY=[REDACTED] is not a known setting. Did you mean S3_SECRET_ACCESS_KEY?",
                "WEB_PASWORD=[REDACTED] is not a known setting. Did you mean WEB_PASSWORD?");
    }

    @Test
    void fileFormsAndContainerVariablesCauseNoWarning() throws InvalidConfigException {
        Map<String, String> environment = new HashMap<>();
        for (String name : List.of("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "PATH", "HOME", "HOSTNAME",
                "JAVA_HOME", "JAVA_VERSION", "LANG", "TZ", "TERM", "AWS_REGION", "AWS_ACCESS_KEY_ID",
                "AWS_SECRET_ACCESS_KEY", "KUBERNETES_SERVICE_HOST", "MEDIAMTX_SERVICE_HOST", "MEDIAMTX_SERVICE_PORT",
                "MEDIAMTX_SERVICE_PORT_API", "MEDIAMTX_PORT", "MEDIAMTX_PORT_9997_TCP", "MEDIAMTX_PORT_9997_TCP_ADDR",
                "MEDIAMTX_PORT_8554_TCP_PROTO", "WEB_SERVICE_HOST", "WEB_PORT_8080_TCP_PORT")) {
            environment.put(name, "x");
        }
        environment.put("SEGMENT_DURATION_FILE", "/dev/null/nothing");
        environment.put("SEGMENT_DURATION", "60");

        InvalidConfigException e = catchThrowableOfType(
                InvalidConfigException.class, () -> RecorderConfig.load(new ConfigLoader(environment, workingDirectory)));

        assertThat(e.warnings()).as("local-only mode is no configuration warning").isEmpty();
        assertThat(e.problems()).containsExactly("SEGMENT_DURATION=60 and SEGMENT_DURATION_FILE=/dev/null/nothing"
                + " are both set; set only one of them");
    }

    private List<String> warnings(Map<String, String> environment) throws InvalidConfigException {
        return RecorderConfig.load(new ConfigLoader(environment, workingDirectory)).warnings();
    }
}
