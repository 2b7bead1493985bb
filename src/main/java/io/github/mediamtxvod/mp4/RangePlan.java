package io.github.mediamtxvod.mp4;

import java.util.ArrayList;
import java.util.List;

/**
 * Which fragments of which sources a wall-clock range needs, decided from the indexes alone.
 * The cut is made on the primary track (first video track): at its last sync sample at or
 * before the start, provided the media reaches the start; else at its first sync sample after
 * the start (the start fell in a gap or before the recording). An all-sync primary track (audio)
 * is cut at the sample that contains the start. Sources after the first contributing one whose
 * track layout differs are left out, and so is everything after them.
 *
 * <p>A source that the next one overlaps by more than {@link #OVERLAP_TOLERANCE_NANOS} ends where
 * the next one's primary track starts: two sessions of a stream overlap when the day changes (the
 * next day's FFmpeg records before the previous one stops), and the overlap is played once. Smaller
 * overlaps are rounding (a segment's audio outlasting its video) and are left to the {@link Cutter}.
 * Pure.
 */
final class RangePlan {
    /** A later source overlapping an earlier one by more than this ends the earlier one: 0.5 s. */
    static final long OVERLAP_TOLERANCE_NANOS = 500_000_000L;

    /**
     * One fragment to read; its samples at or after {@code untilNanos} (wall clock) are not played,
     * because the next source covers that time.
     */
    record Step(int source, IndexedSource indexed, FragmentIndex.Fragment fragment, long untilNanos) {
        Step(int source, IndexedSource indexed, FragmentIndex.Fragment fragment) {
            this(source, indexed, fragment, Long.MAX_VALUE);
        }
    }

    final List<Step> steps;
    final int primaryTrackId;
    final boolean primaryAllSync;
    /** Wall time of the cut on the primary track: the chosen keyframe, or the start for all-sync tracks. */
    final long cutNanos;
    final long endNanos;
    /** A later source in the range had another track layout, so the output ends before it. */
    final boolean endedAtLayoutChange;

    private RangePlan(List<Step> steps, int primaryTrackId, boolean primaryAllSync, long cutNanos, long endNanos,
            boolean endedAtLayoutChange) {
        this.steps = List.copyOf(steps);
        this.primaryTrackId = primaryTrackId;
        this.primaryAllSync = primaryAllSync;
        this.cutNanos = cutNanos;
        this.endNanos = endNanos;
        this.endedAtLayoutChange = endedAtLayoutChange;
    }

    static RangePlan plan(List<IndexedSource> sources, long startNanos, long endNanos) throws PlaybackException {
        Cut before = null;
        Cut after = null;
        search:
        for (int s = 0; s < sources.size(); s++) {
            IndexedSource source = sources.get(s);
            int primary = source.index().primaryTrack().id();
            boolean reachesStart = source.wallEndNanos() > startNanos;
            List<FragmentIndex.Fragment> fragments = source.index().fragments();
            for (int f = 0; f < fragments.size(); f++) {
                FragmentIndex.TrackRun run = fragments.get(f).run(primary).orElse(null);
                if (run == null || run.sampleCount() == 0) {
                    continue;
                }
                if (run.allSync()) {
                    long runEnd = source.wallNanos(primary, run.endDecodeTime());
                    long runStart = source.wallNanos(primary, run.baseDecodeTime());
                    if (runEnd > startNanos && runStart < endNanos) {
                        after = new Cut(s, f, true, startNanos);
                        break search;
                    }
                    continue;
                }
                for (FragmentIndex.SyncSample sync : run.syncSamples()) {
                    long at = source.wallNanos(primary, sync.decodeTime());
                    if (at <= startNanos) {
                        before = reachesStart ? new Cut(s, f, false, at) : null;
                    } else if (before != null) {
                        break search;
                    } else if (at < endNanos) {
                        after = new Cut(s, f, false, at);
                        break search;
                    } else {
                        break search;
                    }
                }
            }
        }
        Cut cut = before != null ? before : after;
        if (cut == null) {
            throw new PlaybackException(PlaybackException.Reason.NO_MEDIA, "no recorded media between "
                    + IndexedSource.instant(startNanos) + " and " + IndexedSource.instant(endNanos) + " in "
                    + names(sources));
        }
        return steps(sources, cut, endNanos);
    }

    private static RangePlan steps(List<IndexedSource> sources, Cut cut, long endNanos) {
        FragmentIndex reference = sources.get(cut.source).index();
        List<Step> steps = new ArrayList<>();
        boolean layoutChange = false;
        for (int s = cut.source; s < sources.size(); s++) {
            IndexedSource source = sources.get(s);
            List<FragmentIndex.Fragment> fragments = source.index().fragments();
            // the cut's fragment: nothing goes out before the primary track's first sample (Cutter)
            int first = s == cut.source ? cut.fragment : 0;
            if (fragments.isEmpty()) {
                continue; // a header-only file (FFmpeg stopped at once) holds nothing to end on
            }
            if (earliestNanos(source, fragments.get(first)) >= endNanos) {
                break;
            }
            if (!reference.sameLayout(source.index())) {
                layoutChange = true;
                break;
            }
            long until = Math.min(endNanos, overlappedFrom(source, s + 1 < sources.size() ? sources.get(s + 1) : null,
                    reference));
            for (int f = first; f < fragments.size(); f++) {
                if (earliestNanos(source, fragments.get(f)) >= until) {
                    break;
                }
                steps.add(new Step(s, source, fragments.get(f), until));
            }
        }
        return new RangePlan(steps, reference.primaryTrack().id(), cut.allSync, cut.nanos, endNanos, layoutChange);
    }

    /**
     * Where {@code next} starts (its first primary sample) when it overlaps {@code source} by more
     * than the tolerance and will be played after it (same layout); else no limit.
     */
    private static long overlappedFrom(IndexedSource source, IndexedSource next, FragmentIndex reference) {
        if (next == null || !reference.sameLayout(next.index())) {
            return Long.MAX_VALUE;
        }
        int primary = next.index().primaryTrack().id();
        for (FragmentIndex.Fragment fragment : next.index().fragments()) {
            FragmentIndex.TrackRun run = fragment.run(primary).orElse(null);
            if (run != null && run.sampleCount() > 0) {
                long start = next.wallNanos(primary, run.baseDecodeTime());
                return source.wallEndNanos() - start > OVERLAP_TOLERANCE_NANOS ? start : Long.MAX_VALUE;
            }
        }
        return Long.MAX_VALUE;
    }

    private static long earliestNanos(IndexedSource source, FragmentIndex.Fragment fragment) {
        long earliest = Long.MAX_VALUE;
        for (FragmentIndex.TrackRun run : fragment.runs()) {
            earliest = Math.min(earliest, source.wallNanos(run.trackId(), run.baseDecodeTime()));
        }
        return earliest;
    }

    static String names(List<IndexedSource> sources) {
        if (sources.isEmpty()) {
            return "no segments";
        }
        String first = sources.get(0).source().name();
        return sources.size() == 1 ? first
                : first + " and " + (sources.size() - 1) + " later segment" + (sources.size() > 2 ? "s" : "");
    }

    private record Cut(int source, int fragment, boolean allSync, long nanos) {}
}
