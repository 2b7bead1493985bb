package io.github.mediamtxvod.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * FFmpeg argument lists of the test publishers. Pure: builds argv, runs nothing.
 *
 * <p>Live sources are {@code testsrc2} 640x360@25 (plus a {@code sine} tone), libx264 ultrafast
 * with zero latency and a GOP of exactly 1 s, sent in real time ({@code -re}) as MPEG-TS to a
 * loopback UDP port in 1316-byte datagrams (7 TS packets); {@link RtspTestServer.Shape} names the
 * other shapes (audio only, a 10 s GOP, 100 kbit/s, B-frames).
 */
final class PublisherCommand {
    private static final String VIDEO_SOURCE = "testsrc2=size=640x360:rate=25";
    private static final String AUDIO_SOURCE = "sine=frequency=440:sample_rate=48000";

    private final List<String> inputAndCodecs;

    private PublisherCommand(List<String> inputAndCodecs) {
        this.inputAndCodecs = List.copyOf(inputAndCodecs);
    }

    static PublisherCommand liveTestSource(boolean withAudio) {
        return new PublisherCommand(testSource(withAudio, true));
    }

    /** A live source of the given shape, ending by itself after {@code length} (null: never). */
    static PublisherCommand liveTestSource(RtspTestServer.Shape shape, Duration length) {
        List<String> args = switch (shape) {
            case AUDIO_VIDEO -> testSource(true, true);
            case VIDEO_ONLY -> testSource(false, true);
            case AUDIO_ONLY -> audioOnly();
            case LONG_GOP -> withVideoOptions(testSource(true, true), List.of("-g", "250", "-keyint_min", "250"));
            case LOW_BITRATE -> withVideoOptions(testSource(false, true), List.of("-g", "50", "-keyint_min", "50",
                    "-b:v", "100k", "-maxrate", "100k", "-bufsize", "200k"));
            // later options win: x264's own B-frame decisions instead of ultrafast's and zerolatency's none
            case B_FRAMES -> withVideoOptions(testSource(true, true), List.of("-preset", "veryfast", "-tune", "film",
                    "-profile:v", "high", "-bf", "3"));
        };
        if (length != null) {
            args = new ArrayList<>(args);
            args.addAll(List.of("-t", Double.toString(length.toMillis() / 1000.0)));
        }
        return new PublisherCommand(args);
    }

    static PublisherCommand loopFile(Path preEncodedTs) {
        return new PublisherCommand(List.of("-stream_loop", "-1", "-re", "-i", preEncodedTs.toString(),
                "-map", "0", "-c", "copy"));
    }

    /** The whole argv that publishes to udpPort on loopback. */
    List<String> command(int udpPort) {
        List<String> command = new ArrayList<>(List.of(ffmpeg(), "-hide_banner", "-nostats", "-loglevel", "info"));
        command.addAll(inputAndCodecs);
        command.addAll(List.of("-f", "mpegts", "udp://127.0.0.1:" + udpPort + "?pkt_size=1316"));
        return command;
    }

    static List<String> encodeSample(Path target, Duration length) {
        List<String> command = new ArrayList<>(List.of(ffmpeg(), "-hide_banner", "-nostdin", "-nostats",
                "-loglevel", "warning", "-y"));
        command.addAll(testSource(true, false));
        command.addAll(List.of("-t", Double.toString(length.toMillis() / 1000.0), "-f", "mpegts", target.toString()));
        return command;
    }

    /** FFmpeg as production finds it: FFMPEG_PATH, else {@code ffmpeg} on the PATH. */
    static String ffmpeg() {
        String configured = System.getenv("FFMPEG_PATH");
        return configured == null || configured.isBlank() ? "ffmpeg" : configured;
    }

    private static List<String> testSource(boolean withAudio, boolean realTime) {
        List<String> args = new ArrayList<>();
        addLavfiInput(args, VIDEO_SOURCE, realTime);
        if (withAudio) {
            addLavfiInput(args, AUDIO_SOURCE, realTime);
        }
        args.addAll(List.of("-map", "0:v"));
        if (withAudio) {
            args.addAll(List.of("-map", "1:a"));
        }
        args.addAll(List.of("-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency",
                "-pix_fmt", "yuv420p", "-g", "25", "-keyint_min", "25", "-sc_threshold", "0"));
        if (withAudio) {
            args.addAll(List.of("-c:a", "aac", "-b:a", "64k"));
        }
        return args;
    }

    private static List<String> audioOnly() {
        List<String> args = new ArrayList<>();
        addLavfiInput(args, AUDIO_SOURCE, true);
        args.addAll(List.of("-map", "0:a", "-c:a", "aac", "-b:a", "64k"));
        return args;
    }

    /** The arguments with the video options after the ones that set a GOP of 1 s: later ones win. */
    private static List<String> withVideoOptions(List<String> args, List<String> videoOptions) {
        List<String> result = new ArrayList<>(args);
        result.addAll(result.indexOf("-sc_threshold") + 2, videoOptions);
        return result;
    }

    private static void addLavfiInput(List<String> args, String source, boolean realTime) {
        // -re is an input option: it paces only the input that follows it.
        if (realTime) {
            args.add("-re");
        }
        args.addAll(List.of("-f", "lavfi", "-i", source));
    }
}
