package io.github.mediamtxvod.runtime;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * Logs a condition's transitions, not its repeats: the first failure at the failure level, then
 * while the condition lasts at most one summary per period (the latest message with the number
 * of failures so far and for how long), the failures in between at DEBUG, and finally the
 * recovery at INFO. One instance per condition (S3 uploads, MediaMTX polls, catalogue writes ...).
 * Messages are SLF4J formats; a {@link Throwable} as last argument is logged with its stack trace
 * on the first failure only. Time is monotonic ({@link System#nanoTime()} unless injected).
 * Thread-safe.
 */
public final class TransitionLog {
    /** How often a lasting failure is summarised by default. */
    public static final Duration SUMMARY_PERIOD = Duration.ofMinutes(1);

    private final Logger log;
    private final Level failureLevel;
    private final long summaryPeriodNanos;
    private final LongSupplier nanoTime;

    private long failures;
    private long failingSinceNanos;
    private long lastLoggedNanos;

    public TransitionLog(Logger log, Level failureLevel, Duration summaryPeriod, LongSupplier nanoTime) {
        this.log = requireNonNull(log, "log is null");
        this.failureLevel = requireNonNull(failureLevel, "failureLevel is null");
        this.summaryPeriodNanos = requireNonNull(summaryPeriod, "summaryPeriod is null").toNanos();
        this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
    }

    /** Failures at WARN, summarised once a minute. */
    public TransitionLog(Logger log) {
        this(log, Level.WARN, SUMMARY_PERIOD, System::nanoTime);
    }

    /**
     * One more failure. Returns true when it was the first of a run of failures (logged at the
     * failure level); later ones are summarised at most once per period, else logged at DEBUG.
     */
    public synchronized boolean failed(String format, Object... arguments) {
        long now = nanoTime.getAsLong();
        failures++;
        if (failures == 1) {
            failingSinceNanos = now;
            lastLoggedNanos = now;
            log.atLevel(failureLevel).log(format, arguments);
            return true;
        }
        Object[] plain = withoutThrowable(arguments);
        if (now - lastLoggedNanos >= summaryPeriodNanos) {
            lastLoggedNanos = now;
            Object[] summary = Arrays.copyOf(plain, plain.length + 2);
            summary[plain.length] = failures;
            summary[plain.length + 1] = Durations.describe(Duration.ofNanos(now - failingSinceNanos));
            log.atLevel(failureLevel).log(format + " (still failing: {} failures in {})", summary);
        } else {
            log.debug(format, plain);
        }
        return false;
    }

    /**
     * The condition is fine (again). When it was failing, logs {@code format} at INFO and returns
     * true; the arguments may use {@link #failures()} and {@link #failingFor()}, read before this
     * call. Otherwise does nothing and returns false.
     */
    public synchronized boolean recovered(String format, Object... arguments) {
        if (failures == 0) {
            return false;
        }
        failures = 0;
        log.info(format, arguments);
        return true;
    }

    /** Whether the last event was a failure. */
    public synchronized boolean failing() {
        return failures > 0;
    }

    /** Failures since the last recovery. */
    public synchronized long failures() {
        return failures;
    }

    /** How long the current run of failures has lasted; zero when not failing. */
    public synchronized Duration failingFor() {
        return failures == 0 ? Duration.ZERO : Duration.ofNanos(nanoTime.getAsLong() - failingSinceNanos);
    }

    private static Object[] withoutThrowable(Object[] arguments) {
        if (arguments.length > 0 && arguments[arguments.length - 1] instanceof Throwable failure) {
            Object[] plain = Arrays.copyOf(arguments, arguments.length);
            plain[arguments.length - 1] = failure.toString();
            return plain;
        }
        return arguments;
    }
}
