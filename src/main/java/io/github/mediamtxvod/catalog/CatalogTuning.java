package io.github.mediamtxvod.catalog;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.recording.DiskSpace;
import io.github.mediamtxvod.runtime.Backoff;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Timings and bounds of the catalogue that are not settings. Production uses {@link #defaults};
 * tests shorten the waits and inject the free-space view and the monotonic clock.
 *
 * @param busyTimeout how long a write waits for another connection's lock (the clean command)
 * @param walCheckpointPages how many pages the write-ahead log grows to before it is checkpointed
 * @param writeBackoff the growing wait after failed writes
 * @param mountBackoff the growing wait between looks at a RECORDINGS_DIR that seems unmounted
 * @param reserveBytes the size of the reserve file released on a full disk
 * @param space the free space of RECORDINGS_DIR's disk
 * @param nanoTime the monotonic clock of every wait
 * @param maxDeferredSegments finished segments kept in memory while the catalogue cannot take them
 * @param maxDeferredOutcomes upload results kept in memory meanwhile
 */
record CatalogTuning(
        Duration busyTimeout,
        int walCheckpointPages,
        Backoff writeBackoff,
        Backoff mountBackoff,
        long reserveBytes,
        DiskSpace space,
        LongSupplier nanoTime,
        int maxDeferredSegments,
        int maxDeferredOutcomes) {

    CatalogTuning {
        requireNonNull(busyTimeout, "busyTimeout is null");
        requireNonNull(writeBackoff, "writeBackoff is null");
        requireNonNull(mountBackoff, "mountBackoff is null");
        requireNonNull(space, "space is null");
        requireNonNull(nanoTime, "nanoTime is null");
    }

    /** The same with another checkpoint interval of the write-ahead log. */
    CatalogTuning withWalCheckpointPages(int pages) {
        return new CatalogTuning(busyTimeout, pages, writeBackoff, mountBackoff, reserveBytes, space, nanoTime,
                maxDeferredSegments, maxDeferredOutcomes);
    }

    static CatalogTuning defaults(DiskSpace space) {
        return new CatalogTuning(
                CatalogSchema.BUSY_TIMEOUT,
                CatalogSchema.WAL_CHECKPOINT_PAGES,
                Backoff.withJitter(Duration.ofMillis(500), Duration.ofSeconds(30), Math::random),
                Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30)),
                CatalogReserve.DEFAULT_BYTES,
                space,
                System::nanoTime,
                10_000,
                1_000);
    }
}
