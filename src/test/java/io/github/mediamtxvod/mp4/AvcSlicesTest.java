package io.github.mediamtxvod.mp4;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.testing.Ffprobe;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real x264 streams: the display order read from the slice headers is the order FFmpeg's decoder
 * outputs the frames in.
 */
class AvcSlicesTest {
    @TempDir
    Path dir;

    @Test
    void bFramesWithAPyramidAsOurSourcesSendThem() throws Exception {
        // the soak sources' settings: veryfast, 3 B-frames, B-pyramid, adaptive B-frame placement
        assertDecoderOrder(encode("pyramid.mp4", List.of("-preset", "veryfast", "-bf", "3", "-b_strategy", "1")));
    }

    @Test
    void twoBFramesWithoutAPyramid() throws Exception {
        assertDecoderOrder(encode("plain.mp4", List.of("-preset", "ultrafast", "-bf", "2")));
    }

    @Test
    void withoutBFramesTheOrderIsTheDecodeOrder() throws Exception {
        Path file = encode("none.mp4", List.of("-preset", "veryfast", "-bf", "0"));

        int[] ranks = ranks(file).orElseThrow();

        for (int i = 0; i < ranks.length; i++) {
            assertThat(ranks[i]).isEqualTo(i);
        }
    }

    @Test
    void otherCodecsGiveNoOrder() throws Exception {
        Path file = encode("hevc.mp4", List.of("-preset", "ultrafast", "-bf", "2", "-c:v", "libx265",
                "-x265-params", "log-level=error"));

        assertThat(ranks(file)).isEmpty();
    }

    private static void assertDecoderOrder(Path file) throws Exception {
        int[] ranks = ranks(file).orElseThrow();
        List<String> shown = Ffprobe.shownFrames(file);
        assertThat(shown).hasSize(ranks.length);
        boolean reordered = false;
        for (int k = 0; k < shown.size(); k++) {
            int decoded = Integer.parseInt(shown.get(k).split(",")[1]);
            assertThat(ranks[decoded]).as("frame decoded %d, shown %d", decoded, k).isEqualTo(k);
            reordered |= decoded != k;
        }
        assertThat(reordered).as("the stream has B-frames").isTrue();
    }

    private static Optional<int[]> ranks(Path file) throws Exception {
        FragmentIndex index = FragmentIndex.read(FileSegmentSource.of(file, Instant.EPOCH));
        TrackInfo video = index.tracks().stream().filter(TrackInfo::isVideo).findFirst().orElseThrow();
        try (FileChannel channel = FileChannel.open(file)) {
            return AvcSlices.displayRanks(channel, index, video, file.toString());
        }
    }

    /** 4 s of video, fragmented as the recorder writes it, encoded with libx264 and these options. */
    private Path encode(String name, List<String> options) throws Exception {
        List<String> command = new ArrayList<>(List.of(FfmpegSegments.ffmpeg(), "-hide_banner", "-nostdin",
                "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "4",
                "-pix_fmt", "yuv420p", "-g", "50", "-c:v", "libx264"));
        command.addAll(options);
        command.addAll(List.of("-f", "mp4", "-movflags", "+frag_keyframe+empty_moov+default_base_moof",
                "-frag_duration", "1000000", name));
        FfmpegSegments.run(dir, command);
        return dir.resolve(name);
    }
}
