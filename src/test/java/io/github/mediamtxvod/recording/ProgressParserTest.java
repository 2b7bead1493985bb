package io.github.mediamtxvod.recording;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProgressParserTest {
    /** A block as FFmpeg 5.1 prints it for audio and video (measured). */
    private static final String AV_BLOCK = """
            frame=748
            fps=25.19
            stream_0_0_q=-1.0
            bitrate=N/A
            total_size=N/A
            out_time_us=29788521
            out_time_ms=29788521
            out_time=00:00:29.788521
            dup_frames=0
            drop_frames=0
            speed=   1x
            progress=continue
            """;
    /** Audio-only blocks have no frame, fps or stream lines. */
    private static final String AUDIO_BLOCK = """
            bitrate=N/A
            total_size=N/A
            out_time_us=1002667
            out_time_ms=1002667
            out_time=00:00:01.002667
            dup_frames=0
            drop_frames=0
            speed=1.01x
            progress=continue
            """;

    private record Block(long outTimeUs, long frames, boolean end) {
        Block(long outTimeUs, boolean end) {
            this(outTimeUs, ProgressParser.UNKNOWN, end);
        }
    }

    private final List<Block> blocks = new ArrayList<>();
    private final List<String> logLines = new ArrayList<>();
    private final ProgressParser parser =
            new ProgressParser((outTimeUs, frames, end) -> blocks.add(new Block(outTimeUs, frames, end)), logLines::add);

    @Test
    void readsOutTimeOfEachBlockAndTheEndOfTheLast() {
        feed(AV_BLOCK + AV_BLOCK.replace("29788521", "30788521").replace("progress=continue", "progress=end"));

        assertThat(blocks).containsExactly(new Block(29_788_521, 748, false), new Block(30_788_521, 748, true));
    }

    @Test
    void aStreamCopyWaitingForItsFirstKeyframeReportsNoFramesWhileAudioMovesTheTimeOn() {
        feed(AV_BLOCK.replace("frame=748", "frame=0").replace("29788521", "1538667") + AV_BLOCK);

        assertThat(blocks).containsExactly(new Block(1_538_667, 0, false), new Block(29_788_521, 748, false));
    }

    @Test
    void readsAudioOnlyBlocks() {
        feed(AUDIO_BLOCK);

        assertThat(blocks).containsExactly(new Block(1_002_667, false));
    }

    @Test
    void anyChunkingGivesTheSameBlocks() {
        String text = AV_BLOCK + AUDIO_BLOCK + AV_BLOCK.replace("progress=continue", "progress=end");
        byte[] bytes = text.getBytes(US_ASCII);
        feed(text);
        List<Block> whole = List.copyOf(blocks);
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            blocks.clear();
            ProgressParser chunked =
                    new ProgressParser((outTimeUs, frames, end) -> blocks.add(new Block(outTimeUs, frames, end)), line -> { });
            int position = 0;
            while (position < bytes.length) {
                int count = Math.min(bytes.length - position, 1 + random.nextInt(40));
                chunked.feed(bytes, position, count);
                position += count;
            }
            assertThat(blocks).isEqualTo(whole);
        }
        assertThat(whole).hasSize(3);
    }

    @Test
    void aBlockWithoutUsableOutTimeSaysUnknown() {
        feed("out_time_us=N/A\nprogress=continue\n");
        feed("out_time_us=-9223372036854775807\nprogress=continue\n");
        feed("progress=continue\n");
        feed("out_time_us=12a4\nprogress=continue\n");
        feed("out_time_us=\nprogress=continue\n");
        feed("out_time_us=99999999999999999999999\nprogress=continue\n");

        assertThat(blocks).extracting(Block::outTimeUs).containsOnly(ProgressParser.UNKNOWN).hasSize(6);
    }

    @Test
    void outTimeDoesNotLeakIntoTheNextBlock() {
        feed("out_time_us=5000000\nprogress=continue\nframe=3\nprogress=continue\n");

        assertThat(blocks).containsExactly(new Block(5_000_000, false), new Block(ProgressParser.UNKNOWN, 3, false));
    }

    @Test
    void outTimeMsIsNotMistakenForOutTimeUs() {
        feed("out_time_ms=7000000\nout_time=00:00:07.000000\nprogress=continue\n");

        assertThat(blocks).containsExactly(new Block(ProgressParser.UNKNOWN, false));
    }

    @Test
    void carriageReturnsAreIgnoredAndOverlongLinesSkipped() {
        feed("out_time_us=1000\r\nprogress=end\r\n");
        feed("x".repeat(ProgressParser.MAX_LINE * 3) + "\nout_time_us=2000\nprogress=continue\n");
        feed("out_time_us=" + "1".repeat(ProgressParser.MAX_LINE) + "\nprogress=continue\n");

        assertThat(blocks).containsExactly(new Block(1000, true), new Block(2000, false),
                new Block(ProgressParser.UNKNOWN, false));
        assertThat(logLines).containsExactly("x".repeat(ProgressParser.MAX_LINE) + "...",
                "out_time_us=" + "1".repeat(ProgressParser.MAX_LINE - 12) + "...");
    }

    @Test
    void logLinesMergedFromStderrAreHandedOnAndNeverTakenForProgress() {
        feed("[rtsp @ 0x55d0] [warning] max delay reached. need to consume packet\n"
                + AUDIO_BLOCK.replace("progress=continue\n", "")
                + "[segment @ 0x55d1] [error] progress=end out_time_us=1\n"
                + "Error writing trailer: No space left on device\r\n"
                + "progress=continue\n\n");

        assertThat(blocks).containsExactly(new Block(1_002_667, false));
        assertThat(logLines).containsExactly("[rtsp @ 0x55d0] [warning] max delay reached. need to consume packet",
                "[segment @ 0x55d1] [error] progress=end out_time_us=1",
                "Error writing trailer: No space left on device");
    }

    @Test
    void noiseNeverThrowsAndAnUnclosedBlockGivesNothing() {
        Random random = new Random(11);
        byte[] noise = new byte[100_000];
        random.nextBytes(noise);
        parser.feed(noise, 0, noise.length);
        feed("\nout_time_us=42\n");

        assertThat(blocks).allSatisfy(block -> assertThat(block.outTimeUs()).isGreaterThanOrEqualTo(-1));
        assertThat(blocks).noneMatch(block -> block.outTimeUs() == 42);
    }

    private void feed(String text) {
        byte[] bytes = text.getBytes(US_ASCII);
        parser.feed(bytes, 0, bytes.length);
    }
}
