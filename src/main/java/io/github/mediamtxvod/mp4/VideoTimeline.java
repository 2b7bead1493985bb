package io.github.mediamtxvod.mp4;

import java.util.Arrays;
import java.util.List;

/**
 * The video samples' times as {@link LeadingTiming} changes them, in decode order: decode time,
 * duration and composition offset of each. Not thread-safe.
 */
final class VideoTimeline {
    final long[] decode;
    final long[] duration;
    final long[] offset;
    /** The samples {@link #move} made last longer, the one before each run it moved by decode time. */
    final boolean[] stretched;

    VideoTimeline(List<TimingFields.Sample> samples) {
        decode = new long[samples.size()];
        duration = new long[samples.size()];
        offset = new long[samples.size()];
        stretched = new boolean[samples.size()];
        for (int i = 0; i < samples.size(); i++) {
            decode[i] = samples.get(i).decode();
            duration[i] = samples.get(i).duration();
            offset[i] = samples.get(i).offset();
        }
    }

    void apply(TimingPlan.Retimed plan) {
        for (int i = 0; i < decode.length; i++) {
            if (i < plan.count()) {
                decode[i] = plan.decodeTimes()[i];
                duration[i] = plan.durations()[i];
                offset[i] = plan.compositionOffsets()[i];
            } else {
                decode[i] += plan.shift();
            }
        }
    }

    long shown(int i) {
        return decode[i] + offset[i];
    }

    /** Every sample's presentation time, in decode order. */
    long[] shown() {
        long[] shown = new long[decode.length];
        for (int i = 0; i < decode.length; i++) {
            shown[i] = shown(i);
        }
        return shown;
    }

    /**
     * Gives samples new decode times, keeping when they are shown; the sample before them and
     * the last of them get the durations that meet the next decode time. A track whose every
     * sample is shown when it is decoded (no B-frames; FFmpeg then writes no composition offsets
     * to change) is shown at the new times too: the jitter the exact spacing takes out of its
     * decode times would otherwise stay in its presentation, where frames a little less than a
     * frame apart meet a frame grid FFmpeg guessed from that same jitter.
     *
     * @return how many samples got new decode times
     */
    int decodeAt(TimingPlan.EvenDecode even) {
        int from = even.from();
        int end = from + even.times().length;
        boolean inOrder = Arrays.stream(offset).allMatch(value -> value == 0);
        for (int i = from; i < end; i++) {
            offset[i] = inOrder ? 0 : shown(i) - even.times()[i - from];
            decode[i] = even.times()[i - from];
        }
        for (int i = Math.max(0, from - 1); i < end; i++) {
            duration[i] = decode[i + 1] - decode[i];
        }
        return end - from;
    }

    /**
     * Hands the samples' presentation times out in the decoder's display order
     * ({@link TimingPlan#inDisplayOrder}). A sample that would now be shown before it is decoded
     * is decoded earlier: at the earliest time it or a later sample is shown, still after the
     * sample before it (else nothing changes).
     *
     * @return how many samples got another presentation time
     */
    int showInOrder(int[] displayRank) {
        long[] shown = shown();
        long[] ordered = TimingPlan.inDisplayOrder(shown, displayRank).orElse(shown);
        long[] decoded = decode.clone();
        long earliestLater = Long.MAX_VALUE;
        for (int i = decode.length - 1; i >= 0; i--) {
            earliestLater = Math.min(earliestLater, ordered[i]);
            decoded[i] = Math.min(decode[i], earliestLater);
        }
        int changed = 0;
        for (int i = 0; i < decode.length; i++) {
            if (i > 0 && decoded[i] <= decoded[i - 1]) {
                return 0;
            }
            changed += ordered[i] != shown[i] ? 1 : 0;
        }
        for (int i = 0; i < decode.length; i++) {
            if (i > 0) {
                duration[i - 1] = decoded[i] - decoded[i - 1];
            }
            decode[i] = decoded[i];
            offset[i] = ordered[i] - decoded[i];
        }
        return changed;
    }

    /**
     * Decodes and shows each sample as far later as the moves say (earlier when negative); the
     * moves keep the decode order and show no sample before it is decoded. The sample before each
     * moved part lasts up to the part's new first decode time.
     *
     * @return how many parts moved
     */
    int shift(FrameGrid.Moves moves) {
        long[] decodeMoves = moves.decode();
        long[] shownMoves = moves.shown();
        int parts = 0;
        for (int i = 0; i < decode.length; i++) {
            decode[i] += decodeMoves[i];
            offset[i] += shownMoves[i] - decodeMoves[i];
            if (i > 0 && decodeMoves[i] != decodeMoves[i - 1]) {
                duration[i - 1] = decode[i] - decode[i - 1];
                stretched[i - 1] |= decodeMoves[i] > decodeMoves[i - 1];
            }
            if (i > 0 && (decodeMoves[i] != decodeMoves[i - 1] || shownMoves[i] != shownMoves[i - 1])) {
                parts++;
            }
        }
        return parts;
    }

    /**
     * Shows each sample {@code moves[i]} later: by its decode time when that is allowed and the
     * moves never shrink in decode order (so decode times stay in order and no composition
     * offset changes), else by its composition offset (which then only grows).
     *
     * @param decodeAllowed whether decode times (and the duration of the sample before a moved
     *                      one) may change
     * @return how many distinct moves there were: the runs moved
     */
    int move(long[] moves, boolean decodeAllowed) {
        boolean byDecode = decodeAllowed;
        for (int i = 1; i < moves.length; i++) {
            byDecode &= moves[i] >= moves[i - 1];
        }
        for (int i = 0; i < moves.length; i++) {
            if (!byDecode) {
                offset[i] += moves[i];
                continue;
            }
            decode[i] += moves[i];
            if (i > 0 && moves[i] != moves[i - 1]) {
                duration[i - 1] += moves[i] - moves[i - 1];
                stretched[i - 1] = true;
            }
        }
        return (int) Arrays.stream(moves).filter(move -> move > 0).distinct().count();
    }
}
