package io.github.mediamtxvod.mp4;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One keyframe (sync sample) of a video track, located for a thumbnail. Either feed FFmpeg the
 * init section ({@code [0, source.index().initLength())}) plus the whole fragment
 * ({@code [fragment.moofOffset(), fragment.end())}), or write a one-frame fMP4 with
 * {@link KeyframeLocator#writeStill}. Immutable.
 *
 * @param source         the segment holding it
 * @param track          its video track
 * @param time           its wall-clock decode time
 * @param fragment       the fragment holding it
 * @param sampleIndex    its position in the fragment's run of that track (0: the fragment starts with it)
 * @param sampleOffset   file offset of its bytes
 * @param sampleSize     number of bytes
 * @param sampleDuration its duration in the track's ticks
 */
public record Keyframe(IndexedSource source, TrackInfo track, Instant time, FragmentIndex.Fragment fragment,
        int sampleIndex, long sampleOffset, int sampleSize, long sampleDuration) {
    public Keyframe {
        requireNonNull(source, "source is null");
        requireNonNull(track, "track is null");
        requireNonNull(time, "time is null");
        requireNonNull(fragment, "fragment is null");
    }
}
