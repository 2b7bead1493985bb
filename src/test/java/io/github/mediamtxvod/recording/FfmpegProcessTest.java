package io.github.mediamtxvod.recording;

import static org.assertj.core.api.Assertions.assertThat;

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

        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("killed on the shorter step's schedule").isTrue();
    }

    @Test
    void aStallBringsTheSignalsOfAnEarlierStopForward() throws Exception {
        FfmpegProcess ffmpeg = deaf();

        ffmpeg.requestStop(LONG_STEP);
        ffmpeg.forceStop();

        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aLaterRequestWithALongerStepDoesNotDelayTheSignals() throws Exception {
        FfmpegProcess ffmpeg = deaf();

        ffmpeg.requestStop(SHORT_STEP);
        ffmpeg.requestStop(LONG_STEP);

        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    /** A process that ignores q on its stdin and SIGTERM: only SIGKILL ends it. */
    private FfmpegProcess deaf() throws Exception {
        process = new ProcessBuilder("sh", "-c", "trap '' TERM; while :; do sleep 0.05; done")
                .redirectErrorStream(true).start();
        return FfmpegProcess.started("cam1", process, timer);
    }
}
