package io.github.mediamtxvod.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.mediamtxvod.testing.Ffprobe;
import io.github.mediamtxvod.testing.Pipeline;
import io.github.mediamtxvod.testing.RecorderProcess;
import io.github.mediamtxvod.testing.RtspTestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that keeps the session open but sends nothing: FFmpeg waits forever there (its own
 * socket timeout never fires) and prints no progress. The recorder's media-time watchdog catches
 * it, stops the stalled FFmpeg (which ignores q and a first signal) and records again once media
 * flows. The GStreamer server holds its readers' sessions while the publisher is frozen (SIGSTOP)
 * because its stop timeout is long.
 */
class StalledStreamIT {
    private static final String PATH = "stall/cam";

    @TempDir
    Path workDir;

    @Test
    void aStalledStreamIsCaughtWithinTheTimeoutAndRecordedAgainWhenMediaFlows() throws Exception {
        try (RtspTestServer holding = RtspTestServer.start(Duration.ofSeconds(1000));
                Pipeline pipeline = Pipeline.on(holding, workDir)) {
            RtspTestServer.Publisher publisher = pipeline.publishLive(PATH);
            RecorderProcess recorder = pipeline.startRecorder("stalled", Map.of("FFMPEG_STALL_TIMEOUT_SECONDS", "5"));
            pipeline.awaitFinishedSegments(PATH, 2);
            ProcessHandle stalled = Pipeline.ffmpegChildren(recorder).get(0);

            publisher.pause();
            Instant paused = Instant.now();
            recorder.awaitOutput("stall/cam - no media for \\d+ s \\(stalled input\\)", Duration.ofSeconds(30));
            await("the stalled ffmpeg stopped").atMost(Duration.ofSeconds(5)).until(() -> !stalled.isAlive());
            Duration caughtIn = Duration.between(paused, Instant.now());
            await("a new ffmpeg").atMost(Duration.ofSeconds(5))
                    .until(() -> Pipeline.ffmpegChildren(recorder).stream().anyMatch(child -> child.pid() != stalled.pid()));
            publisher.resume();

            await("segments of a new session").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> pipeline.sessionDirs(PATH).size() >= 2
                            && Pipeline.segmentFiles(pipeline.sessionDirs(PATH).getLast()).size() >= 2);
            // 5 s timeout, up to 2 s of the test server's latency, 1 s of the timer, 0.5 s between signals
            assertThat(caughtIn).as("from pause to the stalled ffmpeg's exit").isLessThan(Duration.ofSeconds(12));
            List<Path> before = Pipeline.segmentFiles(pipeline.sessionDirs(PATH).getFirst());
            assertThat(before).hasSizeGreaterThanOrEqualTo(3);
            for (Path file : before) {
                assertThat(Ffprobe.decodeErrors(file)).as("decode errors in %s", file).isEmpty();
            }
            assertThat(recorder.output()).contains("stall/cam - no media for");
        }
    }
}
