package io.github.mediamtxvod;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.RecorderConfig.LoadedConfig;
import io.github.mediamtxvod.mediamtx.MediaMtxConfig;
import io.github.mediamtxvod.testing.FakeMediaMtx;
import io.github.mediamtxvod.testing.RecorderProcess;
import io.github.mediamtxvod.testing.TestConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report of {@code check}: warnings where the count says, failures that say what failed, bounded time. */
class CheckCommandTest {
    @TempDir
    Path recordings;

    private final FakeMediaMtx api = FakeMediaMtx.start();

    @AfterEach
    void tearDown() {
        api.close();
    }

    @Test
    void warningsAreListedRightBelowTheConfigurationLineThatCountsThem() throws IOException {
        String report = check(api.apiUrl(), closedRtsp(), List.of("UPLOAD_WORKER=4 is not a known setting. Did you mean"
                + " UPLOAD_WORKERS?", ".env line 3 is not NAME=value; it is skipped"));

        List<String> lines = report.lines().toList();
        assertThat(lines.get(1)).isEqualTo("  [ OK ] configuration  valid, with 2 warnings below");
        assertThat(lines.get(2)).isEqualTo("  [WARN] configuration  UPLOAD_WORKER=4 is not a known setting. Did you mean"
                + " UPLOAD_WORKERS?");
        assertThat(lines.get(3)).isEqualTo("  [WARN] configuration  .env line 3 is not NAME=value; it is skipped");
        assertThat(report).doesNotContain("warning(s) above").contains("[INFO] s3             uploads are off (local-only mode)");
    }

    @Test
    void noWarningNoCount() throws IOException {
        assertThat(check(api.apiUrl(), closedRtsp(), List.of()).lines().toList().get(1))
                .isEqualTo("  [ OK ] configuration  valid");
    }

    @Test
    void anUnknownApiHostFailsFastNamingTheSettingAndStillTestsTheRtspServer() throws IOException {
        URI rtsp = closedRtsp();
        long begin = System.nanoTime();

        String report = check(URI.create("http://no-such-host.invalid:9997"), rtsp, List.of());

        Duration took = Duration.ofNanos(System.nanoTime() - begin);
        assertThat(took).isLessThan(CheckCommand.DNS_TIMEOUT.plusSeconds(2));
        assertThat(report).contains("[FAIL] mediamtx       MEDIAMTX_API_URL=http://no-such-host.invalid:9997: unknown host"
                + " 'no-such-host.invalid'");
        assertThat(report).contains("[FAIL] rtsp           MEDIAMTX_RTSP_URL (the API cannot say which path is live,"
                + " so TCP connect only): " + rtsp + " connection refused");
        assertThat(report).endsWith("Some checks failed; see FAIL above.\n");
    }

    @Test
    void theDefaultApiHostGetsAHintAboutDockerCompose() throws IOException {
        String report = check(URI.create("http://mediamtx:9997"), closedRtsp(), List.of());

        assertThat(report).contains("[FAIL] mediamtx       MEDIAMTX_API_URL=http://mediamtx:9997:",
                "the default MEDIAMTX_API_URL names the MediaMTX service of the Docker Compose stack");
    }

    @Test
    void withoutALivePathTheRtspServerIsOnlyConnectedTo() throws IOException {
        api.setLive("idle", false);

        String report = check(api.apiUrl(), closedRtsp(), List.of());

        assertThat(report).contains("[ OK ] mediamtx       " + api.apiUrl() + " answers: 1 path(s), 0 live, 0 to record",
                "MEDIAMTX_RTSP_URL (no path is live, so TCP connect only)");
    }

    private String check(URI apiUrl, URI rtspUrl, List<String> warnings) {
        RecorderConfig base = TestConfig.localOnly(recordings).build();
        MediaMtxConfig mediamtx = new MediaMtxConfig(apiUrl, rtspUrl, null, null, Duration.ofSeconds(10),
                Duration.ofSeconds(5), null, null);
        RecorderConfig config = new RecorderConfig(mediamtx, base.recording(), base.s3(), base.upload(),
                base.retention(), base.web(), base.webhook(), base.logLevel());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CheckCommand.run(new LoadedConfig(config, warnings, List.of()), new PrintStream(out, true, UTF_8));
        return out.toString(UTF_8);
    }

    private static URI closedRtsp() throws IOException {
        return URI.create("rtsp://127.0.0.1:" + RecorderProcess.freePort());
    }
}
