package io.github.mediamtxvod.mediamtx;

import java.time.Duration;

/**
 * When to poll again after failures: {@code min(interval * 2^failures, max(interval, 60 s))}.
 * Doubling spares a struggling MediaMTX; the cap keeps recovery noticed within a minute, or
 * within one interval when the interval is longer than that. Pure.
 */
final class PollBackoff {
    static final Duration MAX_DELAY = Duration.ofSeconds(60);

    private PollBackoff() {}

    /**
     * The delay before the next poll.
     *
     * @param interval POLLING_INTERVAL, positive
     * @param consecutiveFailures failed polls in a row, 0 after a success
     */
    static Duration delay(Duration interval, long consecutiveFailures) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval is not positive: " + interval);
        }
        if (consecutiveFailures < 0) {
            throw new IllegalArgumentException(
                    "consecutiveFailures is negative: " + consecutiveFailures);
        }
        Duration cap = interval.compareTo(MAX_DELAY) > 0 ? interval : MAX_DELAY;
        Duration delay = interval;
        // at most ~40 rounds: the delay at least doubles each round until it reaches the cap
        for (long i = 0; i < consecutiveFailures && delay.compareTo(cap) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(cap) < 0 ? delay : cap;
    }
}
