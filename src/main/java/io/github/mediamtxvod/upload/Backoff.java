package io.github.mediamtxvod.upload;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Capped exponential backoff with jitter: after {@code n} consecutive failures wait a random time
 * between half and all of {@code min(max, initial * 2^(n-1))} ("equal jitter": never zero, so a
 * dead server is not hammered, and spread, so workers do not retry in lockstep). Pure and
 * immutable; the randomness is injected.
 */
final class Backoff {
    private final Duration initial;
    private final Duration max;
    private final DoubleSupplier random;

    /** {@code random} returns values in [0, 1), like {@code ThreadLocalRandom.current()::nextDouble}. */
    Backoff(Duration initial, Duration max, DoubleSupplier random) {
        this.initial = requireNonNull(initial, "initial is null");
        this.max = requireNonNull(max, "max is null");
        this.random = requireNonNull(random, "random is null");
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max: " + initial + ", " + max);
        }
    }

    /** The wait after {@code failures} consecutive failures; zero when there was none. */
    Duration delay(int failures) {
        if (failures <= 0) {
            return Duration.ZERO;
        }
        long ceilingNanos = ceiling(failures).toNanos();
        long half = ceilingNanos / 2;
        double jitter = Math.min(Math.max(random.getAsDouble(), 0.0), 1.0);
        return Duration.ofNanos(half + (long) ((ceilingNanos - half) * jitter));
    }

    /** The upper bound of {@link #delay(int)}. */
    Duration ceiling(int failures) {
        int doublings = Math.min(failures - 1, 62);
        Duration ceiling = initial;
        for (int i = 0; i < doublings && ceiling.compareTo(max) < 0; i++) {
            ceiling = ceiling.multipliedBy(2);
        }
        return ceiling.compareTo(max) > 0 ? max : ceiling;
    }

    Duration max() {
        return max;
    }
}
