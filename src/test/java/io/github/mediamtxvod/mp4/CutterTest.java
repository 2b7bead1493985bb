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
    void aSourceCutForTheNextOneEndsWhereEveryFrameKeptIsShownBeforeTheRest() {
        // decode order I P B B P B B, one tick each; shown at 1, 4, 2, 3, 7, 5, 6
        TrackSamples samples = new TrackSamples(SyntheticSegment.video(1).info(), 0);
        int[] shownLater = {1, 3, 0, 0, 3, 0, 0};
        for (int i = 0; i < shownLater.length; i++) {
            samples.add(0, 10, 1, 0, shownLater[i]);
        }
        long[] times = samples.decodeTimes();

        assertThat(Cutter.closedPrefixEnd(samples, times, 0, 7)).isEqualTo(7);
        assertThat(Cutter.closedPrefixEnd(samples, times, 0, 6)).isEqualTo(4);
        assertThat(Cutter.closedPrefixEnd(samples, times, 0, 5)).isEqualTo(4);
        assertThat(Cutter.closedPrefixEnd(samples, times, 0, 4)).isEqualTo(4);
        // the I frame alone is shown before everything after it; I and P are not
        assertThat(Cutter.closedPrefixEnd(samples, times, 0, 3)).isEqualTo(1);
        assertThat(Cutter.closedPrefixEnd(samples, times, 0, 2)).isEqualTo(1);
        assertThat(Cutter.closedPrefixEnd(samples, times, 0, 0)).isZero();
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
