package io.github.mediamtxvod.mp4;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads and parses one fragment's moof, checked against the index that planned it. Stateless. */
final class FragmentReader {
    private FragmentReader() {}

    /** Reads the moof with its own ranged read (the plain-MP4 metadata pass). */
    static List<TrackSamples> read(RangePlan.Step step) throws IOException, PlaybackException {
        FragmentIndex.Fragment fragment = step.fragment();
        try (InputStream in = step.indexed().source().open(fragment.moofOffset(), fragment.moofSize())) {
            return parse(step, in);
        }
    }

    /** Reads the moof from a stream positioned at its first byte and parses it. */
    static List<TrackSamples> parse(RangePlan.Step step, InputStream in) throws IOException, PlaybackException {
        FragmentIndex.Fragment fragment = step.fragment();
        String where = where(step);
        byte[] moof = in.readNBytes(Math.toIntExact(fragment.moofSize()));
        if (moof.length < fragment.moofSize()) {
            throw new EOFException(where + " ended after " + moof.length + " of its " + fragment.moofSize()
                    + " bytes; the file is shorter than its index says");
        }
        Map<Integer, TrackInfo> tracks = new HashMap<>();
        for (TrackInfo track : step.indexed().index().tracks()) {
            tracks.put(track.id(), track);
        }
        List<TrackSamples> samples = MoofParser.parse(moof, fragment.moofOffset(), tracks, where);
        for (TrackSamples track : samples) {
            FragmentIndex.TrackRun run = fragment.run(track.track.id()).orElse(null);
            if (run == null || run.sampleCount() != track.count() || run.baseDecodeTime() != track.baseDecodeTime) {
                throw new PlaybackException(PlaybackException.Reason.INCONSISTENT_TRACKS, where
                        + " does not match its index (track " + track.track.id() + "); the cached index is stale:"
                        + " read the index from the segment again");
            }
        }
        return samples;
    }

    static String where(RangePlan.Step step) {
        return step.indexed().source().name() + " (moof at byte " + step.fragment().moofOffset() + ")";
    }
}
