package io.github.mediamtxvod.mp4;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
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

    /**
     * Decode times of the first video frames of two recordings of the RTSP test server (no
     * B-frames, 25 fps in 1/12800): FFmpeg's own time for the first frame, then a second of frames
     * the source sent too fast, settling. In the first a 1.5 s stall follows within 2 s; the
     * second is a 2 s segment. Both played fine as files, but a playback range cut from them put
     * two frames in one slot of FFmpeg's null muxer.
     */
    private static final long[] STALL_AFTER_JITTER = {288, 9745, 10257, 10759, 11271, 11772, 12284, 12773, 13285,
        13774, 14286, 14778, 15290, 15785, 16297, 16796, 17308, 17810, 18322, 18828, 19340, 19848, 20360, 20870,
        21382, 21893, 22405, 22916, 23428, 23940, 24452, 24964, 25476, 25988, 26500, 27012, 27524, 28036, 28548,
        29060, 47906, 48418, 48930, 49442, 49954, 50466, 50978, 51490, 52002, 52514};
    private static final long[] SHORT_SEGMENT = {0, 5117, 5629, 6137, 6649, 7154, 7666, 8168, 8680, 9178, 9690,
        10183, 10695, 11185, 11697, 12184, 12696, 13181, 13693, 14178, 14690, 15175, 15687, 16172, 16684, 17172,
        17684, 18450, 18962, 19460, 19972, 20476, 20988, 21494, 22006, 22515, 23027, 23538, 24050, 24551, 25063,
        25572, 26084, 26595, 27107, 27619, 28131, 28642, 29154, 29666};

    @Test
    void jitterFollowedByAStallOrTheSegmentsEndIsRepairedToo() {
        for (long[] decode : List.of(STALL_AFTER_JITTER, SHORT_SEGMENT)) {
            long[] durations = new long[decode.length];
            for (int i = 0; i + 1 < decode.length; i++) {
                durations[i] = decode[i + 1] - decode[i];
            }
            durations[decode.length - 1] = FRAME;
            long[] offsets = new long[decode.length];
            // what LeadingTiming asks for at 25 fps: 2 s of steady frames
            TimingPlan.Retimed plan = TimingPlan.plan(decode, durations, offsets, 50).orElseThrow();

            long[] shown = decode.clone();
            for (int i = 0; i < plan.count(); i++) {
                shown[i] = plan.decodeTimes()[i] + plan.compositionOffsets()[i];
            }
            for (int i = plan.count(); i < shown.length; i++) {
                shown[i] += plan.shift();
            }
            for (int i = 1; i < shown.length; i++) {
                assertThat(shown[i] - shown[i - 1]).as("gap before frame %d", i)
                        .isGreaterThanOrEqualTo(FRAME - FRAME / TimingPlan.STEADY_FRACTION);
            }
            // the frames after the prefix keep their times
            assertThat(plan.shift()).isZero();
            assertThat(plan.count()).isLessThan(30);
        }
    }

    @Test
    void aSteadyRunMayEndAtALateFrameOrTheEndButNotAtAnEarlyOne() {
        long tolerance = FRAME / TimingPlan.STEADY_FRACTION;
        long[] gaps = {FRAME, FRAME, FRAME, FRAME, 40 * FRAME, FRAME / 2};

        assertThat(TimingPlan.steadyFrom(gaps, 0, 16, FRAME, tolerance)).as("four, then a stall").isTrue();
        assertThat(TimingPlan.steadyFrom(gaps, 0, 20, FRAME, tolerance)).as("four are too few for 20").isFalse();
        assertThat(TimingPlan.steadyFrom(new long[] {FRAME, FRAME, FRAME, FRAME}, 0, 16, FRAME, tolerance))
                .as("four, then the end").isTrue();
        assertThat(TimingPlan.steadyFrom(new long[] {FRAME, FRAME, FRAME, FRAME / 2}, 0, 4, FRAME, tolerance))
                .as("three, then a frame too early").isFalse();
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

        TimingPlan.EvenDecode even = TimingPlan.steadyDecodeTimes(stream.decode, shown, FRAME, 50, false).orElseThrow();

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

        TimingPlan.EvenDecode even = TimingPlan.steadyDecodeTimes(stream.decode, shown, FRAME, 50, false).orElseThrow();

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

        assertThat(TimingPlan.steadyDecodeTimes(stream.decode, stream.shown(), FRAME, 50, false)).isEmpty();
    }

    @Test
    void aStallAfterTheJitterKeepsItsLengthAndEndsTheSpacing() {
        Stream stream = Stream.steady(80);
        for (int i = 5; i < 20; i += 2) {
            stream.decode[i] -= 20; // 0.96 of a frame, then 1.04
        }
        for (int i = 30; i < 80; i++) {
            stream.decode[i] += 30 * FRAME; // a 1.2 s stall before sample 30
        }
        long[] shown = stream.shown();

        TimingPlan.EvenDecode even = TimingPlan.steadyDecodeTimes(stream.decode, shown, FRAME, 50, false).orElseThrow();

        assertThat(even.from()).isZero();
        // samples 0 to 28 spaced; 29, the last before the stall, keeps its time, and so does the stall
        assertThat(even.times()).hasSize(29);
        assertThat(stream.decode[29] - even.times()[28]).isEqualTo(FRAME);
        for (int k = 1; k < even.times().length; k++) {
            assertThat(even.times()[k] - even.times()[k - 1]).isEqualTo(FRAME);
        }
    }

    @Test
    void aSteadyStretchEndedByJitterIsNotTakenForTheSettledRun() {
        // FFmpeg's own time for the first frame, 12 steady frames (a quarter of the run asked
        // for), then frames shown too close, starting with a late one; steady again from 30
        long[] decode = new long[90];
        for (int i = 1; i < decode.length; i++) {
            decode[i] = 10 * FRAME + i * FRAME;
        }
        for (int i = 14; i < 30; i += 2) {
            decode[i] += FRAME / 5; // late, then the next one only 0.8 frame after it
        }
        long[] durations = new long[decode.length];
        for (int i = 0; i + 1 < decode.length; i++) {
            durations[i] = decode[i + 1] - decode[i];
        }
        durations[decode.length - 1] = FRAME;

        TimingPlan.Retimed plan = TimingPlan.plan(decode, durations, new long[decode.length], 48).orElseThrow();

        assertThat(plan.count()).as("re-timed up to the steady frames after the jitter").isGreaterThanOrEqualTo(29);
    }

    @Test
    void aSteadyRunEndingInAStallLeavesTheSpacingToTheRunAfterIt() {
        Stream stream = Stream.steady(80);
        for (int i = 10; i < 80; i++) {
            stream.decode[i] += 20 * FRAME; // a stall before sample 10, within the probe
        }
        for (int i = 13; i < 30; i += 2) {
            stream.decode[i] -= 9; // slight jitter after it
        }

        TimingPlan.EvenDecode even = TimingPlan.steadyDecodeTimes(stream.decode, stream.shown(), FRAME, 50, false)
                .orElseThrow();

        assertThat(even.from()).isEqualTo(10);
    }

    @Test
    void aFrameDurationThatIsNoWholeNumberOfTicksIsNotSpacedAdrift() {
        // 30 fps with millisecond times in 1/16000: 33, 33 and 34 ms, as RTMP gives them
        long[] decode = new long[90];
        for (int i = 1; i < decode.length; i++) {
            decode[i] = decode[i - 1] + (i % 3 == 0 ? 544 : 528);
        }

        assertThat(TimingPlan.steadyDecodeTimes(decode, decode.clone(), 528, 60, true)).isEmpty();
    }

    @Test
    void aSegmentShorterThanTheProbeIsSpacedUpToItsLastSample() {
        Stream stream = Stream.steady(30);
        stream.decode[0] -= 5 * FRAME; // FFmpeg's own time for the first frame
        for (int i = 3; i < 20; i += 2) {
            stream.decode[i] -= 9; // less than 1/32 frame: spaced only after such a jump
        }

        TimingPlan.EvenDecode even = TimingPlan.steadyDecodeTimes(stream.decode, stream.shown(), FRAME, 50, false)
                .orElseThrow();

        assertThat(even.from()).isEqualTo(1);
        assertThat(even.from() + even.times().length).isEqualTo(29);
    }

    @Test
    void slightJitterIsSpacedWhenTheTimingBeforeItWasBroken() {
        Stream stream = Stream.steady(80);
        for (int i = 3; i < 20; i += 2) {
            stream.decode[i] -= 9;
        }

        assertThat(TimingPlan.steadyDecodeTimes(stream.decode, stream.shown(), FRAME, 50, false)).isEmpty();
        assertThat(TimingPlan.steadyDecodeTimes(stream.decode, stream.shown(), FRAME, 50, true)).isPresent();
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
