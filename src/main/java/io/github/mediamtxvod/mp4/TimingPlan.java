package io.github.mediamtxvod.mp4;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the leading video samples of a segment whose timestamps are broken and computes steady
 * ones for them. Pure.
 *
 * <p>Why: a source's first second or two can carry jittery timestamps (an RTSP server still
 * locking onto the publisher's clock). With B-frames the jitter lands on presentation times, and
 * two frames end up less than a frame apart; a decoder that outputs at the stream's frame rate
 * then gets two frames for one slot ({@code non monotonically increasing dts}). The samples
 * after the jitter are steady, so the broken prefix is given the steady frame duration, keeping
 * its presentation order and its end, where the untouched samples go on.
 *
 * <p>The prefix ends at a <em>closed</em> cut: the first {@code n} samples in decode order are
 * also the first {@code n} in presentation order, so no kept sample is shown between re-timed
 * ones. It is re-timed only when it holds a real hazard, a presentation gap clearly shorter than
 * the frame duration; late frames (longer gaps) alone are left as they are.
 */
final class TimingPlan {
    /**
     * Steady times for the first {@code count} samples.
     *
     * @param count              how many leading samples get new times
     * @param frameDuration      the steady sample duration, in the track's ticks
     * @param decodeTimes        the new decode times of samples {@code 0..count-1}
     * @param durations          their new durations: the frame duration, the last one up to the
     *                           first kept sample's decode time
     * @param compositionOffsets their new composition offsets, never negative
     * @param shift              ticks to add to the decode time of every later sample (positive
     *                           when the re-timed prefix would otherwise start before zero)
     */
    record Retimed(int count, long frameDuration, long[] decodeTimes, long[] durations, long[] compositionOffsets,
            long shift) {}

    /** A gap within frame/32 of the frame duration is steady (RTMP's whole milliseconds are). */
    private static final long STEADY_FRACTION = 32;
    /** A sample 1/8 frame or more from a rounding edge is safe from jitter (5 ms at 25 fps). */
    private static final long SAFE_MARGIN = 8;
    /** Moves tried by {@link #alignment}: steps of 1/32 frame. */
    private static final int ALIGNMENT_STEPS = 32;
    /** A later run of steady frames shorter than this is not moved on its own: too few to judge. */
    private static final int MIN_RUN = 8;

    private TimingPlan() {}

    /**
     * @param decodeTimes        decode time of each sample, in decode order
     * @param durations          duration of each sample
     * @param compositionOffsets composition offset of each sample (presentation minus decode time)
     * @param steadyRun          how many presentation gaps after the prefix must be steady
     * @return the new times, or empty when nothing is broken or no steady timing follows
     */
    static Optional<Retimed> plan(long[] decodeTimes, long[] durations, long[] compositionOffsets, int steadyRun) {
        int count = decodeTimes.length;
        if (count < 3 || durations.length != count || compositionOffsets.length != count || steadyRun < 1) {
            return Optional.empty();
        }
        long frame = mostCommon(durations);
        if (frame <= 0) {
            return Optional.empty();
        }
        long tolerance = Math.max(1, frame / STEADY_FRACTION);
        long[] presentation = new long[count];
        for (int i = 0; i < count; i++) {
            presentation[i] = decodeTimes[i] + compositionOffsets[i];
        }
        Integer[] order = new Integer[count];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> presentation[a] != presentation[b]
                ? Long.compare(presentation[a], presentation[b]) : Integer.compare(a, b));
        int[] rank = new int[count];
        for (int k = 0; k < count; k++) {
            rank[order[k]] = k;
        }
        // gap[k]: from the k-th shown sample to the next
        long[] gap = new long[count - 1];
        for (int k = 0; k + 1 < count; k++) {
            gap[k] = presentation[order[k + 1]] - presentation[order[k]];
        }
        int highestRank = -1;
        for (int cut = 1; cut < count; cut++) {
            highestRank = Math.max(highestRank, rank[cut - 1]);
            if (highestRank != cut - 1 || !steadyFrom(gap, cut, steadyRun, frame, tolerance)) {
                continue;
            }
            if (!hazard(gap, cut, frame, tolerance)) {
                return Optional.empty();
            }
            return retime(decodeTimes, presentation[order[cut]], rank, cut, frame);
        }
        return Optional.empty();
    }

    /**
     * Gives the samples their presentation times in the order the bitstream shows them: the same
     * times, sorted, handed out by display rank. A source's jitter or stall can give a frame a time
     * after one that the decoder shows after it; the decoder then emits times out of order.
     *
     * @param presentation presentation time of each sample, in decode order
     * @param displayRank  the rank in which the decoder shows each sample, 0 first
     * @return the new presentation times, in decode order; empty when the order already agrees
     *         or the ranks do not fit the samples
     */
    static Optional<long[]> inDisplayOrder(long[] presentation, int[] displayRank) {
        int count = presentation.length;
        if (displayRank.length != count) {
            return Optional.empty();
        }
        long[] sorted = presentation.clone();
        Arrays.sort(sorted);
        long[] shown = new long[count];
        boolean[] taken = new boolean[count];
        boolean changed = false;
        for (int i = 0; i < count; i++) {
            int rank = displayRank[i];
            if (rank < 0 || rank >= count || taken[rank]) {
                return Optional.empty();
            }
            taken[rank] = true;
            shown[i] = sorted[rank];
            changed |= shown[i] != presentation[i];
        }
        return changed ? Optional.of(shown) : Optional.empty();
    }

    /**
     * Gives the leading samples decode times exactly one frame apart when their spacing jitters.
     * Why: FFmpeg guesses a file's frame rate from the spacing of its first decode times (their
     * common divisor, else the standard rate they fit best), and a guess a little off the real
     * rate (24.92 for 25) puts its output grid adrift: two frames share a slot every few hundred.
     * The samples from the last jump of two frames or more within the first {@code probe} (FFmpeg's
     * own time for a session's first frame) up to the first later one in steady spacing get times
     * one frame apart that end a frame before that one's, or earlier where a sample would otherwise
     * be decoded after it is shown. Spacing that jitters by less than 1/32 frame is left, unless a
     * jump precedes it: then only exact spacing gives FFmpeg a common divisor to go by.
     *
     * @param decodeTimes  decode time of each sample
     * @param presentation presentation time of each sample, in decode order; kept
     * @param frame        the steady frame duration
     * @param probe        how many leading samples FFmpeg's guess may look at
     * @return the samples that get new decode times and those times (the samples before and
     *         after them keep theirs); empty when their spacing is steady already or they cannot
     *         be spaced evenly in order
     */
    static Optional<EvenDecode> steadyDecodeTimes(long[] decodeTimes, long[] presentation, long frame, int probe) {
        int count = decodeTimes.length;
        long tolerance = Math.max(1, frame / STEADY_FRACTION);
        if (count <= probe + 1 || presentation.length != count || frame <= 0) {
            return Optional.empty();
        }
        int from = 0;
        long worst = 0;
        for (int i = 1; i <= probe; i++) {
            long gap = decodeTimes[i] - decodeTimes[i - 1];
            if (gap >= 2 * frame) {
                from = i;
                worst = 0;
            } else {
                worst = Math.max(worst, Math.abs(gap - frame));
            }
        }
        // after a jump, the least jitter leaves the jump's odd length to bias the best fit
        boolean jitters = worst > (from > 0 ? 0 : tolerance);
        int end = probe;
        while (end + 1 < count && Math.abs(decodeTimes[end + 1] - decodeTimes[end] - frame) > tolerance) {
            end++;
        }
        if (!jitters || end + 1 >= count) {
            return Optional.empty();
        }
        long base = decodeTimes[end] - (long) (end - from) * frame;
        for (int i = from; i < end; i++) {
            base = Math.min(base, presentation[i] - (long) (i - from) * frame);
        }
        if (from > 0 ? base <= decodeTimes[from - 1] : base < 0) {
            return Optional.empty();
        }
        long[] steady = new long[end - from];
        for (int i = from; i < end; i++) {
            steady[i - from] = base + (long) (i - from) * frame;
        }
        return Optional.of(new EvenDecode(from, steady));
    }

    /**
     * New decode times for samples {@code from} to {@code from + times.length - 1}.
     *
     * @param from  the first sample that gets a new decode time
     * @param times the new decode times, one frame apart
     */
    record EvenDecode(int from, long[] times) {}

    /** Whether the gaps from the {@code from}-th shown sample on are steady for a run (or to the end). */
    private static boolean steadyFrom(long[] gap, int from, int steadyRun, long frame, long tolerance) {
        int available = gap.length - from;
        if (available < Math.max(1, steadyRun / 2)) {
            return false;
        }
        for (int k = from; k < Math.min(gap.length, from + steadyRun); k++) {
            if (Math.abs(gap[k] - frame) > tolerance) {
                return false;
            }
        }
        return true;
    }

    /** Whether the prefix (its gaps and the one into the kept samples) shows two frames too close. */
    private static boolean hazard(long[] gap, int cut, long frame, long tolerance) {
        for (int k = 0; k < cut; k++) {
            if (gap[k] < frame - tolerance) {
                return true;
            }
        }
        return false;
    }

    /**
     * Shown one frame apart, ending one frame before {@code nextShown}; decoded one frame apart,
     * early enough that no sample is shown before it is decoded (its reorder depth) and that the
     * kept samples' decode times follow. The last re-timed sample's duration takes up the slack.
     */
    private static Optional<Retimed> retime(long[] decodeTimes, long nextShown, int[] rank, int cut, long frame) {
        int depth = 0;
        for (int i = 0; i < cut; i++) {
            depth = Math.max(depth, i - rank[i]);
        }
        long base = Math.min(decodeTimes[cut] - (long) cut * frame, nextShown - (long) (cut + depth) * frame);
        long shift = Math.max(0, -base);
        long[] decode = new long[cut];
        long[] composition = new long[cut];
        long[] durations = new long[cut];
        for (int i = 0; i < cut; i++) {
            decode[i] = base + shift + (long) i * frame;
            composition[i] = nextShown - (long) (cut - rank[i]) * frame - (base + (long) i * frame);
            durations[i] = frame;
        }
        durations[cut - 1] = decodeTimes[cut] - (base + (long) (cut - 1) * frame);
        return Optional.of(new Retimed(cut, frame, decode, durations, composition, shift));
    }

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
        long tolerance = Math.max(1, frame / STEADY_FRACTION);
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
        Integer[] order = new Integer[count];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> presentation[a] != presentation[b]
                ? Long.compare(presentation[a], presentation[b]) : Integer.compare(a, b));
        long tolerance = Math.max(1, frame / STEADY_FRACTION);
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
     * Whether the samples are shown a steady frame apart. A decoder guesses its output rate from
     * the first frames; after a jump in the times that guess is off the frame rate, its grid
     * drifts against the frames, and no move can help.
     */
    private static boolean steady(long[] presentation, long frame) {
        long[] shown = presentation.clone();
        Arrays.sort(shown);
        long tolerance = Math.max(1, frame / STEADY_FRACTION);
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

    /** The most common sample duration: the steady frame duration. */
    static long frameDuration(long[] durations) {
        return mostCommon(durations);
    }

    /** The most common value; ties go to the smaller one. */
    private static long mostCommon(long[] values) {
        Map<Long, Integer> counts = new HashMap<>();
        long best = 0;
        int bestCount = 0;
        for (long value : values) {
            int seen = counts.merge(value, 1, Integer::sum);
            if (seen > bestCount || (seen == bestCount && value < best)) {
                best = value;
                bestCount = seen;
            }
        }
        return best;
    }
}
