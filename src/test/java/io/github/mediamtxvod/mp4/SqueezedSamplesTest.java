package io.github.mediamtxvod.mp4;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.testing.Ffprobe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real FFmpeg files whose video or audio times jump back 1.2 s in the middle, written as the
 * recorder writes a segment: FFmpeg's muxer squeezes the samples that would go back one tick
 * apart, and the repair ({@link LeadingTiming#repair}, which runs {@link SqueezedSamples} first)
 * spreads them out again without losing one or moving the tracks against each other after the jump.
 */
class SqueezedSamplesTest {
    private static final long FRAME = TimingFixtures.VIDEO_TIMESCALE / 25;
    private static final long AUDIO_FRAME = 1024;

    @TempDir
    Path dir;

    @Test
    void videoFramesSqueezedAfterAJumpBackAreSpreadAndTheFramesBeforeThemMoveBack() throws Exception {
        Path file = TimingFixtures.segment(dir, "libx264", false, true, TimingFixtures.VIDEO_JUMPS_BACK, null);
        assertThat(Ffprobe.decodeErrors(file)).as("the file as FFmpeg wrote it").isNotEmpty();
        List<String> video = Ffprobe.packetTimes(file, "v:0");
        List<String> audio = Ffprobe.packetTimes(file, "a:0");
        assertThat(steps(video, 50, 80)).as("squeezed as FFmpeg wrote them").containsOnly(1L);
        long size = Files.size(file);

        Optional<LeadingTiming.Repair> repair = LeadingTiming.repair(file);

        assertThat(repair).isPresent();
        assertThat(repair.get().squeezed()).isEqualTo(30);
        assertThat(repair.get().jump()).isEqualTo(Duration.ofMillis(1200));
        assertThat(repair.get().earlier()).as("every track moved later by as much").isEqualTo(Duration.ofMillis(1200));
        assertThat(Ffprobe.decodeErrors(file)).isEmpty();
        assertThat(Files.size(file)).isEqualTo(size);
        List<String> after = Ffprobe.packetTimes(file, "v:0");
        assertThat(after).hasSameSizeAs(video);
        assertThat(steps(after, 1, after.size())).as("no two frames less than a frame apart")
                .allMatch(step -> step >= FRAME);
        assertThat(steps(after, 51, after.size())).as("the squeezed frames and those after them a frame apart")
                .containsOnly(FRAME);
        // the frames after the jump keep their place against the audio: both moved as much, but
        // for the step that then puts them a whole number of frames after the frame before them
        // (the fixture's first frame is FFmpeg's own, a fraction of a frame early, and the
        // leading spacing takes its grid), at most half a frame
        List<String> audioAfter = Ffprobe.packetTimes(file, "a:0");
        long audioMoved = pts(audioAfter.get(0)) - pts(audio.get(0));
        for (int i = 0; i < audio.size(); i++) {
            assertThat(pts(audioAfter.get(i)) - pts(audio.get(i))).as("audio packet %d", i).isEqualTo(audioMoved);
        }
        long videoMoved = pts(after.get(80)) - pts(video.get(80));
        assertThat(Math.abs(videoMoved - audioMoved * TimingFixtures.VIDEO_TIMESCALE / 48000)).isLessThanOrEqualTo(FRAME / 2);
        assertThat(Math.floorMod(pts(after.get(50)) - pts(after.get(49)), FRAME)).isZero();
        for (int i = 80; i < video.size(); i++) {
            assertThat(pts(after.get(i)) - pts(video.get(i))).as("video packet %d", i).isEqualTo(videoMoved);
        }
        assertThat(LeadingTiming.repair(file)).as("a second pass").isEmpty();
    }

    @Test
    void videoWithBFramesSqueezedAfterAJumpBackIsShownInTheBitstreamsOrderOnTheFrameGrid() throws Exception {
        Path file = TimingFixtures.segment(dir, "libx264", true, true, TimingFixtures.VIDEO_JUMPS_BACK, null);
        assertThat(Ffprobe.decodeErrors(file)).as("the file as FFmpeg wrote it").isNotEmpty();

        Optional<LeadingTiming.Repair> repair = LeadingTiming.repair(file);

        assertThat(repair).isPresent();
        assertThat(repair.get().squeezed()).isEqualTo(30);
        assertThat(Ffprobe.decodeErrors(file)).isEmpty();
        // shown one frame after another: each presentation time once, none left out
        List<String> shown = Ffprobe.packetTimes(file, "v:0").stream()
                .sorted(java.util.Comparator.comparingLong(SqueezedSamplesTest::pts)).toList();
        assertThat(steps(shown, 2, shown.size())).containsOnly(FRAME);
    }

    @Test
    void audioSqueezedAfterAJumpBackIsSpreadAndTheVideoStaysWithTheAudioAfterIt() throws Exception {
        Path file = TimingFixtures.segment(dir, "libx264", false, true, null, TimingFixtures.AUDIO_JUMPS_BACK);
        List<String> video = Ffprobe.packetTimes(file, "v:0");
        List<String> audio = Ffprobe.packetTimes(file, "a:0");
        assertThat(steps(audio, 100, 150)).as("squeezed as FFmpeg wrote them").containsOnly(1L);

        Optional<LeadingTiming.Repair> repair = LeadingTiming.repair(file);

        assertThat(repair).isPresent();
        assertThat(repair.get().squeezed()).isBetween(55, 57);
        assertThat(Ffprobe.decodeErrors(file)).isEmpty();
        List<String> audioAfter = Ffprobe.packetTimes(file, "a:0");
        assertThat(audioAfter).hasSameSizeAs(audio);
        assertThat(steps(audioAfter, 100, 158)).as("the squeezed packets 1024 samples apart").containsOnly(AUDIO_FRAME);
        assertThat(steps(audioAfter, 1, 100)).as("the packets before them").isEqualTo(steps(audio, 1, 100));
        assertThat(steps(audioAfter, 158, audio.size())).as("the packets after them")
                .isEqualTo(steps(audio, 158, audio.size()));
        assertThat(pts(audioAfter.get(0))).as("the file still starts at zero").isZero();
        // the audio after the jump and the whole video moved as much
        int last = audio.size() - 1;
        long audioMoved = pts(audioAfter.get(last)) - pts(audio.get(last));
        assertThat(audioMoved).isEqualTo(57600);
        List<String> videoAfter = Ffprobe.packetTimes(file, "v:0");
        for (int i = 0; i < video.size(); i++) {
            assertThat(pts(videoAfter.get(i)) - pts(video.get(i))).as("video packet %d", i)
                    .isEqualTo(audioMoved * TimingFixtures.VIDEO_TIMESCALE / 48000);
        }
    }

    @Test
    void aFileWithoutSqueezedSamplesIsNotWritten() throws Exception {
        Path file = TimingFixtures.segment(dir, "libx264", true, true, null, null);
        byte[] before = Files.readAllBytes(file);

        assertThat(SqueezedSamples.repair(file)).isEmpty();

        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void theSamplesBeforeAJumpForwardAmongThoseBeforeTheSqueezeMoveOnlyAsFarAsTheyMust() {
        // FFmpeg's own time for the first sample, 2.5 frames before the next; three samples a
        // frame apart; two squeezed one tick after them; then the samples after the jump, which
        // belong two frames back: the three move back 2 frames, the first only half a frame
        long[] decode = {4750, 5000, 5100, 5200, 5201, 5202, 5300, 5400};
        long[] offset = new long[decode.length];

        SqueezedSamples.Spread spread = SqueezedSamples.spread(decode, offset, 100);

        assertThat(spread).isEqualTo(new SqueezedSamples.Spread(2, 200));
        assertThat(decode).containsExactly(4700, 4800, 4900, 5000, 5100, 5200, 5300, 5400);

        long[] apart = {0, 5000, 5100, 5200, 5201, 5202, 5300, 5400};
        SqueezedSamples.spread(apart, offset, 100);
        assertThat(apart).as("a first sample far enough ahead stays").containsExactly(0, 4800, 4900, 5000, 5100,
                5200, 5300, 5400);
    }

    @Test
    void aSqueezeTheFileEndsInIsSpreadAfterTheSampleBeforeIt() {
        long[] decode = {0, 100, 200, 201, 202};
        long[] offset = new long[decode.length];

        SqueezedSamples.Spread spread = SqueezedSamples.spread(decode, offset, 100);

        assertThat(spread).isEqualTo(new SqueezedSamples.Spread(2, 0));
        assertThat(decode).containsExactly(0, 100, 200, 300, 400);
    }

    @Test
    void aBurstOfFramesAmongSlowOnesIsNoSqueeze() {
        // a camera that drops to 1 fps in a quiet scene (90 kHz), 30 fps for a moment of motion
        long[] decode = new long[80];
        for (int i = 1; i < decode.length; i++) {
            decode[i] = decode[i - 1] + (i >= 40 && i < 70 ? 3000 : 90000);
        }
        long[] before = decode.clone();

        assertThat(SqueezedSamples.spread(decode, new long[decode.length], 90000))
                .isEqualTo(new SqueezedSamples.Spread(0, 0));
        assertThat(decode).isEqualTo(before);
    }

    @Test
    void steadyTimesAreLeftAsTheyAre() {
        long[] decode = {0, 100, 200, 290, 400, 2400, 2500};
        long[] offset = {200, 0, 0, 200, 0, 0, 0};

        SqueezedSamples.Spread spread = SqueezedSamples.spread(decode, offset, 100);

        assertThat(spread).isEqualTo(new SqueezedSamples.Spread(0, 0));
        assertThat(decode).containsExactly(0, 100, 200, 290, 400, 2400, 2500);
        assertThat(offset).containsExactly(200, 0, 0, 200, 0, 0, 0);
    }

    /** The steps between the pts of packets {@code from} to {@code to} (exclusive), each from the one before. */
    private static List<Long> steps(List<String> packets, int from, int to) {
        return java.util.stream.IntStream.range(from, to)
                .mapToObj(i -> pts(packets.get(i)) - pts(packets.get(i - 1))).toList();
    }

    private static long pts(String packet) {
        return Long.parseLong(packet.split(",")[0]);
    }
}
