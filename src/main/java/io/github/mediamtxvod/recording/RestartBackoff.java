package io.github.mediamtxvod.recording;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.runtime.Backoff;
import java.time.Duration;

/**
 * When to restart a failed FFmpeg: the recorder's {@link Backoff} over the failures in a row,
 * where a run that lasted at least {@code healthyRun} starts the count again, so a stream that
 * fails once a day restarts at once. Not thread-safe (one per stream recorder thread).
 */
final class RestartBackoff {
    private final Backoff backoff;
    private final Duration healthyRun;
    private int failures;

    RestartBackoff(Duration initial, Duration max, Duration healthyRun) {
        this.backoff = Backoff.exponential(initial.compareTo(max) > 0 ? max : initial, max);
        this.healthyRun = requireNonNull(healthyRun, "healthyRun is null");
    }

    /** The wait before the next start, after a run that lasted {@code runLength}. */
    Duration nextDelay(Duration runLength) {
        if (runLength.compareTo(healthyRun) >= 0) {
            failures = 0;
        }
        failures++;
        return backoff.delay(failures);
    }

    int consecutiveFailures() {
        return failures;
    }
}
