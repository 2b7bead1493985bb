package io.github.mediamtxvod.web;

import io.github.mediamtxvod.mp4.FragmentIndex;
import io.github.mediamtxvod.mp4.IndexedSource;
import io.github.mediamtxvod.mp4.SegmentSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

/**
 * For a plain MP4 ({@code format=mp4}) from S3: the moofs the muxer reads, one small ranged read
 * each, before the first byte can go out (the moov needs every sample), fetched up front
 * {@link ParallelReads#LIMIT} at a time instead of one after the other. A 10-minute range with one
 * fragment per second is 600 round trips; 16 at a time they cost what 38 cost. Only fragments that
 * overlap the range are fetched, with the one before the first (the cut may start there), and at
 * most {@link #MAX_BYTES} in all; the rest is read on demand as before. Stateless.
 */
final class MoofPrefetch {
    /** Moofs are about 1 KB per second of media; this covers many hours. */
    static final long MAX_BYTES = 32L * 1024 * 1024;

    private MoofPrefetch() {}

    /** {@code sources} with the moofs of their S3-backed ones in memory. */
    static List<IndexedSource> prefetch(List<IndexedSource> sources, Instant start, Instant end) throws IOException {
        List<Wanted> wanted = new ArrayList<>();
        long bytes = 0;
        for (int s = 0; s < sources.size(); s++) {
            IndexedSource source = sources.get(s);
            if (!(source.source() instanceof SequentialSource)) {
                continue; // a local file: its moofs are read in microseconds
            }
            for (FragmentIndex.Fragment fragment : overlapping(source, start, end)) {
                bytes += fragment.moofSize();
                wanted.add(new Wanted(s, fragment));
            }
        }
        if (wanted.isEmpty() || bytes > MAX_BYTES) {
            return sources;
        }
        List<Map<Long, byte[]>> moofs = new ArrayList<>();
        sources.forEach(source -> moofs.add(new HashMap<>()));
        try (ParallelReads reads = new ParallelReads()) {
            List<Future<byte[]>> pending = new ArrayList<>(wanted.size());
            for (Wanted one : wanted) {
                // the object itself, not the shared sequential reader: these reads run in parallel
                SegmentSource source = ((SequentialSource) sources.get(one.source).source()).inner();
                pending.add(reads.submit(() -> {
                    try (InputStream in = source.open(one.fragment.moofOffset(), one.fragment.moofSize())) {
                        return in.readAllBytes();
                    }
                }));
            }
            for (int i = 0; i < wanted.size(); i++) {
                Wanted one = wanted.get(i);
                byte[] moof = ParallelReads.await(pending.get(i), sources.get(one.source).source().name());
                moofs.get(one.source).put(one.fragment.moofOffset(), moof);
            }
        }
        List<IndexedSource> result = new ArrayList<>(sources.size());
        for (int s = 0; s < sources.size(); s++) {
            IndexedSource source = sources.get(s);
            result.add(moofs.get(s).isEmpty() ? source
                    : new IndexedSource(new Prefetched(source.source(), moofs.get(s)), source.index()));
        }
        return result;
    }

    /** The fragments of a source that overlap {@code [start, end)}, and the one before the first. */
    static List<FragmentIndex.Fragment> overlapping(IndexedSource source, Instant start, Instant end) {
        FragmentIndex index = source.index();
        List<FragmentIndex.Fragment> fragments = index.fragments();
        int first = -1;
        int last = -1;
        for (int f = 0; f < fragments.size(); f++) {
            Instant from = source.source().start().plus(index.offsetOf(fragments.get(f)));
            Instant to = from.plus(index.durationOf(fragments.get(f)));
            if (from.isBefore(end) && to.isAfter(start)) {
                first = first < 0 ? f : first;
                last = f;
            }
        }
        return first < 0 ? List.of() : fragments.subList(Math.max(0, first - 1), last + 1);
    }

    private record Wanted(int source, FragmentIndex.Fragment fragment) {}

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
