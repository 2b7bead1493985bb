package io.github.mediamtxvod.mp4;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which timeline changes {@link LeadingTiming} can write into fragments whose samples carry no
 * duration of their own (FFmpeg leaves the field out when all equal the fragment's default).
 */
class TimingPatchesTest {
    private static final long FRAME = 512;
    /** Two fragments: samples 0 and 1 without duration or offset fields, then sample 2, decoded 256 ticks late. */
    private static final List<TimingFields.Sample> SAMPLES = List.of(
            new TimingFields.Sample(0, FRAME, 0, -1, -1),
            new TimingFields.Sample(FRAME, FRAME, 0, -1, -1),
            new TimingFields.Sample(2 * FRAME + 256, FRAME, 0, -1, -1));
    private static final List<TimingFields.Run> RUNS = List.of(
            new TimingFields.Run(0, 100, false, 0, -1), new TimingFields.Run(1000, 1100, false, 2, -1));

    @Test
    void aGapTheNextFragmentsTfdtAlreadyHoldsNeedsNoDurationField() {
        VideoTimeline timeline = new VideoTimeline(SAMPLES);
        // as a later pass reads it: the durations follow the decode times
        timeline.duration[1] = timeline.decode[2] - timeline.decode[1];

        assertThat(TimingPatches.of(timeline, RUNS, SAMPLES)).isEmpty();
    }

    @Test
    void aRunMovedLaterByDecodeTimeIsWrittenAsTheNextFragmentsTfdt() {
        VideoTimeline timeline = new VideoTimeline(SAMPLES);

        timeline.move(new long[] {0, 0, 128}, true);

        List<TimingPatches.Patch> patches = TimingPatches.of(timeline, RUNS, SAMPLES);
        assertThat(patches).extracting(TimingPatches.Patch::at).containsExactly(1100L);
    }

    @Test
    void aChangedDurationInsideAFragmentWithoutTheFieldCannotBeWritten() {
        VideoTimeline timeline = new VideoTimeline(SAMPLES);
        timeline.duration[0] = FRAME + 10;

        assertThat(TimingPatches.of(timeline, RUNS, SAMPLES)).isNull();
    }

    @Test
    void oneNewDurationForEverySampleOfAFragmentWithoutTheFieldIsWrittenAsItsTfhdDefault() {
        // FFmpeg's squeezed samples: one tick each, so all the fragment's samples last its default
        List<TimingFields.Sample> squeezed = List.of(
                new TimingFields.Sample(0, 1, 0, -1, -1),
                new TimingFields.Sample(1, 1, 0, -1, -1),
                new TimingFields.Sample(2, 1, 0, -1, -1),
                new TimingFields.Sample(2 * FRAME + 1, FRAME, 0, -1, -1));
        List<TimingFields.Run> runs = List.of(new TimingFields.Run(0, 100, false, 0, 90),
                new TimingFields.Run(1000, 1100, false, 3, 1090));
        VideoTimeline timeline = new VideoTimeline(squeezed);
        timeline.decode[1] = FRAME;
        timeline.decode[2] = 2 * FRAME;
        timeline.duration[0] = FRAME;
        timeline.duration[1] = FRAME;
        timeline.duration[2] = FRAME;

        List<TimingPatches.Patch> patches = TimingPatches.of(timeline, runs, squeezed);
        assertThat(patches).extracting(TimingPatches.Patch::at).containsExactly(90L);
        assertThat(java.nio.ByteBuffer.wrap(patches.get(0).bytes()).getInt()).as("the new default").isEqualTo(FRAME);

        timeline.duration[1] = FRAME + 1;
        assertThat(TimingPatches.of(timeline, runs, squeezed)).as("two durations in one fragment").isNull();
        List<TimingFields.Run> noDefault = List.of(new TimingFields.Run(0, 100, false, 0, -1), runs.get(1));
        timeline.duration[1] = FRAME;
        assertThat(TimingPatches.of(timeline, noDefault, squeezed)).as("no default to change").isNull();
    }

    @Test
    void aShorterLastDurationThatNoMoveMadeCannotBeWritten() {
        VideoTimeline timeline = new VideoTimeline(SAMPLES);
        timeline.duration[1] = FRAME - 10;

        assertThat(TimingPatches.of(timeline, RUNS, SAMPLES)).isNull();
    }
}
