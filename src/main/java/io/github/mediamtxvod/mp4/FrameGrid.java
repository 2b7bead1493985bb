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
