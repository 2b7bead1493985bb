package io.github.mediamtxvod.recording;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Spaces FFmpeg starts at least {@code interval} apart across all streams: many FFmpeg processes
 * connecting in the same instant lost a stream's first minute on a small machine, while starts
 * 100 ms apart all recorded cleanly. Thread-safe.
 */
final class StartPacer {
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private long nextSlotNanos;
    private boolean used;

    StartPacer(Duration interval, LongSupplier nanoTime) {
        this.intervalNanos = requireNonNull(interval, "interval is null").toNanos();
        this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
    }

    /** Reserves the next start slot and answers how long to wait for it (zero when free now). */
    synchronized Duration reserve() {
        long now = nanoTime.getAsLong();
        long slot = !used || now - nextSlotNanos > 0 ? now : nextSlotNanos;
        used = true;
        nextSlotNanos = slot + intervalNanos;
        return Duration.ofNanos(slot - now);
    }
}
