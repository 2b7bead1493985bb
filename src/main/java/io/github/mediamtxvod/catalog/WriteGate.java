package io.github.mediamtxvod.catalog;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.runtime.Backoff;
import io.github.mediamtxvod.runtime.Causes;
import io.github.mediamtxvod.runtime.Durations;
import io.github.mediamtxvod.runtime.TransitionLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Whether the catalogue can be written right now, shared by every writer: after a failed write
 * nobody tries again before a growing wait has passed (capped exponential backoff with jitter,
 * measured on a monotonic clock), so a full disk or a locked file never turns into a busy loop.
 * Logs the first failure, a summary at most once a minute while it lasts, and the recovery.
 * Thread-safe.
 */
final class WriteGate {
    private static final Logger log = LoggerFactory.getLogger(WriteGate.class);

    private final Path databaseFile;
    private final Backoff backoff;
    private final LongSupplier nanoTime;
    private final TransitionLog failures;
    // @GuardedBy("this")
    private long consecutiveFailures;
    // @GuardedBy("this")
    private long notBeforeNanos;

    WriteGate(Path databaseFile, Backoff backoff, LongSupplier nanoTime) {
        this.databaseFile = requireNonNull(databaseFile, "databaseFile is null");
        this.backoff = requireNonNull(backoff, "backoff is null");
        this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
        this.failures = new TransitionLog(log, Level.WARN, TransitionLog.SUMMARY_PERIOD, nanoTime);
    }

    /** How long writers should wait before the next attempt; zero when they may write. */
    synchronized Duration waitLeft() {
        if (consecutiveFailures == 0) {
            return Duration.ZERO;
        }
        long left = notBeforeNanos - nanoTime.getAsLong();
        return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
    }

    /** Whether the last write failed. */
    synchronized boolean failing() {
        return consecutiveFailures > 0;
    }

    /** A write failed: closes the gate for the next backoff step; returns that wait. */
    synchronized Duration failed(CatalogException failure) {
        consecutiveFailures++;
        Duration wait = backoff.delay(consecutiveFailures);
        notBeforeNanos = nanoTime.getAsLong() + wait.toNanos();
        failures.failed("{} - the catalogue cannot be written ({}: {}); retrying with growing waits, next in {}."
                        + " Finished segments are kept and queued as soon as it works again; nothing is deleted",
                databaseFile, failure.kind(), rootMessage(failure), Durations.describe(wait));
        return wait;
    }

    /** A write succeeded; returns true when it ends a run of failures (logged once). */
    synchronized boolean succeeded(int deferredChanges) {
        if (consecutiveFailures == 0) {
            return false;
        }
        failures.recovered("{} - the catalogue can be written again after {} failed attempts over {}; {} changes kept"
                        + " meanwhile are recorded", databaseFile, failures.failures(),
                Durations.describe(failures.failingFor()), deferredChanges);
        consecutiveFailures = 0;
        notBeforeNanos = 0;
        return true;
    }

    private static String rootMessage(Throwable failure) {
        return Causes.root(failure).getMessage();
    }
}
