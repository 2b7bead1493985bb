package io.github.mediamtxvod.mp4;

import java.util.Arrays;

/**
 * Where steady frames sit against the frame grid of a file's start, and how far to move them so
 * that none sits near a rounding edge. Pure.
 *
 * <p>Why: FFmpeg's null muxer (and any decoder that outputs at the frame rate) rounds each
 * presentation time to a grid of one frame. Steady frames half a frame off that grid round two to
 * one slot at the least jitter ({@code non monotonically increasing dts}). FFmpeg gives a
 * session's first frame a time of its own, and a source's stall shifts every frame after it, so
 * a run of frames can sit anywhere against the grid.
 */
final class FrameGrid {
    /** A sample 1/8 frame or more from a rounding edge is safe from jitter (5 ms at 25 fps). */
    private static final long SAFE_MARGIN = 8;
    /** Moves tried by {@link #alignment}: steps of 1/32 frame. */
    private static final int ALIGNMENT_STEPS = 32;
    /** A later run of steady frames shorter than this is not moved on its own: too few to judge. */
    private static final int MIN_RUN = 8;

    private FrameGrid() {}

    /**
     * How much later to show the samples so that none sits near the middle between two points of
     * the frame grid that starts at {@code origin}. A decoder that outputs at the frame rate
     * rounds each time to that grid; steady frames half a frame off it round two to one slot at
     * the least jitter. FFmpeg gives the first frame of a session a time of its own and the rest
     * the source's, so they can be anywhere against each other. Zero when every sample is at
     * least {@link #SAFE_MARGIN} of a frame from a rounding edge, or farther from it than twice
     * the samples' jitter (steady times never cross it, and FFmpeg's files half a frame off with
     * AAC's priming delay are left alone), or when no move gains much.
     *
     * @param presentation presentation times, in the track's ticks, all but the first frame's
     *                     (FFmpeg's own; it is a frame or more before the others)
     * @param frame        the frame duration
     * @param origin       where the grid starts: the file's earliest time
     * @return ticks in {@code [0, frame)}
     */
    static long alignment(long[] presentation, long frame, long origin) {
        if (frame < ALIGNMENT_STEPS || presentation.length == 0 || !steady(presentation, frame)) {
            return 0;
        }
        long current = margin(presentation, frame, origin, 0);
        if (current * SAFE_MARGIN >= frame || current > 2 * jitter(presentation, frame, origin)) {
            return 0;
        }
        long best = 0;
        long bestMargin = current;
        for (int step = 1; step < ALIGNMENT_STEPS; step++) {
            long delta = frame * step / ALIGNMENT_STEPS;
            long margin = margin(presentation, frame, origin, delta);
            if (margin > bestMargin) {
                best = delta;
                bestMargin = margin;
            }
        }
        return (bestMargin - current) * SAFE_MARGIN >= frame ? best : 0;
    }

    /**
     * The presentation time of the last frame of the first run of steadily spaced frames: the
     * frames up to the first gap that is not about one frame.
     *
     * @param presentation presentation times, any order, at least one
     */
    static long firstRunEnd(long[] presentation, long frame) {
        long[] shown = presentation.clone();
        Arrays.sort(shown);
        long tolerance = Math.max(1, frame / TimingPlan.STEADY_FRACTION);
        int k = 1;
        while (k < shown.length && Math.abs(shown[k] - shown[k - 1] - frame) <= tolerance) {
            k++;
        }
        return shown[k - 1];
    }

    /**
     * Puts each run of steadily spaced frames shown after {@code settledUntil} on the frame grid
     * ({@link #alignment}). A jump in the source's times (a stall, a burst of late frames) can
     * leave every frame after it half a frame off the grid, where the least jitter rounds two to
     * one slot, although the frames before it are on the grid. A run that needs it is shown
     * {@code delta} later, and so is every frame shown after it: gaps only grow (the one before
     * the run, which is a jump anyway), the presentation order is kept and nothing before the run
     * moves.
     *
     * @param presentation presentation time of each sample, any order
     * @param frame        the frame duration
     * @param origin       where the grid starts: the file's earliest time
     * @param settledUntil frames shown up to this time are already on the grid and stay
     * @return ticks to show each sample later, never negative, never smaller for a later-shown
     *         sample than for an earlier one; all zero when nothing moves
     */
    static long[] runAlignment(long[] presentation, long frame, long origin, long settledUntil) {
        int count = presentation.length;
        long[] moves = new long[count];
        if (frame < ALIGNMENT_STEPS) {
            return moves;
        }
        int[] order = TimingPlan.order(presentation);
        long tolerance = Math.max(1, frame / TimingPlan.STEADY_FRACTION);
        long moved = 0;
        int start = 0;
        for (int k = 1; k <= count; k++) {
            if (k < count && Math.abs(presentation[order[k]] - presentation[order[k - 1]] - frame) <= tolerance) {
                continue;
            }
            if (presentation[order[start]] > settledUntil && k - start >= MIN_RUN) {
                long[] run = new long[k - start];
                for (int j = start; j < k; j++) {
                    run[j - start] = presentation[order[j]] + moved;
                }
                moved += alignment(run, frame, origin);
            }
            for (int j = start; j < k; j++) {
                moves[order[j]] = moved;
            }
            start = k;
        }
        return moves;
    }

    /**
     * How far to decode and to show the samples of a track, in ticks, each the same from one
     * jump to the next.
     */
    record Moves(long[] decode, long[] shown) {}

    /**
     * Moves that put the frames after each jump of a fraction of a frame in the source's times
     * back on the grid of the steady frames before it: to the nearest whole number of frames
     * after the last frame before the jump, and never less than one (earlier by at most half a
     * frame, or later by less than one). Why: FFmpeg guesses a file's frame rate from the
     * spacing of its first seconds of frames; in a plain MP4 it reads about 3.5 s of them, and
     * one gap a quarter frame long makes it guess 24.92 for 25 fps. Its output grid then drifts
     * against the frames until two share a slot every 300 ({@code non monotonically increasing
     * dts}). An RTSP source's times are re-based by its first sender report about two seconds in,
     * a jump of a few milliseconds; a segment holding it decodes cleanly as FFmpeg wrote it (a
     * fragmented file's guess reads fewer frames), but a plain MP4 of it does not: a {@code /get}
     * from the session's start, or a download remuxed with {@code ffmpeg -c copy}.
     *
     * <p>A jump counts where the samples before it in decode order are all shown before the
     * ones after it, the gap is shorter than two frames (a stall keeps its length), the two gaps
     * before it are steady and so are the gaps after it, up to {@link #MIN_RUN} of them or the
     * last frame. Decode and presentation times move together when the jump is in both (the
     * common case; they then keep their composition offsets), else each by its own jump, as
     * long as no sample is shown before it is decoded. The other tracks do not move, and no
     * frame moves by a whole frame or more against them (by at most half a frame after a jump
     * forward): of several jumps of a clock that drifts one way, each is taken out with the
     * whole number of frames that keeps the moves so far nearest zero, and one that would still
     * take them a frame away is left.
     *
     * @param decode       decode times, in decode order
     * @param presentation presentation times, in decode order
     * @param frame        the frame duration
     * @return the moves of each sample, in decode order; all zero when there is no such jump
     */
    static Moves jumpsOffGrid(long[] decode, long[] presentation, long frame) {
        int count = decode.length;
        Moves moves = new Moves(new long[count], new long[count]);
        if (frame < ALIGNMENT_STEPS || count < 4 || presentation.length != count) {
            return moves;
        }
        // two ticks at least: a frame duration of whole ticks that is not the frame (33 ms at
        // 30 fps) leaves steady gaps a tick longer
        long tolerance = Math.max(2, frame / TimingPlan.STEADY_FRACTION);
        long[] shown = presentation.clone();
        Arrays.sort(shown);
        long[] laterMin = new long[count + 1];
        long[] offsetMin = new long[count + 1];
        laterMin[count] = Long.MAX_VALUE;
        offsetMin[count] = Long.MAX_VALUE;
        for (int i = count - 1; i >= 0; i--) {
            laterMin[i] = Math.min(laterMin[i + 1], presentation[i]);
            offsetMin[i] = Math.min(offsetMin[i + 1], presentation[i] - decode[i]);
        }
        long shownMax = Long.MIN_VALUE;
        long decodeMoved = 0;
        long shownMoved = 0;
        for (int cut = 1; cut < count; cut++) {
            shownMax = Math.max(shownMax, presentation[cut - 1]);
            if (shownMax < laterMin[cut] && steadyAround(shown, cut, frame, tolerance)) {
                long shownDelta = toWholeFrames(laterMin[cut] - shownMax, shownMoved, frame, tolerance);
                long decodeDelta = toWholeFrames(decode[cut] - decode[cut - 1], decodeMoved, frame, tolerance);
                if (decodeDelta != 0 && Math.abs(shownDelta - decodeDelta) <= tolerance) {
                    shownDelta = decodeDelta; // the whole sample jumped: it keeps its composition offset
                }
                boolean shownBeforeDecoded = offsetMin[cut] + shownMoved + shownDelta - decodeMoved - decodeDelta < 0;
                boolean farFromTheOthers = Math.abs(shownMoved + shownDelta) >= frame
                        || Math.abs(decodeMoved + decodeDelta) >= frame;
                if (shownDelta != 0 && !shownBeforeDecoded && !farFromTheOthers) {
                    decodeMoved += decodeDelta;
                    shownMoved += shownDelta;
                }
            }
            moves.decode()[cut] = decodeMoved;
            moves.shown()[cut] = shownMoved;
        }
        return moves;
    }

    /**
     * Ticks that make a gap shorter than two frames a whole number of frames, at least one,
     * choosing the number that keeps the samples after it nearest to where they were before
     * the moves so far ({@code moved}: the jumps of a clock that drifts do not add up); zero
     * when the gap is within the tolerance of a whole number of frames (no jump, whatever the
     * moves so far), or two frames or longer (a stall keeps its length).
     */
    private static long toWholeFrames(long gap, long moved, long frame, long tolerance) {
        long nearest = Math.max(1, Math.round((double) gap / frame)) * frame - gap;
        if (gap >= 2 * frame || Math.abs(nearest) <= tolerance) {
            return 0; // a stall, or no jump
        }
        long delta = Math.max(1, Math.round((double) (gap - moved) / frame)) * frame - gap;
        return Math.abs(delta) > tolerance ? delta : 0;
    }

    /**
     * Whether the two gaps before the {@code cut}-th shown time are steady, and the gaps after it
     * up to {@link #MIN_RUN} of them or the last time.
     */
    private static boolean steadyAround(long[] shown, int cut, long frame, long tolerance) {
        if (cut < 3) {
            return false;
        }
        for (int k = cut - 3; k < Math.min(shown.length - 1, cut + MIN_RUN); k++) {
            if (k != cut - 1 && Math.abs(shown[k + 1] - shown[k] - frame) > tolerance) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the times (any order) are a steady frame apart, within 1/32 frame. A decoder guesses its output rate from
     * the first frames; after a jump in the times that guess is off the frame rate, its grid
     * drifts against the frames, and no move can help.
     */
    static boolean steady(long[] presentation, long frame) {
        long[] shown = presentation.clone();
        Arrays.sort(shown);
        long tolerance = Math.max(1, frame / TimingPlan.STEADY_FRACTION);
        for (int k = 1; k < shown.length; k++) {
            if (Math.abs(shown[k] - shown[k - 1] - frame) > tolerance) {
                return false;
            }
        }
        return true;
    }

    /** How far the samples' places on the grid spread: their jitter, in ticks. */
    private static long jitter(long[] presentation, long frame, long origin) {
        long lowest = frame;
        long highest = 0;
        for (long shown : presentation) {
            long phase = Math.floorMod(shown - origin, frame);
            lowest = Math.min(lowest, phase);
            highest = Math.max(highest, phase);
        }
        return highest - lowest;
    }

    /** The smallest distance, over the samples moved by delta, to a rounding edge of the grid. */
    private static long margin(long[] presentation, long frame, long origin, long delta) {
        long margin = frame;
        for (long shown : presentation) {
            long phase = Math.floorMod(shown + delta - origin, frame);
            margin = Math.min(margin, Math.abs(2 * phase - frame) / 2);
        }
        return margin;
    }
}
