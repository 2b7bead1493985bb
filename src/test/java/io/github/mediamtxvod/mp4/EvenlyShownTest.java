package io.github.mediamtxvod.mp4;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When the repair may skip reading the bitstream's display order: only for evenly spaced times. */
class EvenlyShownTest {
    private static final long FRAME = 512;

    private static VideoTimeline timeline(long[] decode, long[] offsets) {
        List<TimingFields.Sample> samples = new ArrayList<>();
        for (int i = 0; i < decode.length; i++) {
            long duration = i + 1 < decode.length ? decode[i + 1] - decode[i] : FRAME;
            samples.add(new TimingFields.Sample(decode[i], duration, offsets[i], -1, -1));
        }
        return new VideoTimeline(samples);
    }

    private static long[] steadyDecode(int count) {
        long[] decode = new long[count];
        for (int i = 0; i < count; i++) {
            decode[i] = i * FRAME + (i % 3 == 0 ? 1 : 0);
        }
        return decode;
    }

    /** Decoded I P B B P B B ..., shown I B B P B B P ...: offsets of 1 frame, then 3, 0, 0 repeated. */
    private static long[] pattern(int count) {
        long[] offsets = new long[count];
        for (int i = 0; i < count; i++) {
            offsets[i] = i == 0 ? FRAME : (i - 1) % 3 == 0 ? 3 * FRAME : 0;
        }
        return offsets;
    }

    @Test
    void steadyBFrameTimesWithOneTickOfJitterAreEven() {
        assertThat(LeadingTiming.evenlyShown(timeline(steadyDecode(40), pattern(40)))).isTrue();
    }

    @Test
    void aJumpInDecodeTimesIsNotEvenEvenWhenThePresentationTimesAre() {
        long[] decode = steadyDecode(40);
        long[] offsets = pattern(40);
        // the decode time of frame 20 arrives late and its offset shrinks by as much: same presentation time
        decode[20] += 3 * FRAME;
        offsets[20] -= 3 * FRAME;

        assertThat(LeadingTiming.evenlyShown(timeline(decode, offsets))).isFalse();
    }

    @Test
    void aStallInThePresentationTimesIsNotEven() {
        long[] decode = steadyDecode(40);
        for (int i = 25; i < decode.length; i++) {
            decode[i] += 60 * FRAME;
        }

        assertThat(LeadingTiming.evenlyShown(timeline(decode, pattern(40)))).isFalse();
    }
}
