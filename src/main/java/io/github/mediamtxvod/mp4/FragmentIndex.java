package io.github.mediamtxvod.mp4;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where everything is in one fragmented-MP4 segment, read from its box headers and {@code moof}
 * boxes only: the init section, the tracks, and per fragment its byte ranges and per-track timing
 * and sync samples. Enough to plan a cut, write an HLS playlist with byte ranges, or find a
 * keyframe, without touching media data.
 *
 * <p>Only complete fragments are listed: a {@code moof} whose {@code mdat} is cut off (FFmpeg killed
 * mid-write) ends the list, and {@link #completeLength()} says where to cut the file back.
 *
 * <p>Immutable and thread-safe. Size: a few dozen bytes per fragment in memory and about 15 in
 * {@link #toBytes()} form (a 60 s segment with 1 s fragments: ~1 KB plus the sample descriptions).
 */
public final class FragmentIndex {
    private final long initLength;
    private final long completeLength;
    private final List<TrackInfo> tracks;
    private final List<Fragment> fragments;
    private final long zeroNanos;

    /**
     * One moof+mdat pair.
     *
     * @param moofOffset where the moof box starts
     * @param moofSize   the moof box's size, header included
     * @param mdatOffset where the mdat box starts (its header, not its payload)
     * @param mdatSize   the mdat box's size, header included
     * @param runs       per track in the moof's order: timing and sync samples
     */
    public record Fragment(long moofOffset, long moofSize, long mdatOffset, long mdatSize, List<TrackRun> runs) {
        public Fragment {
            requireNonNull(runs, "runs is null");
            runs = List.copyOf(runs);
        }

        /** Just past the mdat. */
        public long end() {
            return mdatOffset + mdatSize;
        }

        /** Bytes from the moof's first to the mdat's last: one range read covers the fragment. */
        public long length() {
            return end() - moofOffset;
        }

        public Optional<TrackRun> run(int trackId) {
            for (TrackRun run : runs) {
                if (run.trackId() == trackId) {
                    return Optional.of(run);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * One track's samples in one fragment.
     *
     * @param trackId        the track
     * @param baseDecodeTime decode time of the first sample (tfdt), in the track's ticks
     * @param sampleCount    number of samples
     * @param duration       sum of their durations, in ticks
     * @param allSync        every sample is a sync sample (audio); then {@code syncSamples} is empty
     * @param syncSamples    the sync samples (keyframes) when not all are, in decode order
     */
    public record TrackRun(int trackId, long baseDecodeTime, int sampleCount, long duration, boolean allSync,
            List<SyncSample> syncSamples) {
        public TrackRun {
            requireNonNull(syncSamples, "syncSamples is null");
            syncSamples = List.copyOf(syncSamples);
        }

        public long endDecodeTime() {
            return baseDecodeTime + duration;
        }

        /** Whether the fragment starts with a keyframe for this track (HLS needs this for a segment). */
        public boolean firstSampleSync() {
            return sampleCount > 0 && (allSync || (!syncSamples.isEmpty() && syncSamples.get(0).index() == 0));
        }
    }

    /**
     * A sync sample (keyframe).
     *
     * @param index      its position in the track run
     * @param decodeTime its decode time in the track's ticks
     */
    public record SyncSample(int index, long decodeTime) {}

    FragmentIndex(long initLength, long completeLength, List<TrackInfo> tracks, List<Fragment> fragments) {
        this.initLength = initLength;
        this.completeLength = completeLength;
        this.tracks = List.copyOf(tracks);
        this.fragments = List.copyOf(fragments);
        this.zeroNanos = earliestNanos();
    }

    /**
     * Reads the index of a source: one read for the init section, then about one ranged read per
     * fragment (the moof and the next box header); media data is skipped.
     *
     * @throws PlaybackException {@code UNSUPPORTED_INPUT} when the source is not a fragmented MP4
     * @throws IOException       when the source cannot be read
     */
    public static FragmentIndex read(SegmentSource source) throws IOException, PlaybackException {
        return IndexReader.read(source);
    }

    /** The index back from {@link #toBytes()}. @throws PlaybackException when the bytes are not an index */
    public static FragmentIndex fromBytes(byte[] bytes) throws PlaybackException {
        return IndexCodec.decode(bytes);
    }

    /** A compact, versioned binary form, for caching in the catalogue. */
    public byte[] toBytes() {
        return IndexCodec.encode(this);
    }

    /** Length of ftyp+moov: the init section an HLS {@code #EXT-X-MAP:BYTERANGE} points at. */
    public long initLength() {
        return initLength;
    }

    /** End of the last complete moof+mdat (or of the init section when there is none). */
    public long completeLength() {
        return completeLength;
    }

    public List<TrackInfo> tracks() {
        return tracks;
    }

    public List<Fragment> fragments() {
        return fragments;
    }

    /** The track cuts are made on: the first video track, else the first track. */
    public TrackInfo primaryTrack() {
        for (TrackInfo track : tracks) {
            if (track.isVideo()) {
                return track;
            }
        }
        return tracks.get(0);
    }

    public Optional<TrackInfo> track(int trackId) {
        for (TrackInfo track : tracks) {
            if (track.id() == trackId) {
                return Optional.of(track);
            }
        }
        return Optional.empty();
    }

    /** Whether the tracks of {@code other} can continue this file's in one output. */
    public boolean sameLayout(FragmentIndex other) {
        if (tracks.size() != other.tracks.size()) {
            return false;
        }
        for (int i = 0; i < tracks.size(); i++) {
            if (!tracks.get(i).sameLayout(other.tracks.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** From the file's earliest decode time ({@link SegmentSource#start()}) to the fragment's earliest. */
    public Duration offsetOf(Fragment fragment) {
        long earliest = Long.MAX_VALUE;
        for (TrackRun run : fragment.runs()) {
            earliest = Math.min(earliest, nanos(run.trackId(), run.baseDecodeTime()));
        }
        return Duration.ofNanos(earliest == Long.MAX_VALUE ? 0 : earliest - zeroNanos());
    }

    /** The fragment's duration on the primary track (the longest run when it has none there). */
    public Duration durationOf(Fragment fragment) {
        Optional<TrackRun> primary = fragment.run(primaryTrack().id());
        if (primary.isPresent()) {
            return Duration.ofNanos(MediaTime.toNanos(primary.get().duration(), primaryTrack().timescale()));
        }
        long longest = 0;
        for (TrackRun run : fragment.runs()) {
            longest = Math.max(longest, nanos(run.trackId(), run.duration()));
        }
        return Duration.ofNanos(longest);
    }

    /** From the earliest decode time to the latest sample end over all tracks; zero without fragments. */
    public Duration duration() {
        long end = Long.MIN_VALUE;
        for (Fragment fragment : fragments) {
            for (TrackRun run : fragment.runs()) {
                end = Math.max(end, nanos(run.trackId(), run.endDecodeTime()));
            }
        }
        return end == Long.MIN_VALUE ? Duration.ZERO : Duration.ofNanos(end - zeroNanos());
    }

    /** The earliest decode time over all tracks, in nanoseconds of file time (0 for FFmpeg's segments). */
    long zeroNanos() {
        return zeroNanos;
    }

    private long earliestNanos() {
        long zero = Long.MAX_VALUE;
        for (Fragment fragment : fragments) {
            for (TrackRun run : fragment.runs()) {
                zero = Math.min(zero, nanos(run.trackId(), run.baseDecodeTime()));
            }
        }
        return zero == Long.MAX_VALUE ? 0 : zero;
    }

    /** A time in a track's ticks, in nanoseconds of file time. */
    long nanos(int trackId, long ticks) {
        return MediaTime.toNanos(ticks, timescale(trackId));
    }

    long timescale(int trackId) {
        return track(trackId).map(TrackInfo::timescale).orElseThrow(
                () -> new IllegalStateException("track " + trackId + " is not in the index"));
    }

    @Override
    public String toString() {
        return "FragmentIndex[" + tracks + ", " + fragments.size() + " fragments, init " + initLength
                + " bytes, complete " + completeLength + " bytes]";
    }
}
