package io.github.mediamtxvod.mp4;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.testing.Ffprobe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real FFmpeg files: a source whose first GOP's timestamps run fast (frames 24 ms apart instead of
 * 40, as a server still locking onto its publisher's clock gives them) is written exactly as the
 * recorder writes a segment; the strict decode check fails on it, and passes after the repair.
 */
class LeadingTimingTest {
    private static final long FRAME = TimingFixtures.VIDEO_TIMESCALE / 25;
    private static final String FAST_FIRST_GOP = TimingFixtures.FAST_FIRST_GOP;

    @TempDir
    Path dir;

    @Test
    void fastFirstGopWithBFramesDecodesCleanlyAfterTheRepair() throws Exception {
        Path file = TimingFixtures.segment(dir, "libx264", true, true, FAST_FIRST_GOP);
        assertThat(Ffprobe.decodeErrors(file)).as("the file as FFmpeg wrote it").isNotEmpty();
        long size = Files.size(file);
        List<String> before = Ffprobe.packetTimes(file, "v:0");
        List<String> audio = Ffprobe.packetTimes(file, "a:0");

        Optional<LeadingTiming.Repair> repair = LeadingTiming.repair(file);

        assertThat(repair).isPresent();
        assertThat(repair.get().samples()).isEqualTo(25);
        assertThat(repair.get().frame().toMillis()).isEqualTo(40);
        assertThat(Ffprobe.decodeErrors(file)).isEmpty();
        assertThat(Files.size(file)).isEqualTo(size);
        List<String> after = Ffprobe.packetTimes(file, "v:0");
        assertThat(after).hasSameSizeAs(before);
        // the samples after the first GOP keep their times, all moved by the same shift
        long shift = delta(before.get(25), after.get(25));
        for (int i = 25; i < before.size(); i++) {
            assertThat(delta(before.get(i), after.get(i))).as("packet %d", i).isEqualTo(shift);
        }
        assertThat(shift).as("moved by the repair's shift").isEqualTo(repair.get().shift().isZero() ? 0 : shift);
        assertThat(Ffprobe.packetTimes(file, "a:0")).isEqualTo(audio);
        assertThat(LeadingTiming.repair(file)).as("a second pass").isEmpty();
    }

    @Test
    void aLoneFirstFrameWhoseDurationIsInTheTfhdIsRetimedWithTheJitterAfterIt() throws Exception {
        Path file = TimingFixtures.segment(dir, "libx264", false, true, TimingFixtures.LONE_FIRST_FRAME_THEN_JITTER);
        assertThat(Ffprobe.decodeErrors(file)).as("the file as FFmpeg wrote it").isNotEmpty();
        List<String> before = Ffprobe.packetTimes(file, "v:0");

        Optional<LeadingTiming.Repair> repair = LeadingTiming.repair(file);

        assertThat(repair).isPresent();
        assertThat(repair.get().samples()).as("the lone frame and the jittery ones after it").isEqualTo(10);
        assertThat(Ffprobe.decodeErrors(file)).isEmpty();
        List<String> after = Ffprobe.packetTimes(file, "v:0");
        // one frame apart up to the first kept frame: the lone frame moved up to the second, and its
        // duration, which only its fragment's tfhd holds, was rewritten with it
        for (int i = 1; i <= 10; i++) {
            assertThat(pts(after.get(i)) - pts(after.get(i - 1))).as("packet %d", i)
                    .isEqualTo(TimingFixtures.VIDEO_TIMESCALE / 25);
        }
        assertThat(after.subList(10, after.size())).isEqualTo(before.subList(10, before.size()));
    }

    @Test
    void aClockSettlingInSlightStepsGetsExactSpacingShownAsWellWithoutBFrames() throws Exception {
        Path file = TimingFixtures.segment(dir, "libx264", false, true, TimingFixtures.SETTLING_CLOCK);
        assertThat(Ffprobe.decodeErrors(file)).as("the file as FFmpeg wrote it").isNotEmpty();
        assertThat(Ffprobe.guessedFrameRate(file)).isNotEqualTo("25/1");

        Optional<LeadingTiming.Repair> repair = LeadingTiming.repair(file);

        assertThat(repair).isPresent();
        assertThat(repair.get().samples()).as("no frame too early to be re-timed").isZero();
        assertThat(repair.get().evened()).isGreaterThan(20);
        assertThat(Ffprobe.guessedFrameRate(file)).isEqualTo("25/1");
        assertThat(Ffprobe.decodeErrors(file)).isEmpty();
        // without composition offsets to change, frames are shown when they are decoded
        assertThat(Ffprobe.packetTimes(file, "v:0")).allMatch(packet -> packet.split(",")[0].equals(packet.split(",")[1]));
    }

    @Test
    void fastFirstGopOfH265WithBFramesIsRepaired() throws Exception {
        Path file = TimingFixtures.segment(dir, "libx265", true, false, FAST_FIRST_GOP);

        assertThat(LeadingTiming.repair(file)).isPresent();

        assertThat(Ffprobe.decodeErrors(file)).isEmpty();
    }

    @Test
    void fastFirstGopWithoutBFramesIsRepaired() throws Exception {
        Path file = TimingFixtures.segment(dir, "libx264", false, true, FAST_FIRST_GOP);
        assertThat(Ffprobe.decodeErrors(file)).isNotEmpty();

        assertThat(LeadingTiming.repair(file)).isPresent();

        assertThat(Ffprobe.decodeErrors(file)).isEmpty();
    }

    @Test
    void framesLeftAtTheGridsRoundingEdgeByALaterJumpAreMovedOntoIt() throws Exception {
        Path file = TimingFixtures.segment(dir, "libx264", true, true, TimingFixtures.JUMP_AFTER_SECOND_GOP);
        assertThat(Ffprobe.decodeErrors(file)).as("the file as FFmpeg wrote it").isNotEmpty();
        List<String> before = Ffprobe.packetTimes(file, "v:0");
        List<String> audio = Ffprobe.packetTimes(file, "a:0");

        Optional<LeadingTiming.Repair> repair = LeadingTiming.repair(file);

        assertThat(repair).isPresent();
        assertThat(repair.get().runs()).isEqualTo(1);
        assertThat(Ffprobe.decodeErrors(file)).isEmpty();
        List<String> after = Ffprobe.packetTimes(file, "v:0");
        assertThat(after).hasSameSizeAs(before);
        // the two GOPs before the jump stay; the frames after it all move by the same amount, less than a frame
        assertThat(after.subList(0, 50)).isEqualTo(before.subList(0, 50));
        long shift = delta(before.get(50), after.get(50));
        assertThat(shift).isPositive().isLessThan(TimingFixtures.VIDEO_TIMESCALE / 25);
        for (int i = 50; i < before.size(); i++) {
            assertThat(delta(before.get(i), after.get(i))).as("packet %d", i).isEqualTo(shift);
        }
        assertThat(Ffprobe.packetTimes(file, "a:0")).isEqualTo(audio);
    }

    @Test
    void aLaterRunIsMovedOntoTheGridWhenTheFrameBeforeItHasNoDurationField() throws Exception {
        Times times = laterRunRepaired(TimingFixtures.SHOWN_LATER_AFTER_SECOND_GOP);

        // the frames before the jump are shown as before (a later pass may space their decode
        // times up to the longer gap the move left)
        for (int i = 0; i < 50; i++) {
            assertThat(pts(times.after.get(i))).as("packet %d", i).isEqualTo(pts(times.before.get(i)));
        }
        // decoded later with it, so a segment after this one goes on from the moved frames
        long shift = delta(times.before.get(50), times.after.get(50));
        assertThat(shift).isPositive().isLessThan(TimingFixtures.VIDEO_TIMESCALE / 25);
        for (int i = 50; i < times.before.size(); i++) {
            assertThat(delta(times.before.get(i), times.after.get(i))).as("packet %d", i).isEqualTo(shift);
        }
    }

    @Test
    void aLaterRunInsideAFragmentWithoutDurationFieldsIsShownLaterByItsCompositionOffsets() throws Exception {
        Times times = laterRunRepaired(TimingFixtures.SHOWN_LATER_INSIDE_A_FRAGMENT);

        assertThat(times.after.subList(0, 50)).isEqualTo(times.before.subList(0, 50));
        for (int i = 0; i < times.before.size(); i++) {
            assertThat(times.after.get(i).split(",")[1]).as("packet %d decoded as before", i)
                    .isEqualTo(times.before.get(i).split(",")[1]);
        }
    }

    private record Times(List<String> before, List<String> after) {}

    /**
     * A segment with B-frames whose video is shown later from some frame on, by 2.475 frames (a
     * stall that leaves the frames after it at the rounding edge of the grid), repaired: one run
     * moved, a clean decode, nothing left for a second pass.
     */
    private Times laterRunRepaired(String bsf) throws Exception {
        Path file = TimingFixtures.segment(dir, "libx264", true, true, bsf);
        assertThat(Ffprobe.decodeErrors(file)).as("the file as FFmpeg wrote it").isNotEmpty();
        List<String> before = Ffprobe.packetTimes(file, "v:0");

        Optional<LeadingTiming.Repair> repair = LeadingTiming.repair(file);

        assertThat(repair).isPresent();
        assertThat(repair.get().runs()).isEqualTo(1);
        assertThat(Ffprobe.decodeErrors(file)).isEmpty();
        assertThat(LeadingTiming.repair(file)).as("a second pass").isEmpty();
        return new Times(before, Ffprobe.packetTimes(file, "v:0"));
    }

    @Test
    void timesAgainstTheBitstreamsOrderAreHandedOutInIt() throws Exception {
        Path file = TimingFixtures.segment(dir, "libx264", true, true, TimingFixtures.STALL_INSIDE_A_GROUP);
        assertThat(outOfOrder(Ffprobe.shownFrames(file))).as("the file as FFmpeg wrote it").isPositive();
        long packets = Ffprobe.packets(file, "v:0");

        Optional<LeadingTiming.Repair> repair = LeadingTiming.repair(file);

        assertThat(repair).isPresent();
        assertThat(repair.get().swapped()).isGreaterThanOrEqualTo(2);
        assertThat(outOfOrder(Ffprobe.shownFrames(file))).isZero();
        assertThat(Ffprobe.decodeErrors(file)).isEmpty();
        assertThat(Ffprobe.packets(file, "v:0")).isEqualTo(packets);
    }

    @Test
    void aJumpOfAFractionOfAFrameIsTakenOutSoThatAPlainMp4OfTheSegmentDecodesCleanly() throws Exception {
        Path file = TimingFixtures.segment(dir, "libx264", false, true, TimingFixtures.QUARTER_FRAME_JUMP_AT_2_S, null, 16);
        assertThat(Ffprobe.decodeErrors(file)).as("the segment as FFmpeg wrote it").isEmpty();
        assertThat(Ffprobe.decodeErrors(remuxed(file))).as("a plain MP4 of it, as FFmpeg wrote it").isNotEmpty();
        List<String> before = Ffprobe.packetTimes(file, "v:0");

        List<String> after = repairedOntoWholeFrames(file);

        // the fixture's first frame is FFmpeg's own, 0.53 frame before the others (the leading
        // spacing takes its grid): the frames end up on one grid, each less than a frame from
        // where it was against the audio
        for (int i = 0; i < before.size(); i++) {
            assertThat(Math.abs(delta(before.get(i), after.get(i)))).as("packet %d", i).isLessThan(FRAME);
        }
        Path plain = remuxed(file);
        assertThat(Ffprobe.guessedFrameRate(plain)).isEqualTo("25/1");
        assertThat(Ffprobe.decodeErrors(plain)).as("a plain MP4 of it").isEmpty();
    }

    @Test
    void aJumpOfAFractionOfAFrameAmongTheLastFramesIsTakenOutSoThatJoinedSegmentsKeepTheirFrameRate() throws Exception {
        Path file = TimingFixtures.segment(dir, "libx264", false, true, TimingFixtures.QUARTER_FRAME_JUMP_AT_2_S, null, 2);
        List<String> before = Ffprobe.packetTimes(file, "v:0");
        assertThat(decodeSteps(before).getLast()).as("the last frame as FFmpeg wrote it").isEqualTo(FRAME + 147);
        assertThat(Ffprobe.guessedFrameRate(joined(file, 8))).as("eight copies joined, as FFmpeg wrote them")
                .isNotEqualTo("25/1");

        repairedOntoWholeFrames(file);

        assertThat(Ffprobe.guessedFrameRate(joined(file, 8))).as("eight copies joined").isEqualTo("25/1");
    }

    /**
     * Repairs a segment whose video jumps by a fraction of a frame: one run moved, every frame a
     * whole number of frames after the one before, the audio as it was, a clean decode, nothing
     * left for a second pass.
     *
     * @return the video's packet times after the repair
     */
    private List<String> repairedOntoWholeFrames(Path file) throws Exception {
        List<String> before = Ffprobe.packetTimes(file, "v:0");
        List<String> audio = Ffprobe.packetTimes(file, "a:0");

        Optional<LeadingTiming.Repair> repair = LeadingTiming.repair(file);

        assertThat(repair).isPresent();
        assertThat(repair.get().runs()).isEqualTo(1);
        List<String> after = Ffprobe.packetTimes(file, "v:0");
        assertThat(after).hasSameSizeAs(before);
        assertThat(decodeSteps(after)).as("every frame a whole number of frames after the one before")
                .allMatch(step -> step > 0 && step % FRAME == 0);
        assertThat(Ffprobe.packetTimes(file, "a:0")).isEqualTo(audio);
        assertThat(Ffprobe.decodeErrors(file)).isEmpty();
        assertThat(LeadingTiming.repair(file)).as("a second pass").isEmpty();
        return after;
    }

    @Test
    void steadyFilesAreNotWritten() throws Exception {
        for (boolean bFrames : new boolean[] {true, false}) {
            Path file = TimingFixtures.segment(dir, "libx264", bFrames, true, null);
            byte[] bytes = Files.readAllBytes(file);

            assertThat(LeadingTiming.repair(file)).as("B-frames %s", bFrames).isEmpty();

            assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
        }
    }

    @Test
    void audioOnlyIsNotWritten() throws Exception {
        Path file = TimingFixtures.segment(dir, null, false, true, null);
        byte[] bytes = Files.readAllBytes(file);

        assertThat(LeadingTiming.repair(file)).isEmpty();

        assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
    }

    /** How many frames the decoder outputs with a time no later than the frame before. */
    private static long outOfOrder(List<String> shownFrames) {
        long count = 0;
        long previous = Long.MIN_VALUE;
        for (String frame : shownFrames) {
            String pts0 = frame.split(",")[0];
            if (!pts0.matches("-?[0-9]+")) {
                continue;
            }
            long pts = Long.parseLong(pts0);
            count += pts <= previous ? 1 : 0;
            previous = pts;
        }
        return count;
    }

    /** From each packet's dts to the next one's. */
    private static List<Long> decodeSteps(List<String> packets) {
        return IntStream.range(1, packets.size())
                .mapToObj(i -> dts(packets.get(i)) - dts(packets.get(i - 1))).toList();
    }

    private static long dts(String packet) {
        return Long.parseLong(packet.split(",")[1]);
    }

    /** The segment as a plain MP4 (moov with every sample's times), as {@code ffmpeg -i segment -c copy plain.mp4} makes it. */
    private Path remuxed(Path segment) throws Exception {
        return plainMp4("-i", segment.toString());
    }

    /** {@code copies} copies of a segment joined one after the other into a plain MP4 by FFmpeg's concat demuxer. */
    private Path joined(Path segment, int copies) throws Exception {
        Path list = Files.createTempFile(dir, "joined", ".txt");
        Files.write(list, Collections.nCopies(copies, "file '" + segment.toAbsolutePath() + "'"));
        return plainMp4("-f", "concat", "-safe", "0", "-i", list.toString());
    }

    /** Every stream of the input FFmpeg's options name, copied into a new plain MP4. */
    private Path plainMp4(String... input) throws Exception {
        Path plain = Files.createTempFile(dir, "plain", ".mp4");
        List<String> command = new ArrayList<>(List.of(FfmpegSegments.ffmpeg(), "-hide_banner", "-nostdin", "-loglevel",
                "error", "-y"));
        command.addAll(List.of(input));
        command.addAll(List.of("-map", "0", "-c", "copy", plain.toString()));
        FfmpegSegments.run(dir, command);
        return plain;
    }

    /** The pts of a {@link Ffprobe#packetTimes} line. */
    private static long pts(String packet) {
        return Long.parseLong(packet.split(",")[0]);
    }

    /** How much later a packet's pts is after than before; its dts must have moved as much. */
    private static long delta(String before, String after) {
        String[] old = before.split(",");
        String[] now = after.split(",");
        long pts = Long.parseLong(now[0]) - Long.parseLong(old[0]);
        assertThat(Long.parseLong(now[1]) - Long.parseLong(old[1])).as("dts moved as pts").isEqualTo(pts);
        return pts;
    }
}
