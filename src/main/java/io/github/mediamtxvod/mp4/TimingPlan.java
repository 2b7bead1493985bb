package io.github.mediamtxvod.mp4;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

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
 *
 * <p>Also here: handing the times out in the bitstream's display order ({@link #inDisplayOrder})
 * and exact spacing for jittery leading decode times ({@link #steadyDecodeTimes}). Where the
 * frames sit against the output grid is {@link FrameGrid}'s part.
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
    static final long STEADY_FRACTION = 32;
    /** How many leading frames may carry FFmpeg's own times before the source's (a jump) begin. */
    private static final int OWN_TIMES = 4;
    /** How many gaps after an evened run tell whether the frame duration is a whole number of ticks. */
    private static final int MIN_TAIL = 10;
    /** How far from its place in the times' order the bitstream can show a picture: H.264's DPB. */
    private static final int MAX_REORDER = 16;

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
        int[] order = order(presentation);
        int[] rank = ranks(presentation);
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
     * @return the new presentation times, in decode order; empty when the order already agrees,
     *         or the ranks do not fit the samples or move one farther than a decoder can
     */
    static Optional<long[]> inDisplayOrder(long[] presentation, int[] displayRank) {
        int count = presentation.length;
        if (displayRank.length != count) {
            return Optional.empty();
        }
        long[] sorted = presentation.clone();
        Arrays.sort(sorted);
        int[] timeRank = ranks(presentation);
        long[] shown = new long[count];
        boolean[] taken = new boolean[count];
        boolean changed = false;
        for (int i = 0; i < count; i++) {
            int rank = displayRank[i];
            // a picture is shown at most a decoded picture buffer (16 frames) away from its place
            if (rank < 0 || rank >= count || taken[rank] || Math.abs(rank - timeRank[i]) > MAX_REORDER) {
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
     * The samples from the last jump of two frames or more among the first few (FFmpeg's own time
     * for a session's first frame) up to the first one at or after the {@code probe} in steady
     * spacing get times one frame apart that end a frame before that one's, or earlier where a
     * sample would otherwise be decoded after it is shown. They never reach across a later jump
     * (a stall keeps its length): then they end a frame before the last sample ahead of it, and
     * a segment shorter than the probe ends at its last sample; when they need no spacing and the
     * stall comes within the probe, the run after it is looked at instead. Spacing that jitters
     * by less than 1/32 frame is left, unless a jump precedes it or the timing before it was
     * broken ({@code settling}): then only exact spacing gives FFmpeg a common divisor to go by.
     * A run that would move by more than a quarter frame is left too (see {@link #evenRun}).
     *
     * @param decodeTimes  decode time of each sample
     * @param presentation presentation time of each sample, in decode order; kept
     * @param frame        the steady frame duration
     * @param probe        how many leading samples FFmpeg's guess may look at
     * @param settling     whether the leading samples' timing was broken (and was re-timed): the
     *                     source's clock was still settling, so slight jitter after it is that too
     * @return the samples that get new decode times and those times (the samples before and
     *         after them keep theirs); empty when their spacing is steady already or they cannot
     *         be spaced evenly in order
     */
    static Optional<EvenDecode> steadyDecodeTimes(long[] decodeTimes, long[] presentation, long frame, int probe,
            boolean settling) {
        int count = decodeTimes.length;
        if (presentation.length != count || frame <= 0 || count < 4) {
            return Optional.empty();
        }
        // FFmpeg's own time for a session's first frame (or first few): the last jump among them
        int from = 0;
        for (int i = 1; i <= Math.min(OWN_TIMES, count - 1); i++) {
            if (decodeTimes[i] - decodeTimes[i - 1] >= 2 * frame) {
                from = i;
            }
        }
        // a run that needs no spacing and ends at a stall within the probe: the run after the
        // stall is what FFmpeg's guess then reads
        while (from < probe) {
            int jump = count;
            for (int i = from + 1; i < count; i++) {
                if (decodeTimes[i] - decodeTimes[i - 1] >= 2 * frame) {
                    jump = i;
                    break;
                }
            }
            Optional<EvenDecode> even = evenRun(decodeTimes, presentation, frame, probe, settling, from, jump);
            if (even.isPresent() || jump >= count || jump > probe) {
                return even;
            }
            from = jump;
        }
        return Optional.empty();
    }

    /**
     * Exact spacing for the samples of one run, from {@code from} up to the probe, never across the
     * jump at {@code jump} (a stall keeps its length), and past the probe while the spacing still
     * jitters; the sample after them keeps its time. Empty when the run's spacing is steady, or
     * when the samples after them are spaced a little more or less than the frame on average (by
     * a quarter frame or more over the spaced ones): then the frame duration is no whole number of
     * ticks (30 fps in milliseconds: 33, 33, 34), and spacing would pull the run adrift against
     * the audio rather than take out jitter.
     */
    private static Optional<EvenDecode> evenRun(long[] decodeTimes, long[] presentation, long frame, int probe,
            boolean settling, int from, int jump) {
        long tolerance = Math.max(1, frame / STEADY_FRACTION);
        int end = Math.min(probe, jump - 1);
        while (end + 1 < jump && Math.abs(decodeTimes[end + 1] - decodeTimes[end] - frame) > tolerance) {
            end++;
        }
        if (end - from < 2) {
            return Optional.empty();
        }
        long worst = 0;
        for (int i = from + 1; i <= end; i++) {
            worst = Math.max(worst, Math.abs(decodeTimes[i] - decodeTimes[i - 1] - frame));
        }
        // after a jump, the least jitter leaves the jump's odd length to bias the best fit
        if (worst <= (from > 0 || settling ? 0 : tolerance)) {
            return Optional.empty();
        }
        long base = decodeTimes[end] - (long) (end - from) * frame;
        for (int i = from; i < end; i++) {
            base = Math.min(base, presentation[i] - (long) (i - from) * frame);
        }
        if (from > 0 ? base <= decodeTimes[from - 1] : base < 0) {
            return Optional.empty();
        }
        int tailEnd = Math.min(jump - 1, end + Math.max(probe, MIN_TAIL));
        if (tailEnd - end >= MIN_TAIL) {
            long beyond = decodeTimes[tailEnd] - decodeTimes[end] - (long) (tailEnd - end) * frame;
            if (Math.abs(beyond) * (end - from) * 4 >= frame * (long) (tailEnd - end)) {
                return Optional.empty();
            }
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

    /**
     * Whether the gaps from the {@code from}-th shown sample on are steady for a run. A shorter run
     * counts when it holds at least a quarter of one and ends at the last sample or at a stall (a
     * gap of two frames or more; what follows a stall is {@link FrameGrid#runAlignment}'s part): a
     * segment of a few seconds, or a stall a second after the jitter, must not keep the jitter.
     */
    static boolean steadyFrom(long[] gap, int from, int steadyRun, long frame, long tolerance) {
        int steady = 0;
        for (int k = from; k < gap.length && steady < steadyRun; k++) {
            if (gap[k] >= 2 * frame) {
                break; // a stall: the run ends here
            }
            if (Math.abs(gap[k] - frame) > tolerance) {
                return false;
            }
            steady++;
        }
        return steady >= Math.max(1, steadyRun / 4);
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

    /** The indices of the values in ascending order of value, ties in index order. */
    static int[] order(long[] values) {
        return IntStream.range(0, values.length).boxed()
                .sorted((x, y) -> values[x] != values[y] ? Long.compare(values[x], values[y]) : Integer.compare(x, y))
                .mapToInt(Integer::intValue).toArray();
    }

    /** The place of each value in ascending order, ties in index order. */
    static int[] ranks(long[] values) {
        int[] order = order(values);
        int[] rank = new int[values.length];
        for (int k = 0; k < values.length; k++) {
            rank[order[k]] = k;
        }
        return rank;
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
