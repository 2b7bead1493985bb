package io.github.mediamtxvod.mp4;

/**
 * Exact conversions between a track's ticks and nanoseconds. Integer arithmetic split into whole
 * seconds and a remainder, so hours of 90 kHz ticks neither overflow nor drift by rounding.
 */
final class MediaTime {
    static final long NANOS_PER_SECOND = 1_000_000_000L;

    private MediaTime() {}

    /** Ticks of {@code timescale} to nanoseconds, rounded down (towards minus infinity). */
    static long toNanos(long ticks, long timescale) {
        long seconds = Math.floorDiv(ticks, timescale);
        long rest = Math.floorMod(ticks, timescale);
        return seconds * NANOS_PER_SECOND + rest * NANOS_PER_SECOND / timescale;
    }

    /** Nanoseconds to ticks of {@code timescale}, rounded to the nearest tick. */
    static long toTicks(long nanos, long timescale) {
        long seconds = Math.floorDiv(nanos, NANOS_PER_SECOND);
        long rest = Math.floorMod(nanos, NANOS_PER_SECOND);
        return seconds * timescale + (rest * timescale + NANOS_PER_SECOND / 2) / NANOS_PER_SECOND;
    }
}
