package io.github.mediamtxvod.recording;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Capped exponential backoff for restarting a failed FFmpeg: 1 s, 2 s, 4 s ... up to the cap. A
 * run that lasted at least {@code healthyRun} resets it, so a stream that fails once a day
 * restarts at once. Pure; not thread-safe (one per stream recorder thread).
 */
final class RestartBackoff {
    private final Duration initial;
    private final Duration max;
    private final Duration healthyRun;
    private int failures;

    RestartBackoff(Duration initial, Duration max, Duration healthyRun) {
        this.initial = requireNonNull(initial, "initial is null");
        this.max = requireNonNull(max, "max is null");
        this.healthyRun = requireNonNull(healthyRun, "healthyRun is null");
    }

    /** The wait before the next start, after a run that lasted {@code runLength}. */
    Duration nextDelay(Duration runLength) {
        if (runLength.compareTo(healthyRun) >= 0) {
            failures = 0;
        }
        Duration delay = initial;
        for (int i = 0; i < failures && delay.compareTo(max) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        failures++;
        return delay.compareTo(max) > 0 ? max : delay;
    }

    int consecutiveFailures() {
        return failures;
    }
}
