package io.github.mediamtxvod.mp4;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Chooses, fragment by fragment, which samples go out and at what output decode time.
 *
 * <p>Selection is by wall clock: the primary track starts at the planned cut (its keyframe, or for
 * an all-sync track the sample containing the start); other video tracks start at their first
 * keyframe at or after the cut, other tracks at their first sample ending after it; every track
 * stops before its first sample at or after the end.
 *
 * <p>Timeline: time 0 is the origin (the earlier of the requested origin and the first sample
 * written, since fMP4 decode times cannot be negative). The first source keeps its wall-clock
 * distance from the origin; each later source starts where the output so far ends, so gaps between
 * sessions are left out and an overlap never runs time backwards. Within a source the samples keep
 * their own decode times. Not thread-safe; one per output.
 */
final class Cutter {
    /** Samples {@code [from, to)} of a track in one fragment, the first at output decode time {@code outDts}. */
    record Selection(TrackSamples samples, int from, int to, long outDts) {}

    private final RangePlan plan;
    private final Long requestedOrigin;
    private final Map<Integer, TrackState> tracks = new HashMap<>();
    private long originNanos;
    private boolean originKnown;
    private int currentSource = -1;
    private long sourceOutNanos;
    private long firstWallNanos = Long.MAX_VALUE;
    private long lastWallEndNanos = Long.MIN_VALUE;
    private long skippedNanos;
    private int sourcesUsed;

    private static final class TrackState {
        boolean started;
        boolean stopped;
        boolean offsetSet;
        long offset;
        long nextOutDts;
    }

    /** @param requestedOrigin origin in epoch nanoseconds, or null for "the first sample written" */
    Cutter(RangePlan plan, Long requestedOrigin) {
        this.plan = plan;
        this.requestedOrigin = requestedOrigin;
    }

    List<Selection> select(RangePlan.Step step, List<TrackSamples> fragment) {
        IndexedSource source = step.indexed();
        List<int[]> ranges = new ArrayList<>(fragment.size());
        for (TrackSamples samples : fragment) {
            ranges.add(range(source, samples, samples.track.id() == plan.primaryTrackId));
        }
        List<Selection> selections = new ArrayList<>();
        long earliest = Long.MAX_VALUE;
        for (int t = 0; t < fragment.size(); t++) {
            if (ranges.get(t) != null) {
                TrackSamples samples = fragment.get(t);
                earliest = Math.min(earliest, wall(source, samples, samples.decodeTimes(), ranges.get(t)[0]));
            }
        }
        if (earliest == Long.MAX_VALUE) {
            return selections;
        }
        place(step, earliest);
        for (int t = 0; t < fragment.size(); t++) {
            if (ranges.get(t) != null) {
                selections.add(output(source, fragment.get(t), ranges.get(t)[0], ranges.get(t)[1]));
            }
        }
        return selections;
    }

    /** Samples {@code [from, to)} of a track to write from this fragment, or null. */
    private int[] range(IndexedSource source, TrackSamples samples, boolean primary) {
        TrackState state = tracks.computeIfAbsent(samples.track.id(), id -> new TrackState());
        if (state.stopped || samples.count() == 0) {
            return null;
        }
        long[] times = samples.decodeTimes();
        int from = 0;
        if (!state.started) {
            boolean fromKeyframe = primary ? !plan.primaryAllSync : samples.track.isVideo();
            from = first(source, samples, times, plan.cutNanos, fromKeyframe);
            if (from < 0) {
                return null;
            }
        }
        int to = from;
        while (to < samples.count() && wall(source, samples, times, to) < plan.endNanos) {
            to++;
        }
        state.stopped = to < samples.count();
        if (to == from) {
            return null;
        }
        state.started = true;
        return new int[] {from, to};
    }

    /** The first keyframe at or after {@code cut}, or the first sample ending after it. */
    private static int first(IndexedSource source, TrackSamples samples, long[] times, long cut,
            boolean fromKeyframe) {
        for (int i = 0; i < samples.count(); i++) {
            boolean starts = fromKeyframe
                    ? samples.sync(i) && wall(source, samples, times, i) >= cut
                    : wall(source, samples, times, i + 1) > cut;
            if (starts) {
                return i;
            }
        }
        return -1;
    }

    /** Fixes the origin at the first samples written, and where a new source goes on the output. */
    private void place(RangePlan.Step step, long earliestWall) {
        if (!originKnown) {
            originNanos = requestedOrigin == null ? earliestWall : Math.min(requestedOrigin, earliestWall);
            originKnown = true;
            firstWallNanos = earliestWall;
        }
        if (step.source() != currentSource) {
            long sourceStart = IndexedSource.epochNanos(step.indexed().source().start());
            if (currentSource < 0) {
                sourceOutNanos = sourceStart - originNanos;
            } else {
                sourceOutNanos = outputEndNanos();
                skippedNanos += Math.max(0, sourceStart - lastWallEndNanos);
            }
            currentSource = step.source();
            sourcesUsed++;
            for (TrackState state : tracks.values()) {
                state.offsetSet = false;
            }
        }
    }

    private Selection output(IndexedSource source, TrackSamples samples, int from, int to) {
        TrackState state = tracks.get(samples.track.id());
        long timescale = samples.track.timescale();
        if (!state.offsetSet) {
            state.offset = MediaTime.toTicks(sourceOutNanos - source.index().zeroNanos(), timescale);
            state.offsetSet = true;
        }
        long[] times = samples.decodeTimes();
        long outDts = times[from] + state.offset;
        if (outDts < state.nextOutDts) {
            // an overlap (or a time before the origin): shift this source's track forward, never back
            state.offset += state.nextOutDts - outDts;
            outDts = state.nextOutDts;
        }
        state.nextOutDts = outDts + times[to] - times[from];
        lastWallEndNanos = Math.max(lastWallEndNanos, wall(source, samples, times, to));
        return new Selection(samples, from, to, outDts);
    }

    private static long wall(IndexedSource source, TrackSamples samples, long[] times, int index) {
        return source.wallNanos(samples.track.id(), times[index]);
    }

    /** Whether every track seen has reached the end. */
    boolean finished() {
        if (tracks.isEmpty()) {
            return false;
        }
        for (TrackState state : tracks.values()) {
            if (!state.stopped) {
                return false;
            }
        }
        return true;
    }

    boolean wroteAnything() {
        return originKnown;
    }

    /** End of the output timeline so far: the latest track end, in nanoseconds from the origin. */
    long outputEndNanos() {
        long end = 0;
        for (Map.Entry<Integer, TrackState> entry : tracks.entrySet()) {
            long timescale = plan.steps.get(0).indexed().index().timescale(entry.getKey());
            end = Math.max(end, MediaTime.toNanos(entry.getValue().nextOutDts, timescale));
        }
        return end;
    }

    long originNanos() {
        return originNanos;
    }

    long firstWallNanos() {
        return firstWallNanos;
    }

    long lastWallEndNanos() {
        return lastWallEndNanos;
    }

    long skippedNanos() {
        return skippedNanos;
    }

    int sourcesUsed() {
        return sourcesUsed;
    }
}
