package io.github.mediamtxvod.mp4;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Instant;

/**
 * A segment's bytes with its index, as the muxer takes them. The index must have been read from
 * these bytes (a cached one is checked against each moof as it is read).
 *
 * @param source where the bytes are
 * @param index  what is in them
 */
public record IndexedSource(SegmentSource source, FragmentIndex index) {
    public IndexedSource {
        requireNonNull(source, "source is null");
        requireNonNull(index, "index is null");
    }

    /** Reads the index of {@code source} and pairs them. */
    public static IndexedSource read(SegmentSource source) throws IOException, PlaybackException {
        return new IndexedSource(source, FragmentIndex.read(source));
    }

    /** Wall-clock time of a decode time of one track, in nanoseconds since the epoch. */
    long wallNanos(int trackId, long ticks) {
        return epochNanos(source.start()) + index.nanos(trackId, ticks) - index.zeroNanos();
    }

    /** Wall-clock end of the latest sample, in nanoseconds since the epoch. */
    long wallEndNanos() {
        return epochNanos(source.start()) + index.duration().toNanos();
    }

    static long epochNanos(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), MediaTime.NANOS_PER_SECOND),
                instant.getNano());
    }

    static Instant instant(long epochNanos) {
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, MediaTime.NANOS_PER_SECOND),
                Math.floorMod(epochNanos, MediaTime.NANOS_PER_SECOND));
    }
}
