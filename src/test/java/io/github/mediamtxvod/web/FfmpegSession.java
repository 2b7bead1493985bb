package io.github.mediamtxvod.web;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.github.mediamtxvod.recording.OutputFormat;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.recording.SegmentLayout;
import io.github.mediamtxvod.recording.Session;
import io.github.mediamtxvod.recording.SessionFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
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

    /** Records the session's segment files with FFmpeg and returns them as the recorder's scan reads them. */
    static List<Segment> record(Path recordingsDir, String stream, Instant start, int segments, int segmentSeconds)
            throws IOException, InterruptedException {
        Session session = SessionFiles.create(recordingsDir, stream, start, OutputFormat.MP4);
        Path folder = session.dir(recordingsDir);
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
        return SessionFiles.scan(recordingsDir, folder);
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
