package io.github.mediamtxvod.catalog;

import io.github.mediamtxvod.recording.DiskSpace;
import io.github.mediamtxvod.runtime.Backoff;
import java.time.Duration;
import java.util.function.LongSupplier;

/** Catalogue timings for tests: short busy timeout and waits, a small reserve, an injected clock. */
final class Tunings {
    static final long RESERVE = 256 * 1024;

    private Tunings() {}

    static CatalogTuning fast(DiskSpace space, LongSupplier nanoTime) {
        return fast(space, nanoTime, RESERVE);
    }

    static CatalogTuning fast(DiskSpace space, LongSupplier nanoTime, long reserveBytes) {
        return new CatalogTuning(Duration.ofMillis(200), CatalogSchema.WAL_CHECKPOINT_PAGES,
                Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1)),
                Backoff.exponential(Duration.ofMillis(50), Duration.ofMillis(200)),
                reserveBytes, space, nanoTime, 100, 10);
    }

    static CatalogTuning fast() {
        return fast(DiskSpace.fileStore(), System::nanoTime);
    }
}
