package io.github.mediamtxvod.web;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.github.mediamtxvod.catalog.SegmentLayout;
import io.github.mediamtxvod.config.OutputFormat;
import io.github.mediamtxvod.web.RecorderView.Segment;
import io.github.mediamtxvod.web.RecorderView.Session;
import io.github.mediamtxvod.web.RecorderView.UploadState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes a real recording session with real FFmpeg, in the recorder's folder layout: H.264 test
 * video with one-second GOPs and AAC audio, cut into fragmented MP4 segments (each with its own
 * init segment),
 * plus {@code .segments.csv} and {@code .session.json}. Segment durations come from ffprobe.
 */
final class FfmpegSession {
    private FfmpegSession() {}

    static Session record(Path recordingsDir, String stream, Instant start, int segments, int segmentSeconds)
            throws IOException, InterruptedException {
        Path folder = SegmentLayout.sessionDir(recordingsDir, stream, start);
        Files.createDirectories(folder);
        run(folder, "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin",
                "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                "-t", Integer.toString(segments * segmentSeconds),
                "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
                "-g", "25", "-keyint_min", "25", "-sc_threshold", "0",
                "-c:a", "aac", "-b:a", "64k",
                "-f", "segment", "-segment_time", Integer.toString(segmentSeconds), "-reset_timestamps", "1",
                "-segment_format", "mp4",
                "-segment_format_options", "movflags=+frag_keyframe+empty_moov+default_base_moof",
                "-segment_list", ".segments.csv", "-segment_list_type", "csv",
                SegmentLayout.segmentFilePattern(OutputFormat.MP4));
        Files.writeString(folder.resolve(".session.json"),
                "{\"stream\":\"" + stream + "\",\"sessionStart\":\"" + start + "\",\"format\":\"mp4\"}\n");
        String sessionPath = SegmentLayout.sessionPath(stream, start);
        List<Segment> list = new ArrayList<>();
        Instant segmentStart = start;
        for (int i = 0; i < segments; i++) {
            String name = SegmentLayout.segmentFileName(i, OutputFormat.MP4);
            Path file = folder.resolve(name);
            Duration duration = probeDuration(file);
            list.add(new Segment(i, segmentStart, duration, Files.size(file), UploadState.LOCAL_ONLY, true,
                    sessionPath + "/" + name));
            segmentStart = segmentStart.plus(duration);
        }
        return new Session(stream, start, OutputFormat.MP4, sessionPath, false, list);
    }

    private static Duration probeDuration(Path file) throws IOException, InterruptedException {
        String seconds = run(file.getParent(), "ffprobe", "-v", "error", "-show_entries", "format=duration",
                "-of", "default=noprint_wrappers=1:nokey=1", file.getFileName().toString()).trim();
        return Duration.ofNanos(Math.round(Double.parseDouble(seconds) * 1e9));
    }

    private static String run(Path directory, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(command[0] + " failed: " + new String(output, UTF_8));
        }
        return new String(output, UTF_8);
    }
}
