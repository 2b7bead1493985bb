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
 * keyframe shown at or after the primary track's first sample, other tracks at their first sample
 * starting then or later; every track stops before its first sample at or after the end. So the
 * output's first presentation is the primary track's first sample: a decoder that outputs at the
 * frame rate (FFmpeg's null muxer) counts its frame grid from the earliest presentation, and an
 * audio frame a fraction of a frame earlier would put steady video half a frame off that grid,
 * where the least jitter rounds two frames to one slot ({@code non monotonically increasing dts}).
 * The audio left out is less than one of its frames (plus the keyframe's composition offset).
 *
 * <p>Timeline: time 0 is the origin (the earlier of the requested origin and the first sample
 * written, since fMP4 decode times cannot be negative). The first source keeps its wall-clock
 * distance from the origin; each later source goes on where the primary track so far ends, to the
 * tick: its first primary sample is decoded exactly when the previous one's duration is over. So
 * gaps between sessions are left out, and the video stays on the frame grid it started on: a
 * decoder that outputs at the frame rate rounds each frame to that grid, and a join a fraction of
 * a frame off it puts two frames in one slot ({@code non monotonically increasing dts}). The other
 * tracks keep their distance from the primary track within the source, converted once per source.
 * Within a source every sample keeps its own decode time and duration.
 *
 * <p>A track never overlaps itself: where a later source's non-video track would start before that
 * track's output ends (FFmpeg's segments start each track at time 0, stretching its first sample
 * back over the previous segment's last), the samples that would end by then are left out and the
 * first one kept starts there, shortened by the overlap, so the rest keep their source times and
 * the tracks stay in sync. A video track's overlap (another video track than the primary one, or
 * the first source's rounding) moves that track forward instead, as frames cannot be dropped.
 * Not thread-safe; one per output.
 */
final class Cutter {
    /**
     * Samples {@code [from, to)} of a track in one fragment: the first at output decode time
     * {@code outDts}, lasting its source duration less {@code trim}; the others follow at their
     * source durations.
     */
    record Selection(TrackSamples samples, int from, int to, long outDts, long trim) {
        Selection(TrackSamples samples, int from, int to, long outDts) {
            this(samples, from, to, outDts, 0);
        }

        /** The output duration of sample {@code index}, in the track's ticks. */
        long duration(int index) {
            return samples.duration(index) - (index == from ? trim : 0);
        }

        /** The output decode time of sample {@code index} (up to {@code to}: the end of the last). */
        long decodeTime(int index) {
            long[] times = samples.decodeTimes();
            return outDts + times[index] - times[from] - (index == from ? 0 : trim);
        }
    }

    private final RangePlan plan;
    private final Long requestedOrigin;
    private final Map<Integer, TrackState> tracks = new HashMap<>();
    private long originNanos;
    private boolean originKnown;
    /** Wall clock of the primary track's first presentation, once it started: where the others start. */
    private long othersFromNanos = Long.MIN_VALUE;
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
        /** Whether samples went out, so {@link #nextOutDts} is where the track's output ends. */
        boolean written;
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
        // the primary track first: the others start where it is first shown
        for (TrackSamples samples : fragment) {
            boolean primary = samples.track.id() == plan.primaryTrackId;
            ranges.add(primary ? range(source, samples, true, step.untilNanos()) : null);
        }
        for (int t = 0; t < fragment.size(); t++) {
            TrackSamples samples = fragment.get(t);
            if (samples.track.id() != plan.primaryTrackId) {
                ranges.set(t, range(source, samples, false, step.untilNanos()));
            }
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
        place(step, earliest, fragment, ranges);
        for (int t = 0; t < fragment.size(); t++) {
            if (ranges.get(t) != null) {
                Selection selection = output(source, fragment.get(t), ranges.get(t)[0], ranges.get(t)[1]);
                if (selection != null) {
                    selections.add(selection);
                }
            }
        }
        return selections;
    }

    /**
     * Samples {@code [from, to)} of a track to write from this fragment, or null. The track stops
     * for good at the end of the range; at {@code untilNanos} (a later source overlaps this one) it
     * stops for this source only.
     */
    private int[] range(IndexedSource source, TrackSamples samples, boolean primary, long untilNanos) {
        TrackState state = tracks.computeIfAbsent(samples.track.id(), id -> new TrackState());
        if (state.stopped || samples.count() == 0) {
            return null;
        }
        long[] times = samples.decodeTimes();
        int from = 0;
        if (!state.started) {
            if (primary) {
                from = first(source, samples, times, plan.cutNanos, !plan.primaryAllSync);
            } else if (othersFromNanos == Long.MIN_VALUE) {
                return null; // the primary track has not started: nothing goes out before it
            } else {
                from = firstFrom(source, samples, times, othersFromNanos, samples.track.isVideo());
            }
            if (from < 0) {
                return null;
            }
        }
        long end = Math.min(plan.endNanos, untilNanos);
        int to = from;
        while (to < samples.count() && wall(source, samples, times, to) < end) {
            to++;
        }
        if (end < plan.endNanos && samples.track.isVideo()) {
            // another source goes on here: its first frame must be shown after every frame kept
            to = closedPrefixEnd(samples, times, from, to);
        }
        state.stopped = to < samples.count() && end == plan.endNanos;
        if (to == from) {
            return null;
        }
        if (primary && !state.started) {
            othersFromNanos = shownNanos(source, samples, times, from);
        }
        state.started = true;
        return new int[] {from, to};
    }

    /**
     * The largest end at or before {@code to} after which no later frame of the fragment is shown
     * before a frame kept: frames are kept in decode order, and with B-frames a cut anywhere else
     * leaves a kept frame shown after one the next source shows first. Frames only refer to earlier
     * ones in decode order, so what is kept decodes.
     */
    static int closedPrefixEnd(TrackSamples samples, long[] times, int from, int to) {
        int count = samples.count();
        long[] laterMin = new long[count - from + 1];
        laterMin[count - from] = Long.MAX_VALUE;
        for (int i = count - 1; i >= from; i--) {
            laterMin[i - from] = Math.min(laterMin[i - from + 1], times[i] + samples.compositionOffset(i));
        }
        int best = from;
        long shownMax = Long.MIN_VALUE;
        for (int end = from; end <= to; end++) {
            if (shownMax < laterMin[end - from]) {
                best = end;
            }
            if (end < to) {
                shownMax = Math.max(shownMax, times[end] + samples.compositionOffset(end));
            }
        }
        return best;
    }

    /**
     * The first sample of another track than the primary one to go out: the first (keyframe for
     * video) shown at or after {@code from}, the primary track's first presentation.
     */
    private static int firstFrom(IndexedSource source, TrackSamples samples, long[] times, long from,
            boolean keyframe) {
        for (int i = 0; i < samples.count(); i++) {
            if ((!keyframe || samples.sync(i)) && shownNanos(source, samples, times, i) >= from) {
                return i;
            }
        }
        return -1;
    }

    /** Wall clock of a sample's presentation: its decode time plus its composition offset. */
    private static long shownNanos(IndexedSource source, TrackSamples samples, long[] times, int index) {
        return wall(source, samples, times, index)
                + MediaTime.toNanos(samples.compositionOffset(index), samples.track.timescale());
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
    private void place(RangePlan.Step step, long earliestWall, List<TrackSamples> fragment, List<int[]> ranges) {
        if (!originKnown) {
            originNanos = requestedOrigin == null ? earliestWall : Math.min(requestedOrigin, earliestWall);
            originKnown = true;
            firstWallNanos = earliestWall;
        }
        if (step.source() != currentSource) {
            IndexedSource source = step.indexed();
            long sourceStart = IndexedSource.epochNanos(source.source().start());
            for (TrackState state : tracks.values()) {
                state.offsetSet = false;
            }
            if (currentSource < 0) {
                sourceOutNanos = sourceStart - originNanos;
            } else {
                skippedNanos += Math.max(0, sourceStart - lastWallEndNanos);
                sourceOutNanos = continuePrimary(source, fragment, ranges);
            }
            currentSource = step.source();
            sourcesUsed++;
        }
    }

    /**
     * Where a later source's time zero goes: so that its first primary sample starts exactly where
     * the primary track's output ends. Sets the primary track's offset in its own ticks, without a
     * round trip through nanoseconds. Falls back to the end of the longest track when the source's
     * first fragment has no primary sample to join.
     */
    private long continuePrimary(IndexedSource source, List<TrackSamples> fragment, List<int[]> ranges) {
        TrackState primary = tracks.get(plan.primaryTrackId);
        for (int t = 0; t < fragment.size(); t++) {
            TrackSamples samples = fragment.get(t);
            if (samples.track.id() == plan.primaryTrackId && ranges.get(t) != null && primary != null
                    && primary.written) {
                long first = samples.decodeTimes()[ranges.get(t)[0]];
                primary.offset = primary.nextOutDts - first;
                primary.offsetSet = true;
                long sinceZero = source.index().nanos(samples.track.id(), first) - source.index().zeroNanos();
                return MediaTime.toNanos(primary.nextOutDts, samples.track.timescale()) - sinceZero;
            }
        }
        return outputEndNanos();
    }

    private Selection output(IndexedSource source, TrackSamples samples, int from, int to) {
        TrackState state = tracks.get(samples.track.id());
        long timescale = samples.track.timescale();
        if (!state.offsetSet) {
            state.offset = MediaTime.toTicks(sourceOutNanos - source.index().zeroNanos(), timescale);
            state.offsetSet = true;
        }
        long[] times = samples.decodeTimes();
        int first = from;
        long trim = 0;
        if (times[from] + state.offset < state.nextOutDts) {
            if (samples.track.isVideo()) {
                // frames cannot be left out or shortened: shift this source's track forward, never back
                state.offset = state.nextOutDts - times[from];
            } else {
                first = firstAfterOverlap(times, from, to, state.offset, state.nextOutDts);
                if (first == to) {
                    return null;
                }
                trim = Math.max(0, state.nextOutDts - (times[first] + state.offset));
            }
        }
        long outDts = times[first] + state.offset + trim;
        state.nextOutDts = times[to] + state.offset;
        state.written = true;
        lastWallEndNanos = Math.max(lastWallEndNanos, wall(source, samples, times, to));
        return new Selection(samples, first, to, outDts, trim);
    }

    /**
     * The first of samples {@code [from, to)} that ends after {@code trackEnd} once moved by
     * {@code offset}; {@code to} when none does. The ones before it would lie wholly under what the
     * track already holds.
     */
    static int firstAfterOverlap(long[] times, int from, int to, long offset, long trackEnd) {
        int first = from;
        while (first < to && times[first + 1] + offset <= trackEnd) {
            first++;
        }
        return first;
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
