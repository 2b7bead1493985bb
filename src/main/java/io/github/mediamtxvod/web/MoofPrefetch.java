package io.github.mediamtxvod.web;

import io.github.mediamtxvod.mp4.FragmentIndex;
import io.github.mediamtxvod.mp4.IndexedSource;
import io.github.mediamtxvod.mp4.SegmentSource;
import io.github.mediamtxvod.mp4.TrackInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

/**
 * For a plain MP4 ({@code format=mp4}) from S3: the moofs the muxer reads, one small ranged read
 * each, before the first byte can go out (the moov needs every sample), fetched up front. Each
 * object's moofs are read front to back through a {@link SequentialSource} of their own (one GET that
 * reads through the media between them, as a new request per moof costs more: a signed request for
 * the recorder, a round trip for S3), all objects at once, at most {@link ParallelReads#LIMIT}. Only
 * fragments that overlap the range are fetched, back to the cut's keyframe (see {@link #overlapping}),
 * and at most {@link #MAX_BYTES} of moofs in all; a moof missed is read on demand. Stateless.
 */
final class MoofPrefetch {
    /** Moofs are about 1 KB per second of media; this covers many hours. */
    static final long MAX_BYTES = 32L * 1024 * 1024;

    private MoofPrefetch() {}

    /** {@code sources} with the moofs of their S3-backed ones in memory. */
    static List<IndexedSource> prefetch(List<IndexedSource> sources, Instant start, Instant end) throws IOException {
        List<List<FragmentIndex.Fragment>> wanted = new ArrayList<>();
        long bytes = 0;
        for (IndexedSource source : sources) {
            List<FragmentIndex.Fragment> fragments =
                    source.source() instanceof SequentialSource ? overlapping(source, start, end) : List.of();
            wanted.add(fragments);
            for (FragmentIndex.Fragment fragment : fragments) {
                bytes += fragment.moofSize();
            }
        }
        if (bytes == 0 || bytes > MAX_BYTES) {
            return sources;
        }
        List<Future<Map<Long, byte[]>>> pending = new ArrayList<>();
        try (ParallelReads reads = new ParallelReads()) {
            for (int s = 0; s < sources.size(); s++) {
                List<FragmentIndex.Fragment> fragments = wanted.get(s);
                // the object itself: the request's own sequential reader stays where the muxer needs it
                SegmentSource object = fragments.isEmpty() ? null : ((SequentialSource) sources.get(s).source()).inner();
                pending.add(fragments.isEmpty() ? null : reads.submit(() -> moofs(object, fragments)));
            }
            List<IndexedSource> result = new ArrayList<>(sources.size());
            for (int s = 0; s < sources.size(); s++) {
                IndexedSource source = sources.get(s);
                result.add(pending.get(s) == null ? source : new IndexedSource(
                        new Prefetched(source.source(), ParallelReads.await(pending.get(s), source.source().name())),
                        source.index()));
            }
            return result;
        }
    }

    /** The moofs of {@code fragments} (in file order), by offset, over one sequential reader. */
    private static Map<Long, byte[]> moofs(SegmentSource object, List<FragmentIndex.Fragment> fragments)
            throws IOException {
        Map<Long, byte[]> moofs = new HashMap<>();
        try (SequentialSource reader = new SequentialSource(object)) {
            for (FragmentIndex.Fragment fragment : fragments) {
                try (InputStream in = reader.open(fragment.moofOffset(), fragment.moofSize())) {
                    moofs.put(fragment.moofOffset(), in.readAllBytes());
                }
            }
        }
        return moofs;
    }

    /**
     * The fragments of a source that overlap {@code [start, end)}, back to the one holding the last
     * keyframe at or before {@code start} (the cut; FFmpeg closes a fragment a second, so a long GOP
     * spans several), and the one before that (audio that spans the cut).
     */
    static List<FragmentIndex.Fragment> overlapping(IndexedSource source, Instant start, Instant end) {
        FragmentIndex index = source.index();
        List<FragmentIndex.Fragment> fragments = index.fragments();
        int first = -1;
        int last = -1;
        for (int f = 0; f < fragments.size(); f++) {
            Instant from = wallStart(source, fragments.get(f));
            Instant to = from.plus(index.durationOf(fragments.get(f)));
            if (from.isBefore(end) && to.isAfter(start)) {
                first = first < 0 ? f : first;
                last = f;
            }
        }
        if (first < 0) {
            return List.of();
        }
        while (first > 0 && !keyframeAtOrBefore(source, fragments.get(first), start)) {
            first--;
        }
        return fragments.subList(Math.max(0, first - 1), last + 1);
    }

    /** Whether the fragment's first keyframe on the primary track is at or before {@code start}. */
    private static boolean keyframeAtOrBefore(IndexedSource source, FragmentIndex.Fragment fragment, Instant start) {
        TrackInfo primary = source.index().primaryTrack();
        FragmentIndex.TrackRun run = fragment.run(primary.id()).orElse(null);
        if (run == null || run.sampleCount() == 0 || (!run.allSync() && run.syncSamples().isEmpty())) {
            return false;
        }
        // ticks within one fragment: far from overflowing in nanoseconds
        long ticks = run.allSync() ? 0 : run.syncSamples().get(0).decodeTime() - run.baseDecodeTime();
        Duration into = Duration.ofNanos(ticks * 1_000_000_000L / primary.timescale());
        return !wallStart(source, fragment).plus(into).isAfter(start);
    }

    private static Instant wallStart(IndexedSource source, FragmentIndex.Fragment fragment) {
        return source.source().start().plus(source.index().offsetOf(fragment));
    }

    /** A source whose moofs are in memory; every other range is read from the source. */
    private record Prefetched(SegmentSource inner, Map<Long, byte[]> moofs) implements ForwardingSource {
        @Override
        public InputStream open(long offset, long length) throws IOException {
            byte[] moof = moofs.get(offset);
            if (moof != null && length <= moof.length) {
                return new ByteArrayInputStream(moof, 0, (int) length);
            }
            return inner.open(offset, length);
        }
    }
}
