package io.github.mediamtxvod.upload;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.runtime.Backoff;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Decides what to do with a segment whose local file is missing when its upload starts: a
 * remount or a network file system blip makes files vanish for a moment, so the segment is tried
 * again after growing waits, and quarantined only once its file has been missing for the whole
 * grace period, counted on a monotonic clock from the first time it was missed. Remembers at most
 * {@link #MAX_TRACKED} files (the oldest are forgotten: their count starts again). Thread-safe.
 */
final class MissingFiles {
    static final int MAX_TRACKED = 10_000;

    private record Missing(long sinceNanos, long times) {}

    private final Backoff backoff;
    private final Duration grace;
    private final LongSupplier nanoTime;
    // @GuardedBy("this")
    private final Map<String, Missing> missing = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Missing> eldest) {
            return size() > MAX_TRACKED;
        }
    };

    MissingFiles(Backoff backoff, Duration grace, LongSupplier nanoTime) {
        this.backoff = requireNonNull(backoff, "backoff is null");
        this.grace = requireNonNull(grace, "grace is null");
        this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
    }

    /**
     * The file of {@code relativePath} is missing (again): how long to wait before the next try,
     * or empty when it has been missing for the grace period and the entry is to be quarantined
     * (it is then forgotten here).
     */
    synchronized Optional<Duration> missing(String relativePath) {
        long now = nanoTime.getAsLong();
        Missing before = missing.get(relativePath);
        Missing current = before == null ? new Missing(now, 1) : new Missing(before.sinceNanos(), before.times() + 1);
        if (now - current.sinceNanos() >= grace.toNanos()) {
            missing.remove(relativePath);
            return Optional.empty();
        }
        missing.put(relativePath, current);
        return Optional.of(backoff.delay(current.times()));
    }

    /** The file was read: it is no longer missing. Returns true when it was. */
    synchronized boolean found(String relativePath) {
        return missing.remove(relativePath) != null;
    }

    /** Whether any file is known to be missing. */
    synchronized boolean any() {
        return !missing.isEmpty();
    }

    /** How long the grace period lasts. */
    Duration grace() {
        return grace;
    }
}
