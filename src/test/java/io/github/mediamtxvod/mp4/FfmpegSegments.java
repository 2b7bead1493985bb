package io.github.mediamtxvod.mp4;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Records real segments with real FFmpeg from lavfi test sources. The product's way: encode to a
 * file first (standing in for the RTSP input), then cut it with stream copy and exactly the
 * segment-muxer arguments of {@code recording.FfmpegCommand}; the segment start times come from
 * FFmpeg's own segment list, as the recorder's catalogue takes them. FFmpeg is found as
 * production finds it: {@code FFMPEG_PATH}, else {@code ffmpeg} on the PATH.
 *
 * <p>The input is Matroska, which carries the codec configuration up front as RTSP's SDP does. From
 * MPEG-TS, FFmpeg learns the AAC configuration only from the first packet, so the first segment's
 * sample description lacks it and differs from the later ones'.
 */
final class FfmpegSegments {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    /**
     * What to record.
     *
     * @param gopSeconds        seconds between keyframes
     * @param bFrames           whether the encoder may use B-frames
     * @param codec             {@code libx264} or {@code libx265}; null for no video
     * @param audio             whether to add AAC audio
     * @param segmentSeconds    segment length
     * @param fragmentEverySecond also cut a fragment every second ({@code frag_duration}), so fragments may start
     *                          on a non-keyframe
     * @param size              frame size, {@code WxH}
     * @param fps               frame rate
     * @param input             FFmpeg format of the intermediate input: {@code matroska} or {@code mpegts}
     */
    record Variant(String name, String codec, boolean bFrames, int gopSeconds, boolean audio, int segmentSeconds,
            boolean fragmentEverySecond, String size, int fps, String input) {
        Variant(String name, String codec, boolean bFrames, int gopSeconds, boolean audio, int segmentSeconds,
                boolean fragmentEverySecond) {
            this(name, codec, bFrames, gopSeconds, audio, segmentSeconds, fragmentEverySecond, "320x240", 25,
                    "matroska");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private FfmpegSegments() {}

    /** Records {@code seconds} of {@code variant} into {@code dir} as one session starting at {@code start}. */
    static List<IndexedSource> record(Path dir, Variant variant, Instant start, int seconds)
            throws IOException, InterruptedException, PlaybackException {
        Files.createDirectories(dir);
        Path input = dir.resolve("input." + variant.input());
        List<String> encode = new ArrayList<>(List.of(ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "error",
                "-y"));
        if (variant.codec() != null) {
            encode.addAll(List.of("-f", "lavfi", "-i", "testsrc2=size=" + variant.size() + ":rate=" + variant.fps()));
        }
        if (variant.audio()) {
            encode.addAll(List.of("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"));
        }
        encode.addAll(List.of("-t", Integer.toString(seconds)));
        if (variant.codec() != null) {
            String gop = Integer.toString(variant.gopSeconds() * variant.fps());
            encode.addAll(List.of("-c:v", variant.codec(), "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                    "-g", gop, "-keyint_min", gop, "-sc_threshold", "0", "-bf", variant.bFrames() ? "2" : "0"));
            if (variant.codec().equals("libx265")) {
                encode.addAll(List.of("-x265-params", "log-level=error:scenecut=0:bframes="
                        + (variant.bFrames() ? 2 : 0)));
            }
        }
        if (variant.audio()) {
            encode.addAll(List.of("-c:a", "aac", "-b:a", "64k"));
        }
        encode.addAll(List.of("-f", variant.input(), input.toString()));
        run(dir, encode);

        String movflags = "movflags=+frag_keyframe+empty_moov+default_base_moof"
                + (variant.fragmentEverySecond() ? ":frag_duration=1000000" : "");
        // recording.FfmpegCommand's arguments for the mp4 format with audio copy, reading the file
        run(dir, List.of(ffmpeg(), "-hide_banner", "-nostats", "-loglevel", "level+warning", "-nostdin",
                "-i", input.toString(), "-map", "0:v?", "-map", "0:a?", "-c:a", "copy", "-c:v", "copy", "-dn", "-sn",
                "-f", "segment", "-segment_time", Integer.toString(variant.segmentSeconds()),
                "-segment_format", "mp4", "-reset_timestamps", "1", "-segment_list", ".segments.csv",
                "-segment_list_type", "csv", "-segment_format_options", movflags, "segment_%03d.mp4"));
        Files.delete(input);
        List<IndexedSource> sources = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve(".segments.csv"), UTF_8)) {
            String[] fields = line.split(",");
            Instant at = start.plusNanos(new BigDecimal(fields[1]).movePointRight(9).longValueExact());
            sources.add(IndexedSource.read(FileSegmentSource.of(dir.resolve(fields[0]), at)));
        }
        return sources;
    }

    static String ffmpeg() {
        String configured = System.getenv("FFMPEG_PATH");
        return configured == null || configured.isBlank() ? "ffmpeg" : configured;
    }

    /** Runs a command in {@code dir}; output goes to a file, so nothing can block on a full pipe. */
    static void run(Path dir, List<String> command) throws IOException, InterruptedException {
        Path log = Files.createTempFile(dir, "ffmpeg-", ".log");
        Process process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!process.waitFor(TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new IOException("timed out after " + TIMEOUT + ": " + String.join(" ", command));
            }
            String output = Files.readString(log, UTF_8);
            if (process.exitValue() != 0 || !output.isBlank()) {
                throw new IOException("exit status " + process.exitValue() + " and output " + output + " from "
                        + String.join(" ", command));
            }
        } finally {
            process.destroyForcibly();
            Files.delete(log);
        }
    }
}
