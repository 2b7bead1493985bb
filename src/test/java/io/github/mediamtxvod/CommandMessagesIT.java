package io.github.mediamtxvod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.mediamtxvod.testing.Ffprobe;
import io.github.mediamtxvod.testing.Pipeline;
import io.github.mediamtxvod.testing.RecorderProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the jar prints as a newcomer meets it: each warning once and where its count says, the
 * local-only notice once as a timestamped log line and never inside a configuration error report,
 * and a {@code check} that tests the RTSP URL and fails fast and clearly on an unknown host.
 */
class CommandMessagesIT {
    private static final Pattern LOG_LINE = Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z ");
    private static final String UNKNOWN_VARIABLE = "UPLOAD_WORKER=4 is not a known setting. Did you mean UPLOAD_WORKERS?";

    @TempDir
    Path workDir;

    private Pipeline pipeline;

    @BeforeEach
    void setUp() {
        pipeline = Pipeline.start(workDir);
    }

    @AfterEach
    void tearDown() {
        pipeline.close();
    }

    @Test
    void checkListsItsWarningAndDescribesALivePathOverRtsp() throws Exception {
        pipeline.publishLive("cams/front");
        await("the publisher is served").atMost(Duration.ofSeconds(60))
                .until(() -> Ffprobe.probe(pipeline.rtsp.rtspUrl("cams/front")).videoCodecs().contains("h264"));

        long begin = System.nanoTime();
        RecorderProcess check = pipeline.run("check-ok", Map.of("UPLOAD_WORKER", "4"), "check");
        int exit = check.awaitExit(Duration.ofSeconds(60));
        Duration took = Duration.ofNanos(System.nanoTime() - begin);

        String output = check.output();
        System.out.printf("check with a live path took %d ms:%n%s", took.toMillis(), output);
        assertThat(exit).as(output).isZero();
        assertThat(output).contains(
                "  [ OK ] configuration  valid, with 1 warning below\n  [WARN] configuration  " + UNKNOWN_VARIABLE + "\n",
                "  [ OK ] rtsp           MEDIAMTX_RTSP_URL: " + pipeline.rtsp.rtspUrl("cams/front")
                        + " answers DESCRIBE: 2 track(s): H264/90000",
                "  [INFO] s3             uploads are off (local-only mode)",
                "All checks passed.");
        assertThat(output).doesNotContain("Warning:", "No S3 setting is given");
    }

    @Test
    void checkOfTheDefaultApiHostFailsFastAndSaysWhy() throws Exception {
        Map<String, String> environment = Map.of("RECORDINGS_DIR", workDir.resolve("recordings").toString(),
                "MEDIAMTX_RTSP_URL", pipeline.rtsp.rtspUrl().toString());

        long begin = System.nanoTime();
        RecorderProcess check = RecorderProcess.start("check-default-host", workDir, environment, "check");
        int exit = check.awaitExit(Duration.ofSeconds(60));
        Duration took = Duration.ofNanos(System.nanoTime() - begin);

        String output = check.output();
        System.out.printf("check of the default MediaMTX host took %d ms:%n%s", took.toMillis(), output);
        assertThat(exit).isEqualTo(1);
        assertThat(output).contains("[FAIL] mediamtx       MEDIAMTX_API_URL=http://mediamtx:9997:",
                "names the MediaMTX service of the Docker Compose stack",
                "[ OK ] rtsp           MEDIAMTX_RTSP_URL (the API cannot say which path is live, so TCP connect only): "
                        + pipeline.rtsp.rtspUrl() + " accepts TCP connections");
        assertThat(took).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void runLogsEachWarningOnceWithATimestamp() throws Exception {
        RecorderProcess recorder = pipeline.startRecorder("run-warnings", Map.of("UPLOAD_WORKER", "4"));
        recorder.terminate();
        assertThat(recorder.awaitExit(Duration.ofSeconds(30))).isZero();

        String output = recorder.output();
        assertThat(output.lines().filter(line -> line.contains("local-only")))
                .singleElement().matches(line -> LOG_LINE.matcher(line).find() && line.contains(" WARN "));
        assertThat(output.lines().filter(line -> line.contains(UNKNOWN_VARIABLE)))
                .singleElement().matches(line -> LOG_LINE.matcher(line).find() && line.contains(" WARN "));
        assertThat(output.lines()).noneMatch(line -> line.startsWith("Warning:"));
    }

    @Test
    void anInvalidConfigurationReportHoldsOnlyItsProblemsAndWarnings() throws Exception {
        RecorderProcess recorder = pipeline.run("run-invalid", Map.of("POLLING_INTERVAL", "abc"));

        assertThat(recorder.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
        assertThat(recorder.output().lines()).containsExactly(
                "Error: POLLING_INTERVAL=abc is not a whole number of seconds; set it to a whole number from 1 to 3600"
                        + " (the default is 10)",
                "The configuration has 1 problem; fix it and start again.");
    }
}
