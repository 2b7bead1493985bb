package io.github.mediamtxvod.recording;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.runtime.Backoff;
import java.time.Duration;

/**
 * When to start FFmpeg again after a run ended unexpectedly. Every second of delay is lost media,
 * so a run that was healthy (media time advanced and it lasted {@code healthyRun}) is followed by
 * an immediate restart, and so is the first quick failure after it: a crash, a stall, a timeout,
 * or one failed start (a test server building a fresh pipeline mid-GOP fails one start). Only
 * quick failures in a row back off: 1 s, 2 s, 4 s ... up to FFMPEG_RESTART_BACKOFF_MAX_SECONDS,
 * through the shared {@link Backoff}. Not thread-safe (one per stream recorder thread).
 */
final class RestartBackoff {
    private final Backoff backoff;
    private final Duration healthyRun;
    private int quickFailures;

    RestartBackoff(Duration initial, Duration max, Duration healthyRun) {
        this.backoff = Backoff.exponential(initial.compareTo(max) > 0 ? max : initial, max);
        this.healthyRun = requireNonNull(healthyRun, "healthyRun is null");
    }

    /**
     * The wait before the next start, after a run that lasted {@code runLength}; {@code advanced}
     * says whether its media time ever advanced (a run without a progress block is a failed start).
     */
    Duration nextDelay(Duration runLength, boolean advanced) {
        if (advanced && runLength.compareTo(healthyRun) >= 0) {
            quickFailures = 0;
            return Duration.ZERO;
        }
        quickFailures++;
        return backoff.delay(quickFailures - 1L);
    }

    /** Quick failures in a row so far. */
    int quickFailures() {
        return quickFailures;
    }
}
