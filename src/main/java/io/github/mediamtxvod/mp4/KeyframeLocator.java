package io.github.mediamtxvod.mp4;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Finds the keyframe nearest a wall-clock instant, for thumbnails, and writes it as a one-frame
 * fMP4 that FFmpeg decodes to an image ({@code ffmpeg -i still.mp4 -frames:v 1 thumb.jpg}).
 * Stateless and thread-safe; reads block the calling thread.
 */
public final class KeyframeLocator {
    private KeyframeLocator() {}

    /**
     * The keyframe of the first video track nearest {@code at} over all sources (the earlier one on a
     * tie), from the indexes plus one ranged read of its moof; empty when no source has video.
     */
    public static Optional<Keyframe> nearest(List<IndexedSource> sources, Instant at)
            throws IOException, PlaybackException {
        long target = IndexedSource.epochNanos(at);
        RangePlan.Step best = null;
        FragmentIndex.SyncSample bestSample = null;
        long bestDistance = Long.MAX_VALUE;
        for (int s = 0; s < sources.size(); s++) {
            IndexedSource source = sources.get(s);
            TrackInfo video = source.index().primaryTrack();
            if (!video.isVideo()) {
                continue;
            }
            for (FragmentIndex.Fragment fragment : source.index().fragments()) {
                FragmentIndex.TrackRun run = fragment.run(video.id()).orElse(null);
                if (run == null) {
                    continue;
                }
                for (FragmentIndex.SyncSample sync : run.syncSamples()) {
                    long distance = Math.abs(source.wallNanos(video.id(), sync.decodeTime()) - target);
                    if (distance < bestDistance) {
                        bestDistance = distance;
                        best = new RangePlan.Step(s, source, fragment);
                        bestSample = sync;
                    }
                }
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        TrackInfo video = best.indexed().index().primaryTrack();
        for (TrackSamples samples : FragmentReader.read(best)) {
            if (samples.track.id() == video.id()) {
                int i = bestSample.index();
                return Optional.of(new Keyframe(best.indexed(), video,
                        IndexedSource.instant(best.indexed().wallNanos(video.id(), bestSample.decodeTime())),
                        best.fragment(), i, samples.offset(i), samples.size(i), samples.duration(i)));
            }
        }
        throw new PlaybackException(PlaybackException.Reason.INCONSISTENT_TRACKS,
                FragmentReader.where(best) + " has no samples of " + video + " although its index lists some");
    }

    /** Writes ftyp, a moov with the keyframe's track only, and one fragment holding just the keyframe. */
    public static void writeStill(Keyframe keyframe, OutputStream out) throws IOException {
        TrackSamples one = new TrackSamples(keyframe.track(), 0);
        one.add(keyframe.sampleOffset(), keyframe.sampleSize(), keyframe.sampleDuration(), 0, 0);
        Cutter.Selection selection = new Cutter.Selection(one, 0, 1, 0);
        Piece piece = new Piece(selection, 0, 1, keyframe.sampleOffset(), keyframe.sampleSize());
        BoxWriter header = new BoxWriter();
        MoovWriter.ftyp(header, true);
        MoovWriter.fragmented(header, List.of(keyframe.track()));
        header.writeTo(out);
        Fmp4Writer.moof(1, List.of(selection), List.of(piece), 8).writeTo(out);
        Fmp4Writer.mdatHeader(out, keyframe.sampleSize(), 8);
        try (InputStream in = keyframe.source().source().open(keyframe.sampleOffset(), keyframe.sampleSize())) {
            Piece.copy(Piece.ranges(List.of(piece)), in, keyframe.sampleOffset(), out,
                    keyframe.source().source().name());
        }
        out.flush();
    }
}
