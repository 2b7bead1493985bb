package io.github.mediamtxvod.recording;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Stopping a real process that ignores {@code q} and SIGTERM, as an FFmpeg whose input stalled
 * does: a later request whose steps end sooner brings SIGKILL forward, and one that ends later
 * does not delay it.
 */
class FfmpegProcessTest {
    private static final Duration LONG_STEP = Duration.ofSeconds(60);
    private static final Duration SHORT_STEP = Duration.ofMillis(100);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private Process process;

    @AfterEach
    void tearDown() {
        if (process != null) {
            process.destroyForcibly();
        }
        timer.shutdownNow();
    }

    @Test
    void aShutdownsShorterStepBringsTheSignalsOfAnEarlierStopForward() throws Exception {
        FfmpegProcess ffmpeg = deaf();

        ffmpeg.requestStop(LONG_STEP); // the day's end: the previous day's FFmpeg is asked to finish
        ffmpeg.requestStop(SHORT_STEP); // then the shutdown

        assertKilledSoon();
    }

    @Test
    void aStallBringsTheSignalsOfAnEarlierStopForward() throws Exception {
        FfmpegProcess ffmpeg = deaf();

        ffmpeg.requestStop(LONG_STEP);
        ffmpeg.forceStop();

        assertKilledSoon();
    }

    @Test
    void aLaterRequestWithALongerStepDoesNotDelayTheSignals() throws Exception {
        FfmpegProcess ffmpeg = deaf();

        ffmpeg.requestStop(SHORT_STEP);
        ffmpeg.requestStop(LONG_STEP); // must not replace the shorter schedule

        assertKilledSoon();
    }

    /** A process that ignores q on its stdin and SIGTERM: only SIGKILL ends it. */
    private FfmpegProcess deaf() throws Exception {
        process = new ProcessBuilder("sh", "-c", "trap '' TERM; echo ready; while :; do sleep 0.05; done")
                .redirectErrorStream(true).start();
        // signals only once SIGTERM is ignored
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8));
        assertThat(output.readLine()).isEqualTo("ready");
        return FfmpegProcess.started("cam1", process, timer);
    }

    /** Waits for the process to end, at most 10 s (the signals come within 3 s; before, after a minute or more). */
    private void assertKilledSoon() throws InterruptedException {
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("ended within 10 s").isTrue();
        assertThat(process.exitValue()).as("by SIGKILL").isEqualTo(128 + 9);
    }
}
