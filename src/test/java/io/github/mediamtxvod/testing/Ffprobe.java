package io.github.mediamtxvod.testing;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real ffprobe and ffmpeg to inspect media files in tests.
 *
 * <p>ffprobe is found as {@code FFPROBE_PATH}, else next to {@code FFMPEG_PATH} when that is a path,
 * else {@code ffprobe} on the PATH. Stateless and thread-safe; every call starts and reaps its own
 * process with a deadline.
 */
public final class Ffprobe {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration DECODE_TIMEOUT = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private Ffprobe() {
    }

    /**
     * What ffprobe saw in a file or stream.
     *
     * @param codecsByType codec names per codec type ("video", "audio", ...), in stream order
     * @param duration     the container duration, null when ffprobe reports none
     * @param startTime    the container start time (first timestamp), null when ffprobe reports none
     * @param errors       what ffprobe wrote to standard error, plus {@code exit status N} when it failed
     */
    public record ProbeResult(Map<String, List<String>> codecsByType, Duration duration, Duration startTime,
            List<String> errors) {
        public ProbeResult {
            requireNonNull(codecsByType, "codecsByType is null");
            requireNonNull(errors, "errors is null");
            Map<String, List<String>> copy = new LinkedHashMap<>();
            codecsByType.forEach((type, codecs) -> copy.put(type, List.copyOf(codecs)));
            codecsByType = Collections.unmodifiableMap(copy);
            errors = List.copyOf(errors);
        }

        /** Codec names of one type ("video", "audio"), empty when there is none. */
        public List<String> codecs(String codecType) {
            return codecsByType.getOrDefault(codecType, List.of());
        }

        public List<String> videoCodecs() {
            return codecs("video");
        }

        public List<String> audioCodecs() {
            return codecs("audio");
        }

        /** Has an h264 video stream and a positive duration. */
        public boolean playable() {
            return videoCodecs().contains("h264") && duration != null && duration.isPositive();
        }
    }

    /**
     * Probes a file: {@code ffprobe -v error -show_entries format=duration,start_time:stream=codec_type,codec_name}.
     * A file ffprobe cannot read gives a result with no codecs and the errors, not an exception.
     */
    public static ProbeResult probe(Path file) {
        return probe(List.of(file.toString()));
    }

    /**
     * The end of the file's longest track, from the file's zero: for a fragmented MP4 FFmpeg gives
     * each track's duration up to its last sample's end. Unlike the container's duration it does not
     * count a track that starts later than another twice (the first segment of a stream whose leading
     * frames were re-timed may start its video up to a second after its audio; the container's
     * duration then adds that start to the video's end).
     */
    public static Duration longestTrack(Path file) {
        Outcome outcome = run(List.of(ffprobe(), "-v", "error", "-show_entries", "stream=duration", "-of", "csv=p=0",
                file.toString()), PROBE_TIMEOUT);
        double longest = outcome.stdout().lines().map(String::strip).filter(line -> !line.isEmpty() && !"N/A".equals(line))
                .mapToDouble(Double::parseDouble).max().orElseThrow();
        return Duration.ofNanos(Math.round(longest * 1e9));
    }

    /**
     * How long after the file's first timestamp its first video stream starts (zero when the video
     * starts first or at once).
     */
    public static Duration videoStart(Path file) {
        Outcome outcome = run(List.of(ffprobe(), "-v", "error", "-show_entries",
                "format=start_time:stream=codec_type,start_time", "-of", "csv=p=0", file.toString()), PROBE_TIMEOUT);
        double video = Double.NaN;
        double first = Double.NaN;
        for (String line : outcome.stdout().lines().map(String::strip).toList()) {
            String[] fields = line.split(",");
            if (fields.length == 2 && fields[0].equals("video") && Double.isNaN(video)) {
                video = Double.parseDouble(fields[1]);
            } else if (fields.length == 1 && !fields[0].isEmpty() && !fields[0].equals("N/A")) {
                first = Double.parseDouble(fields[0]);
            }
        }
        if (Double.isNaN(video) || Double.isNaN(first)) {
            throw new IllegalStateException("ffprobe finds no video start in " + file + ": " + outcome.stdout()
                    + outcome.stderr());
        }
        return Duration.ofNanos(Math.round(Math.max(0, video - first) * 1e9));
    }

    /** Probes an RTSP stream over TCP; waits as long as the server lets DESCRIBE wait. */
    public static ProbeResult probe(URI rtspUrl) {
        return probe(List.of("-rtsp_transport", "tcp", rtspUrl.toString()));
    }

    /**
     * Decodes the whole file ({@code ffmpeg -v error -i file -f null -}) and returns the error
     * lines; empty means every frame decoded cleanly. A non-zero exit adds a line {@code exit
     * status N}. Every line counts, the null muxer's {@code non monotonically increasing dts}
     * too: the product promises that every file it keeps or serves passes this check.
     */
    public static List<String> decodeErrors(Path file) {
        return decodeErrors(file.toString(), false);
    }

    /** As {@link #decodeErrors(Path)} for a URL, such as an HLS playlist over HTTP. */
    public static List<String> decodeErrors(URI url) {
        return decodeErrors(url.toString(), false);
    }

    /**
     * As {@link #decodeErrors(Path)}, leaving out the null muxer's own lines ({@code [null @ ...]
     * ... non monotonically increasing dts}): for a file FFmpeg wrote from an RTSP source without
     * the recorder's timing repair, whose first frames can round two to one slot of the frame grid,
     * and for a check that a file is broken, which such a line alone must not satisfy.
     */
    public static List<String> decodeErrorsBesidesFrameGrid(Path file) {
        return decodeErrors(file.toString(), true);
    }

    /** Probes a file or URL that is not RTSP, such as an HLS playlist over HTTP. */
    public static ProbeResult probeInput(String input) {
        return probe(List.of(input));
    }

    private static List<String> decodeErrors(String input, boolean skipNullMuxer) {
        Outcome outcome = run(List.of(PublisherCommand.ffmpeg(), "-nostdin", "-v", "error", "-i", input,
                "-f", "null", "-"), DECODE_TIMEOUT);
        List<String> errors = new ArrayList<>(outcome.stderr().stream()
                .filter(line -> !skipNullMuxer
                        || !line.startsWith("[null @") && !line.strip().startsWith("Last message repeated"))
                .toList());
        if (outcome.exitStatus() != 0) {
            errors.add("exit status " + outcome.exitStatus());
        }
        return errors;
    }

    /**
     * How many packets of one stream a file holds ({@code ffprobe -count_packets}), e.g. {@code
     * "v:0"} or {@code "a:0"}; 0 when there is no such stream. Media time from packet counts is
     * immune to the timestamp jumps of an RTSP start, which skew ffprobe's durations.
     */
    public static long packets(Path file, String streamSpecifier) {
        Outcome outcome = run(List.of(ffprobe(), "-v", "error", "-select_streams", streamSpecifier, "-count_packets",
                "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", file.toString()), PROBE_TIMEOUT);
        String count = outcome.stdout().strip();
        if (outcome.exitStatus() != 0) {
            throw new IllegalStateException("ffprobe cannot count the packets of " + file + ": " + outcome.stderr());
        }
        return count.isEmpty() ? 0 : Long.parseLong(count.lines().findFirst().orElse("0").strip());
    }

    /**
     * The frame rate FFmpeg guesses for the first video stream ({@code r_frame_rate}, e.g. {@code
     * "25/1"}); a decoder that outputs at the frame rate rounds each frame to a grid of it.
     */
    public static String guessedFrameRate(Path file) {
        Outcome outcome = run(List.of(ffprobe(), "-v", "error", "-select_streams", "v:0", "-show_entries",
                "stream=r_frame_rate", "-of", "csv=p=0", file.toString()), PROBE_TIMEOUT);
        if (outcome.exitStatus() != 0) {
            throw new IllegalStateException("ffprobe cannot read the frame rate of " + file + ": " + outcome.stderr());
        }
        return outcome.stdout().strip();
    }

    /**
     * The {@code pts,dts} of every packet of one stream, in file order, in the stream's time base
     * ({@code ffprobe -show_entries packet=pts,dts}).
     */
    public static List<String> packetTimes(Path file, String streamSpecifier) {
        Outcome outcome = run(List.of(ffprobe(), "-v", "error", "-select_streams", streamSpecifier,
                "-show_entries", "packet=pts,dts", "-of", "csv=p=0", file.toString()), PROBE_TIMEOUT);
        if (outcome.exitStatus() != 0) {
            throw new IllegalStateException("ffprobe cannot list the packets of " + file + ": " + outcome.stderr());
        }
        return outcome.stdout().lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
    }

    /**
     * The pts of every packet of one stream in seconds, in file order ({@code ffprobe -show_entries
     * packet=pts_time}); packets without a pts are left out.
     */
    public static List<Double> packetSeconds(Path file, String streamSpecifier) {
        Outcome outcome = run(List.of(ffprobe(), "-v", "error", "-select_streams", streamSpecifier,
                "-show_entries", "packet=pts_time", "-of", "csv=p=0", file.toString()), PROBE_TIMEOUT);
        if (outcome.exitStatus() != 0) {
            throw new IllegalStateException("ffprobe cannot list the packets of " + file + ": " + outcome.stderr());
        }
        return outcome.stdout().lines().map(String::strip).filter(line -> !line.isEmpty() && !"N/A".equals(line))
                .map(Double::valueOf).toList();
    }

    /**
     * Where the timestamps of a file's first video and audio stream step by more than 0.2 s, or
     * back, for the description of a failed check: {@code "v:0 +1.537 s at 0.120 s"}, empty when
     * nowhere.
     */
    public static String timestampJumps(Path file) {
        List<String> jumps = new ArrayList<>();
        for (String stream : List.of("v:0", "a:0")) {
            List<Double> times = packetSeconds(file, stream);
            for (int i = 1; i < times.size(); i++) {
                double step = times.get(i) - times.get(i - 1);
                if (step > 0.2 || step < 0) {
                    jumps.add(String.format(Locale.ROOT, "%s %+.3f s at %.3f s", stream, step, times.get(i - 1)));
                }
            }
        }
        return String.join(", ", jumps);
    }

    /**
     * The pts of every frame of the first video stream in the order the decoder outputs them
     * ({@code ffprobe -show_entries frame=pts}), followed by the {@code coded_picture_number} (its
     * place in decode order): {@code "pts,number"}. A decoder outputs pictures in the order the
     * bitstream shows them, so the pts rise when the timestamps agree with that order.
     */
    public static List<String> shownFrames(Path file) {
        Outcome outcome = run(List.of(ffprobe(), "-v", "error", "-select_streams", "v:0",
                "-show_entries", "frame=pts,coded_picture_number", "-of", "csv=p=0", file.toString()), PROBE_TIMEOUT);
        if (outcome.exitStatus() != 0) {
            throw new IllegalStateException("ffprobe cannot list the frames of " + file + ": " + outcome.stderr());
        }
        return outcome.stdout().lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
    }

    private static ProbeResult probe(List<String> input) {
        List<String> command = new ArrayList<>(List.of(ffprobe(), "-v", "error",
                "-show_entries", "format=duration,start_time:stream=codec_type,codec_name", "-of", "json"));
        command.addAll(input);
        Outcome outcome = run(command, PROBE_TIMEOUT);
        List<String> errors = new ArrayList<>(outcome.stderr());
        if (outcome.exitStatus() != 0) {
            errors.add("exit status " + outcome.exitStatus());
        }
        Map<String, List<String>> codecs = new LinkedHashMap<>();
        Duration duration = null;
        Duration startTime = null;
        if (!outcome.stdout().isBlank()) {
            JsonNode root = parse(outcome.stdout());
            for (JsonNode stream : root.path("streams")) {
                String type = stream.path("codec_type").asText("unknown");
                codecs.computeIfAbsent(type, t -> new ArrayList<>()).add(stream.path("codec_name").asText("unknown"));
            }
            duration = seconds(root.path("format").path("duration").asText(""));
            startTime = seconds(root.path("format").path("start_time").asText(""));
        }
        return new ProbeResult(codecs, duration, startTime, errors);
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("ffprobe printed no valid JSON: " + json, e);
        }
    }

    private static Duration seconds(String text) {
        try {
            BigDecimal seconds = new BigDecimal(text);
            return Duration.ofNanos(seconds.movePointRight(9).longValue());
        } catch (NumberFormatException e) {
            // "N/A" or absent: ffprobe knows no duration.
            return null;
        }
    }

    private static String ffprobe() {
        String configured = System.getenv("FFPROBE_PATH");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        Path ffmpeg = Path.of(PublisherCommand.ffmpeg());
        return ffmpeg.getParent() == null ? "ffprobe" : ffmpeg.resolveSibling("ffprobe").toString();
    }

    private record Outcome(int exitStatus, String stdout, List<String> stderr) {
    }

    private static Outcome run(List<String> command, Duration timeout) {
        Path stdoutFile;
        Path stderrFile;
        Process process;
        try {
            // output goes to files, not pipes: nothing to drain, nothing to hang on once it exits
            stdoutFile = Files.createTempFile("ffprobe-", ".out");
            stderrFile = Files.createTempFile("ffprobe-", ".err");
            process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(stdoutFile.toFile())
                    .redirectError(stderrFile.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        }
        ChildProcess.track(process);
        try {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out after " + timeout + ": " + String.join(" ", command));
            }
            String errors = Files.readString(stderrFile, StandardCharsets.UTF_8);
            String output = Files.readString(stdoutFile, StandardCharsets.UTF_8);
            return new Outcome(process.exitValue(), output, errors.isBlank() ? List.of() : errors.lines().toList());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the output of " + String.join(" ", command), e);
        } finally {
            deleteQuietly(stdoutFile);
            deleteQuietly(stderrFile);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a temporary file left behind does no harm
        }
    }
}
