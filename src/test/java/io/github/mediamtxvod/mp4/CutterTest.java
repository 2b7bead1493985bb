package io.github.mediamtxvod.mp4;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CutterTest {
    /** Decode times of four 1024-tick audio frames, and the end of the last. */
    private static final long[] TIMES = {0, 1024, 2048, 3072, 4096};

    @Test
    void samplesWhollyUnderTheTrackSoFarAreLeftOutAndTheOneAcrossItsEndIsKept() {
        // moved by 100 ticks: frame 0 ends at 1124, frame 1 at 2148
        assertThat(Cutter.firstAfterOverlap(TIMES, 0, 4, 100, 2100)).isEqualTo(1);
        assertThat(Cutter.firstAfterOverlap(TIMES, 0, 4, 100, 1124)).isEqualTo(1);
        assertThat(Cutter.firstAfterOverlap(TIMES, 0, 4, 100, 1123)).isZero();
        assertThat(Cutter.firstAfterOverlap(TIMES, 2, 4, 0, 10_000)).isEqualTo(4);
    }

    @Test
    void aShortenedFirstSampleLeavesTheOthersAtTheirSourceTimes() {
        TrackSamples samples = new TrackSamples(SyntheticSegment.audio().info(), 5000);
        for (int i = 0; i < 3; i++) {
            samples.add(100L * i, 10, 1288 - (i == 0 ? 0 : 264), 0, 0);
        }
        // the first frame stretched back by 264 ticks, as FFmpeg starts each segment's track at 0
        Cutter.Selection selection = new Cutter.Selection(samples, 0, 3, 20_000, 264);

        assertThat(selection.decodeTime(0)).isEqualTo(20_000);
        assertThat(selection.duration(0)).isEqualTo(1024);
        assertThat(selection.decodeTime(1)).isEqualTo(21_024);
        assertThat(selection.duration(1)).isEqualTo(1024);
        assertThat(selection.decodeTime(3)).isEqualTo(23_072);
    }
}
