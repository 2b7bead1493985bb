package io.github.mediamtxvod.mp4;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;

/**
 * What an output holds, for logs, metrics and response headers. Immutable.
 *
 * @param firstSample         wall-clock time of the earliest sample written (the cut: at most one GOP before
 *                            the requested start, or later when the recording starts later)
 * @param end                 wall-clock end of the latest sample written
 * @param origin              wall-clock instant of output time 0: the requested origin, moved back to
 *                            {@code firstSample} when that is earlier (fMP4 decode times cannot be negative)
 * @param duration            length of the output timeline, from time 0 to the end of the last sample
 * @param skippedGaps         wall-clock time between sources that the output leaves out
 * @param sourcesUsed         how many sources contributed samples
 * @param endedAtLayoutChange the output stops early because a later source has other tracks or codec
 *                            parameters (a new session with another camera setup)
 * @param bytes               bytes written to the output stream
 */
public record MuxResult(Instant firstSample, Instant end, Instant origin, Duration duration, Duration skippedGaps,
        int sourcesUsed, boolean endedAtLayoutChange, long bytes) {
    public MuxResult {
        requireNonNull(firstSample, "firstSample is null");
        requireNonNull(end, "end is null");
        requireNonNull(origin, "origin is null");
        requireNonNull(duration, "duration is null");
        requireNonNull(skippedGaps, "skippedGaps is null");
    }

    static MuxResult of(Cutter cutter, RangePlan plan, long bytes) {
        return new MuxResult(IndexedSource.instant(cutter.firstWallNanos()),
                IndexedSource.instant(cutter.lastWallEndNanos()), IndexedSource.instant(cutter.originNanos()),
                Duration.ofNanos(cutter.outputEndNanos()), Duration.ofNanos(cutter.skippedNanos()),
                cutter.sourcesUsed(), plan.endedAtLayoutChange, bytes);
    }
}
