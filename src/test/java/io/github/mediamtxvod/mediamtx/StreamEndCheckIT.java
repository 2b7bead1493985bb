package io.github.mediamtxvod.mediamtx;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.mediamtxvod.mediamtx.PathChecks.Answer;
import io.github.mediamtxvod.mediamtx.PathChecks.Liveness;
import io.github.mediamtxvod.testing.FakeMediaMtx.Failure;
import io.github.mediamtxvod.testing.Ffprobe;
import io.github.mediamtxvod.testing.Pipeline;
import io.github.mediamtxvod.testing.RecorderProcess;
import io.github.mediamtxvod.testing.RtspTestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The question the recording stage asks when FFmpeg exits (did the stream end, or should FFmpeg
 * start again?), against a real publisher whose end the MediaMTX stand-in reflects as MediaMTX
 * does: LIVE while it publishes, GONE once it stopped, UNKNOWN within MEDIAMTX_API_TIMEOUT_SECONDS
 * (1 s, its minimum) when the API hangs or refuses the credentials; and the jar, whose recording
 * of a stream that ended stops with one INFO line and no restart counted.
 */
class StreamEndCheckIT {
    private static final Duration API_TIMEOUT = Duration.ofSeconds(1);

    @TempDir
    Path workDir;

    private Pipeline pipeline;
    private MediaMtxClient client;
    private PathChecks checks;
    private final Answers answers = new Answers();

    @BeforeEach
    void setUp() {
        pipeline = Pipeline.start(workDir);
        MediaMtxConfig config = new MediaMtxConfig(pipeline.api.apiUrl(), pipeline.rtsp.rtspUrl(), null, null,
                Duration.ofSeconds(10), API_TIMEOUT, null, null);
        client = new MediaMtxClient(config);
        LiveSet live = new LiveSet(config);
        live.whenAnswered(answers);
        checks = new PathChecks(client, config, live);
        checks.start();
    }

    @AfterEach
    void tearDown() {
        checks.close();
        client.close();
        pipeline.close();
    }

    @Test
    void aStreamWhosePublisherStoppedIsGoneAndOneStillPublishedIsLive() {
        RtspTestServer.Publisher ending = pipeline.publishLive("cams/ending");
        pipeline.publishLive("cams/going-on");
        assertThat(Ffprobe.probe(pipeline.rtsp.rtspUrl("cams/ending")).videoCodecs()).contains("h264");
        assertThat(checks.check("cams/ending").liveness()).isEqualTo(Liveness.LIVE);

        ending.stop();
        pipeline.api.removePath("cams/ending"); // MediaMTX drops a path nobody configured when its publisher leaves

        long begin = System.nanoTime();
        Answer ended = checks.check("cams/ending");
        Duration took = Duration.ofNanos(System.nanoTime() - begin);
        System.out.printf("stream end check: %s in %d ms%n", ended, took.toMillis());
        assertThat(ended).isEqualTo(new Answer(Liveness.GONE, "MediaMTX has no such path"));
        assertThat(checks.check("cams/going-on").liveness()).isEqualTo(Liveness.LIVE);
        pipeline.api.setLive("cams/going-on", false); // a configured path stays listed, not available
        assertThat(checks.check("cams/going-on").liveness()).isEqualTo(Liveness.GONE);
        assertThat(answers.drain()).containsExactly("live cams/ending", "gone cams/ending", "live cams/going-on",
                "gone cams/going-on");
    }

    @Test
    void theRecorderEndsTheRecordingOfAStreamThatEndedWithOneInfoLineAndNoRestart() throws Exception {
        RtspTestServer.Publisher publisher = pipeline.publishLive("cams/ending");
        // polling practically off: only the check after FFmpeg's exit can tell that the stream ended
        RecorderProcess recorder = pipeline.startRecorder("stream-end", Map.of("POLLING_INTERVAL", "3600"));
        pipeline.awaitFinishedSegments("cams/ending", 2);

        pipeline.api.removePath("cams/ending");
        publisher.stop();

        recorder.awaitOutput(Pattern.quote("cams/ending - the stream ended"), Duration.ofSeconds(60));
        await("no FFmpeg is started again").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> pipeline.ffmpegChildren().isEmpty());
        String metrics = new String(pipeline.get("/metrics").body(), UTF_8);
        assertThat(metrics).containsPattern("(?m)^vodrecorder_ffmpeg_restarts_total 0.0$");
        String output = recorder.output();
        assertThat(output.lines().filter(line -> line.contains("cams/ending - the stream ended"))).hasSize(1);
        assertThat(output).doesNotContain("cams/ending - no longer live");
        assertThat(output.lines().filter(line -> line.contains(" WARN ") && line.contains("cams/ending"))).isEmpty();
    }

    @Test
    void anApiThatCannotAnswerIsUnknownWithinTheTimeout() {
        pipeline.publishLive("cam");
        for (Failure failure : List.of(Failure.NO_ANSWER, Failure.UNAUTHORIZED, Failure.HTTP_500)) {
            pipeline.api.failWith(failure);

            long begin = System.nanoTime();
            Answer answer = checks.check("cam");
            Duration took = Duration.ofNanos(System.nanoTime() - begin);

            assertThat(answer.liveness()).as(failure.name()).isEqualTo(Liveness.UNKNOWN);
            assertThat(took).as(failure.name()).isLessThan(API_TIMEOUT.plusMillis(500));
        }
        assertThat(answers.drain()).as("nothing unconfirmed is passed on").isEmpty();
    }
}
