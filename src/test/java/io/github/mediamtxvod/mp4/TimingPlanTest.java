package io.github.mediamtxvod.mp4;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TimingPlanTest {
    private static final long FRAME = 512;
    /** Decode order of a GOP with two B-frames per P: I P B B P B B ..., as presentation ranks. */
    private static final int[] RANKS = {0, 3, 1, 2, 6, 4, 5, 9, 7, 8, 12, 10, 11};

    @Test
    void steadyTimingNeedsNothing() {
        Stream stream = Stream.steady(60);

        assertThat(TimingPlan.plan(stream.decode, stream.durations, stream.offsets, 20)).isEmpty();
    }

    @Test
    void framesShownTooCloseAtTheStartGetTheSteadyDurationAndKeepTheirOrder() {
        Stream stream = Stream.steady(60);
        // the first 13 frames were shown at 0.6 of their pace, the source then caught up
        stream.scaleFirst(13, 0.6);

        TimingPlan.Retimed plan = TimingPlan.plan(stream.decode, stream.durations, stream.offsets, 20).orElseThrow();

        assertThat(plan.count()).isEqualTo(13);
        assertThat(plan.frameDuration()).isEqualTo(FRAME);
        long[] shown = new long[13];
        for (int i = 0; i < 13; i++) {
            assertThat(plan.compositionOffsets()[i]).isNotNegative();
            shown[i] = plan.decodeTimes()[i] + plan.compositionOffsets()[i];
            if (i > 0) {
                assertThat(plan.decodeTimes()[i] - plan.decodeTimes()[i - 1]).isEqualTo(FRAME);
            }
        }
        // shown in the same order, one frame apart, ending one frame before the first kept frame
        long nextShown = stream.decode[13] + stream.offsets[13] + plan.shift();
        for (int i = 0; i < 13; i++) {
            assertThat(shown[i]).isEqualTo(nextShown - (13 - RANKS[i]) * FRAME);
        }
        assertThat(plan.decodeTimes()[12] + plan.durations()[12]).isEqualTo(stream.decode[13] + plan.shift());
    }

    @Test
    void aPrefixThatWouldStartBeforeZeroShiftsTheTrack() {
        Stream stream = Stream.steady(60);
        // the first 13 frames squeezed into 0.3 of their time, and the rest 3 frames early
        stream.scaleFirst(13, 0.3);
        for (int i = 13; i < 60; i++) {
            stream.decode[i] -= 3 * FRAME;
        }
        stream.durations[12] -= 3 * FRAME;

        TimingPlan.Retimed plan = TimingPlan.plan(stream.decode, stream.durations, stream.offsets, 20).orElseThrow();

        assertThat(plan.shift()).isEqualTo(3 * FRAME);
        assertThat(plan.decodeTimes()[0]).isZero();
    }

    @Test
    void aLateFirstFrameAloneIsLeftAsItIs() {
        Stream stream = Stream.steady(60);
        // the keyframe is shown for several frames: a gap, but no two frames too close
        for (int i = 1; i < 60; i++) {
            stream.decode[i] += 5 * FRAME;
        }
        stream.durations[0] += 5 * FRAME;

        assertThat(TimingPlan.plan(stream.decode, stream.durations, stream.offsets, 20)).isEmpty();
    }

    @Test
    void timingThatNeverSettlesIsLeftAsItIs() {
        Stream stream = Stream.steady(60);
        stream.scaleFirst(60, 0.6);

        Optional<TimingPlan.Retimed> plan = TimingPlan.plan(stream.decode, stream.durations, stream.offsets, 20);

        assertThat(plan).isEmpty();
    }

    @Test
    void tooFewSamplesAreLeftAsTheyAre() {
        assertThat(TimingPlan.plan(new long[] {0, 512}, new long[] {512, 512}, new long[] {0, 0}, 1)).isEmpty();
    }

    @Test
    void timesThatDisagreeWithTheBitstreamsOrderAreHandedOutInIt() {
        // soak10: a stall between a P-frame and the B-frame decoded after it but shown before it
        long[] shown = {82189, 83724, 114055, 115591, 115079};
        int[] displayRank = {0, 2, 1, 4, 3};

        long[] ordered = TimingPlan.inDisplayOrder(shown, displayRank).orElseThrow();

        assertThat(ordered).containsExactly(82189, 114055, 83724, 115591, 115079);
    }

    @Test
    void timesInTheBitstreamsOrderAreKept() {
        long[] shown = {0, 1536, 512, 1024, 3072, 2048, 2560};

        assertThat(TimingPlan.inDisplayOrder(shown, new int[] {0, 3, 1, 2, 6, 4, 5})).isEmpty();
        assertThat(TimingPlan.inDisplayOrder(shown, new int[] {0, 3, 1, 2, 6, 4, 4})).as("a rank twice").isEmpty();
        assertThat(TimingPlan.inDisplayOrder(shown, new int[] {0, 1})).as("too few ranks").isEmpty();
    }

    @Test
    void anOrderNoDecoderCouldHaveIsNotBelieved() {
        // a picture shown 39 places from where its time puts it: a misread, not a reorder
        long[] shown = new long[40];
        int[] displayRank = new int[40];
        for (int i = 0; i < 40; i++) {
            shown[i] = i * FRAME;
            displayRank[i] = i;
        }
        displayRank[0] = 39;
        displayRank[39] = 0;

        assertThat(TimingPlan.inDisplayOrder(shown, displayRank)).isEmpty();
    }

    @Test
    void jitteryLeadingDecodeTimesGetExactSpacing() {
        // soak13: steady for 17 frames, then decode times 536, 538, 462, 520 ... apart, steady again after 25
        Stream stream = Stream.steady(80);
        long[] jitter = {24, 50, -12, 8, -8, 8, -12, 0, -2};
        for (int i = 17; i < 26; i++) {
            stream.decode[i] += jitter[i - 17];
        }
        long[] shown = stream.shown();

        TimingPlan.EvenDecode even = TimingPlan.steadyDecodeTimes(stream.decode, shown, FRAME, 50).orElseThrow();

        assertThat(even.from()).isZero();
        long[] decode = stream.decode.clone();
        System.arraycopy(even.times(), 0, decode, 0, even.times().length);
        for (int i = 1; i < decode.length; i++) {
            assertThat(decode[i] - decode[i - 1]).as("decode gap %d", i).isEqualTo(FRAME);
            assertThat(decode[i]).as("sample %d decoded before it is shown", i).isLessThanOrEqualTo(shown[i]);
        }
    }

    @Test
    void decodeTimesAfterTheFirstFramesOwnTimeGetExactSpacingEvenForSlightJitter() {
        // soak04 of an older run: FFmpeg's own times for three frames, a jump, then 505 to 517 apart
        Stream stream = Stream.steady(80);
        long[] jitter = {0, -7, 0, -5, -5, 5, -8, 3, -5, 0, 2, -4};
        for (int i = 3; i < 80; i++) {
            stream.decode[i] += 24 * FRAME + 387;
        }
        for (int i = 4; i < 16; i++) {
            stream.decode[i] += jitter[i - 4];
        }
        long[] shown = stream.shown();
        for (int i = 0; i < 3; i++) {
            shown[i] += 24 * FRAME + 387;
        }

        TimingPlan.EvenDecode even = TimingPlan.steadyDecodeTimes(stream.decode, shown, FRAME, 50).orElseThrow();

        assertThat(even.from()).isEqualTo(3);
        for (int k = 1; k < even.times().length; k++) {
            assertThat(even.times()[k] - even.times()[k - 1]).isEqualTo(FRAME);
        }
        assertThat(stream.decode[3 + even.times().length] - even.times()[even.times().length - 1]).isEqualTo(FRAME);
    }

    @Test
    void steadyDecodeTimesAreKept() {
        Stream stream = Stream.steady(80);
        stream.decode[20] += 3;

        assertThat(TimingPlan.steadyDecodeTimes(stream.decode, stream.shown(), FRAME, 50)).isEmpty();
    }

    /** A steady B-frame stream: decode times one frame apart, shown in the {@link #RANKS} pattern. */
    private static final class Stream {
        final long[] decode;
        final long[] durations;
        final long[] offsets;

        private Stream(int count) {
            decode = new long[count];
            durations = new long[count];
            offsets = new long[count];
        }

        static Stream steady(int count) {
            Stream stream = new Stream(count);
            for (int i = 0; i < count; i++) {
                int gop = i / RANKS.length;
                int rank = gop * RANKS.length + (i % RANKS.length < RANKS.length ? RANKS[i % RANKS.length] : 0);
                stream.decode[i] = i * FRAME;
                stream.durations[i] = FRAME;
                // two frames of reorder delay, as FFmpeg writes B-frame streams
                stream.offsets[i] = (rank - i + 2) * FRAME;
            }
            return stream;
        }

        long[] shown() {
            long[] shown = new long[decode.length];
            for (int i = 0; i < decode.length; i++) {
                shown[i] = decode[i] + offsets[i];
            }
            return shown;
        }

        /** The first {@code count} samples at {@code factor} of their pace, decode and presentation. */
        void scaleFirst(int count, double factor) {
            for (int i = 0; i < count; i++) {
                long shown = decode[i] + offsets[i];
                decode[i] = Math.round(decode[i] * factor);
                offsets[i] = Math.round(shown * factor) - decode[i];
            }
            for (int i = 0; i + 1 < decode.length; i++) {
                durations[i] = decode[i + 1] - decode[i];
            }
            durations[decode.length - 1] = FRAME;
            assertThat(Arrays.stream(offsets).min().orElse(0)).isNotNegative();
        }
    }
}
