package io.github.mediamtxvod.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mediamtxvod.testing.Ffprobe;
import io.github.mediamtxvod.testing.Pipeline;
import io.github.mediamtxvod.testing.RecorderProcess;
import io.github.mediamtxvod.testing.RtspTestServer;
import io.github.mediamtxvod.testing.SharedRtspServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * RECORDINGS_DIR on a 16 MiB tmpfs that FFmpeg fills: the stream waits (no restart loop) and shows
 * WAITING_FOR_DISK, every file left decodes cleanly, and once space is freed it records again by
 * itself. Needs root to mount; skipped with a message elsewhere.
 */
class DiskFullIT {
    private static final String PATH = "disk/cam";
    private static final long MIB = 1024 * 1024;

    @RegisterExtension
    static final SharedRtspServer RTSP = new SharedRtspServer();

    @TempDir
    Path workDir;

    private Pipeline pipeline;
    private Path mount;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        pipeline = Pipeline.on(RTSP.server(), workDir);
        mount = Files.createDirectories(pipeline.recordingsDir());
        int status = run("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mount.toString());
        Assumptions.assumeTrue(status == 0, "cannot mount a tmpfs at " + mount
                + " (needs root, as CI runs); the full-disk test is skipped");
    }

    @AfterEach
    void unmount() throws Exception {
        pipeline.close();
        if (mount != null) {
            run("umount", mount.toString());
        }
    }

    @Test
    void aStreamThatFilledTheDiskWaitsAndRecordsAgainOnceSpaceIsFreed() throws Exception {
        // leave about 4 MiB: 15 s of this stream
        Path filler = mount.resolve("filler.bin");
        fill(filler, Files.getFileStore(mount).getUsableSpace() - 4 * MIB);
        pipeline.publishLive(PATH);
        RecorderProcess recorder = pipeline.startRecorder("disk-full", Map.of());

        await("the stream waits for disk space").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .until(() -> state(recorder).equals("WAITING_FOR_DISK"));
        int sessionsWhenFull = pipeline.sessionDirs(PATH).size();
        assertThat(Pipeline.ffmpegChildren(recorder)).as("no ffmpeg while the disk is full").isEmpty();
        for (Path file : pipeline.segmentFiles(PATH)) {
            assertThat(Ffprobe.decodeErrors(file)).as("decode errors in %s", file).isEmpty();
        }

        Files.delete(filler);
        await("recording again").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> pipeline.sessionDirs(PATH).size() > sessionsWhenFull
                        && Pipeline.segmentFiles(pipeline.sessionDirs(PATH).getLast()).size() >= 3);

        assertThat(state(recorder)).isEqualTo("RECORDING");
        String output = recorder.output();
        assertThat(output).contains("disk/cam - the disk is full", "Free disk space is back");
        assertThat(output.lines().filter(line -> line.contains("the disk is full"))).as("no flood").hasSize(1);
        assertThat(sessionsWhenFull).as("no restart loop against the full disk").isLessThanOrEqualTo(2);
    }

    private String state(RecorderProcess recorder) throws IOException, InterruptedException {
        JsonNode recording = pipeline.getJson(recorder, "/api/status", 200).path("recording");
        return recording.isEmpty() ? "" : recording.path(0).path("state").asText();
    }

    private static void fill(Path file, long bytes) throws IOException {
        byte[] block = new byte[(int) MIB];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = bytes; left > 0; left -= block.length) {
                out.write(block, 0, (int) Math.min(left, block.length));
            }
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }
}
