package io.github.mediamtxvod.mp4;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.testing.Ffprobe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real FFmpeg files: a source whose first GOP's timestamps run fast (frames 24 ms apart instead of
 * 40, as a server still locking onto its publisher's clock gives them) is written exactly as the
 * recorder writes a segment; the strict decode check fails on it, and passes after the repair.
 */
class LeadingTimingTest {
    /** The first GOP (25 frames) at 0.6 of its real pace: frames 24 ms apart. */
    private static final String FAST_FIRST_GOP = "setts=pts=if(lt(N\\,25)\\,PTS*0.6\\,PTS)"
            + ":dts=if(lt(N\\,25)\\,DTS*0.6\\,DTS)";

    @TempDir
    Path dir;

    @Test
    void fastFirstGopWithBFramesDecodesCleanlyAfterTheRepair() throws Exception {
        Path file = segment("libx264", true, true, FAST_FIRST_GOP);
        assertThat(Ffprobe.allDecodeErrors(file)).as("the file as FFmpeg wrote it").isNotEmpty();
        long size = Files.size(file);
        List<String> before = Ffprobe.packetTimes(file, "v:0");
        List<String> audio = Ffprobe.packetTimes(file, "a:0");

        Optional<LeadingTiming.Repair> repair = LeadingTiming.repair(file);

        assertThat(repair).isPresent();
        assertThat(repair.get().samples()).isEqualTo(25);
        assertThat(repair.get().frame().toMillis()).isEqualTo(40);
        assertThat(Ffprobe.allDecodeErrors(file)).isEmpty();
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
    void fastFirstGopOfH265WithBFramesIsRepaired() throws Exception {
        Path file = segment("libx265", true, false, FAST_FIRST_GOP);

        assertThat(LeadingTiming.repair(file)).isPresent();

        assertThat(Ffprobe.allDecodeErrors(file)).isEmpty();
    }

    @Test
    void fastFirstGopWithoutBFramesIsRepaired() throws Exception {
        Path file = segment("libx264", false, true, FAST_FIRST_GOP);
        assertThat(Ffprobe.allDecodeErrors(file)).isNotEmpty();

        assertThat(LeadingTiming.repair(file)).isPresent();

        assertThat(Ffprobe.allDecodeErrors(file)).isEmpty();
    }

    @Test
    void steadyFilesAreNotWritten() throws Exception {
        for (boolean bFrames : new boolean[] {true, false}) {
            Path file = segment("libx264", bFrames, true, null);
            byte[] bytes = Files.readAllBytes(file);

            assertThat(LeadingTiming.repair(file)).as("B-frames %s", bFrames).isEmpty();

            assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
        }
    }

    @Test
    void audioOnlyIsNotWritten() throws Exception {
        Path file = segment(null, false, true, null);
        byte[] bytes = Files.readAllBytes(file);

        assertThat(LeadingTiming.repair(file)).isEmpty();

        assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
    }

    /** A 4 s segment as the recorder writes it, from a source whose video timestamps went through {@code bsf}. */
    private Path segment(String codec, boolean bFrames, boolean audio, String bsf) throws Exception {
        Path work = Files.createTempDirectory(dir, "segment");
        List<String> encode = new ArrayList<>(List.of(FfmpegSegments.ffmpeg(), "-hide_banner", "-nostdin",
                "-loglevel", "error", "-y"));
        if (codec != null) {
            encode.addAll(List.of("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25"));
        }
        if (audio) {
            encode.addAll(List.of("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"));
        }
        encode.addAll(List.of("-t", "4"));
        if (codec != null) {
            encode.addAll(List.of("-c:v", codec, "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "25",
                    "-keyint_min", "25", "-sc_threshold", "0", "-bf", bFrames ? "2" : "0"));
            if (codec.equals("libx265")) {
                encode.addAll(List.of("-x265-params", "log-level=error:scenecut=0:bframes=" + (bFrames ? 2 : 0)));
            }
        }
        if (audio) {
            encode.addAll(List.of("-c:a", "aac", "-b:a", "64k"));
        }
        encode.add("input.mkv");
        FfmpegSegments.run(work, encode);
        List<String> copy = new ArrayList<>(List.of(FfmpegSegments.ffmpeg(), "-hide_banner", "-nostdin",
                "-loglevel", "error", "-y", "-i", "input.mkv", "-map", "0", "-c", "copy"));
        if (bsf != null) {
            copy.addAll(List.of("-bsf:v", bsf));
        }
        copy.addAll(List.of("-f", "mp4", "-movflags", "+frag_keyframe+empty_moov+default_base_moof",
                "-frag_duration", "1000000", "segment.mp4"));
        FfmpegSegments.run(work, copy);
        return work.resolve("segment.mp4");
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
