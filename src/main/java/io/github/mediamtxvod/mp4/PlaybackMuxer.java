package io.github.mediamtxvod.mp4;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Turns recorded fragmented-MP4 segments into one file for a wall-clock range, as MediaMTX's
 * playback server answers {@code GET /get}: {@link #writeFmp4} ({@code format=fmp4}, the default) or
 * {@link #writeMp4} ({@code format=mp4}).
 *
 * <p>The range is {@code [start, start + duration)} in wall-clock time over {@code sources}: the
 * consecutive segments of one stream in time order, possibly from several sessions with gaps between
 * them. The output starts at the last keyframe of the first video track at or before {@code start}
 * (at most one GOP early; an audio-only recording at the sample containing {@code start}) and stops
 * before the first sample at or after the end. Its timeline is continuous from 0: the first source
 * keeps its distance from the origin, each later source follows the previous one without a hole (gaps
 * between sessions are left out and reported in {@link MuxResult#skippedGaps()}). Its first video frame
 * is decoded exactly where the previous frame's duration ends, and samples keep their durations and
 * composition offsets in the track's own timescale (an audio frame that would overlap the one before is
 * shortened), so the video stays on one frame grid and decodes as cleanly as the sources. A later
 * source whose tracks or sample descriptions differ from the first contributing source ends the output
 * before it ({@link MuxResult#endedAtLayoutChange()}): a player cannot switch codec parameters inside
 * one file.
 *
 * <p>Nothing is written before the first fragment has been read and the range is known to hold media,
 * so {@link PlaybackException} with {@code NO_MEDIA} or {@code INVALID_REQUEST} comes before any byte;
 * an {@link IOException} or {@code INCONSISTENT_TRACKS} may come after bytes went out, and then the
 * response can only be aborted. {@code out} is neither buffered nor closed here.
 *
 * <p>Immutable and thread-safe; every call runs on the calling thread and blocks it on source reads
 * and output writes. Local file reads pin a virtual thread's carrier, so with {@link FileSegmentSource}
 * call from a platform thread (or a bounded pool); network sources may run on virtual threads.
 *
 * <p>Memory: fMP4 holds one fragment's moof and sample list at a time; plain MP4 holds the sample
 * tables of the whole range (see {@code SampleTables}: at most 24 bytes per sample, about 2 MB for an
 * hour of 25 fps video with AAC) plus 16 bytes per fragment. Media bytes pass through a 64 KB buffer.
 */
public final class PlaybackMuxer {
    private final Duration maxDuration;

    /** @param maxDuration the longest range one request may ask for */
    public PlaybackMuxer(Duration maxDuration) {
        requireNonNull(maxDuration, "maxDuration is null");
        if (!maxDuration.isPositive()) {
            throw new IllegalArgumentException("maxDuration=" + maxDuration + " must be positive");
        }
        this.maxDuration = maxDuration;
    }

    /**
     * Writes a fragmented MP4 as it reads the sources: ftyp+moov, then one moof+mdat per source fragment.
     *
     * @param origin wall-clock instant of output time 0, or null for the first sample written; must not
     *               be after {@code start}; moved back to the first sample written when that is earlier
     */
    public MuxResult writeFmp4(List<IndexedSource> sources, Instant start, Duration duration, Instant origin,
            OutputStream out) throws IOException, PlaybackException {
        requireNonNull(out, "out is null");
        if (origin != null && start != null && origin.isAfter(start)) {
            throw new PlaybackException(PlaybackException.Reason.INVALID_REQUEST, "origin=" + origin
                    + " is after start=" + start + "; origin must be at or before start");
        }
        RangePlan plan = plan(sources, start, duration);
        return Fmp4Writer.write(plan, origin == null ? null : IndexedSource.epochNanos(origin), out);
    }

    /**
     * Writes a plain MP4, moov before mdat, starting at time 0 (the cut). The moofs in range are read
     * before the first byte goes out; the media then streams in one pass.
     */
    public MuxResult writeMp4(List<IndexedSource> sources, Instant start, Duration duration, OutputStream out)
            throws IOException, PlaybackException {
        requireNonNull(out, "out is null");
        return Mp4Writer.write(plan(sources, start, duration), out);
    }

    private RangePlan plan(List<IndexedSource> sources, Instant start, Duration duration) throws PlaybackException {
        requireNonNull(sources, "sources is null");
        requireNonNull(start, "start is null");
        requireNonNull(duration, "duration is null");
        if (!duration.isPositive()) {
            throw new PlaybackException(PlaybackException.Reason.INVALID_REQUEST,
                    "duration=" + seconds(duration) + " is not positive; ask for more than 0 seconds");
        }
        if (duration.compareTo(maxDuration) > 0) {
            throw new PlaybackException(PlaybackException.Reason.INVALID_REQUEST, "duration=" + seconds(duration)
                    + " is over the maximum of " + seconds(maxDuration) + "; ask for at most "
                    + seconds(maxDuration) + " and fetch the rest with further requests");
        }
        for (int i = 1; i < sources.size(); i++) {
            if (sources.get(i).source().start().isBefore(sources.get(i - 1).source().start())) {
                throw new IllegalArgumentException("sources are not in time order: " + sources.get(i).source().name()
                        + " starts before " + sources.get(i - 1).source().name());
            }
        }
        long startNanos = IndexedSource.epochNanos(start);
        return RangePlan.plan(sources, startNanos, startNanos + duration.toNanos());
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() / 1000.0 + " s";
    }
}
