package io.github.mediamtxvod.runtime;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Capped exponential backoff, the one retry policy of the recorder: after {@code n} consecutive
 * failures the wait is {@code min(max, initial * 2^(n-1))}. With jitter ("equal jitter") the wait
 * is a random time between half and all of that: never zero, so a dead server is not hammered,
 * and spread, so workers do not retry in lockstep. Zero failures mean no wait. Immutable and
 * thread-safe; the randomness is injected.
 */
public final class Backoff {
    private static final DoubleSupplier NO_JITTER = () -> 1.0;

    private final Duration initial;
    private final Duration max;
    private final DoubleSupplier random;

    private Backoff(Duration initial, Duration max, DoubleSupplier random) {
        this.initial = requireNonNull(initial, "initial is null");
        this.max = requireNonNull(max, "max is null");
        this.random = requireNonNull(random, "random is null");
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max: " + initial + ", " + max);
        }
    }

    /** Waits exactly {@code initial}, {@code 2 * initial}, ... up to {@code max}. */
    public static Backoff exponential(Duration initial, Duration max) {
        return new Backoff(initial, max, NO_JITTER);
    }

    /**
     * Waits a random time in {@code [ceiling / 2, ceiling]}; {@code random} returns values in
     * [0, 1), like {@code Math::random}, and values outside are clamped.
     */
    public static Backoff withJitter(Duration initial, Duration max, DoubleSupplier random) {
        return new Backoff(initial, max, random);
    }

    /** The wait after {@code failures} consecutive failures; zero when there was none. */
    public Duration delay(long failures) {
        if (failures < 0) {
            throw new IllegalArgumentException("failures is negative: " + failures);
        }
        if (failures == 0) {
            return Duration.ZERO;
        }
        Duration ceiling = ceiling(failures);
        if (random == NO_JITTER) {
            return ceiling;
        }
        long ceilingNanos = ceiling.toNanos();
        long half = ceilingNanos / 2;
        double jitter = Math.min(Math.max(random.getAsDouble(), 0.0), 1.0);
        return Duration.ofNanos(half + (long) ((ceilingNanos - half) * jitter));
    }

    /** The upper bound of {@link #delay}: {@code min(max, initial * 2^(failures-1))}. */
    public Duration ceiling(long failures) {
        Duration ceiling = initial;
        // at most ~60 rounds: the ceiling doubles each round until it reaches the max
        for (long i = 1; i < failures && ceiling.compareTo(max) < 0; i++) {
            ceiling = ceiling.multipliedBy(2);
        }
        return ceiling.compareTo(max) > 0 ? max : ceiling;
    }

    /** The cap. */
    public Duration max() {
        return max;
    }
}
