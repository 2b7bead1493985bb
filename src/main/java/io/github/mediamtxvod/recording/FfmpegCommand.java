package io.github.mediamtxvod.recording;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.recording.OutputFormat;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Builds FFmpeg's argument vector for one recording session. Pure: no I/O. FFmpeg runs with the
 * session folder as its working directory, so every output name is relative and no character of
 * RECORDINGS_DIR can be mistaken for a pattern.
 */
final class FfmpegCommand {
    /** FFmpeg's segment list, in the session folder: which segment finished, with real times. */
    static final String SEGMENT_LIST = ".segments.csv";

    /** MediaMTX's codec names for audio that MP4 can hold as it is. */
    private static final Set<String> MP4_AUDIO =
            Set.of("mpeg-4 audio", "aac", "opus", "mpeg-1/2 audio", "mp3", "ac-3", "ac3");
    /** MediaMTX's codec names for audio that MPEG-TS can hold as it is. */
    private static final Set<String> TS_AUDIO =
            Set.of("mpeg-4 audio", "aac", "opus", "mpeg-1/2 audio", "mp3", "ac-3", "ac3", "mpeg-4 audio latm");
    /** Codec names MediaMTX uses for video; anything else in the track list is audio or data. */
    private static final Set<String> VIDEO =
            Set.of("h264", "h265", "av1", "vp9", "vp8", "mpeg-4 video", "mpeg-1/2 video", "m-jpeg", "mjpeg");
    /**
     * A URL's user info: everything from {@code ://} to the last '@' before the path, because
     * FFmpeg takes the last '@' as the end of the password, so a password may contain '@'.
     */
    private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/]*@");
    private static final Pattern UNRESERVED = Pattern.compile("[A-Za-z0-9._~!$&'()*+,;=:@-]");

    private FfmpegCommand() {}

    /**
     * The arguments, starting with the executable.
     *
     * @param rtspUrl the input URL, from {@link #inputUrl}
     */
    static List<String> build(
            String ffmpegPath, String rtspUrl, OutputFormat format, long segmentSeconds, AudioMode audio) {
        requireNonNull(ffmpegPath, "ffmpegPath is null");
        requireNonNull(rtspUrl, "rtspUrl is null");
        requireNonNull(format, "format is null");
        requireNonNull(audio, "audio is null");
        List<String> args = new ArrayList<>(List.of(
                ffmpegPath,
                "-hide_banner",
                "-nostats",
                "-loglevel",
                "level+warning",
                // one key=value block a second on stdout: the recorder's measure of progress, in
                // media time (stall watchdog) and its cue to look at the segment list
                "-progress",
                "pipe:1",
                "-stats_period",
                "1",
                "-rtsp_transport",
                "tcp",
                // socket I/O timeout in microseconds: catches a dead connection; a stalled but open
                // session is caught by the recorder's progress watchdog
                "-timeout",
                "10000000",
                "-i",
                rtspUrl,
                "-map",
                "0:v?"));
        switch (audio) {
            case COPY -> args.addAll(List.of("-map", "0:a?", "-c:a", "copy"));
            case TRANSCODE -> args.addAll(List.of("-map", "0:a?", "-c:a", "aac", "-b:a", "128k"));
            case NONE -> args.add("-an");
        }
        args.addAll(List.of(
                "-c:v",
                "copy",
                "-dn",
                "-sn",
                "-f",
                "segment",
                "-segment_time",
                Long.toString(segmentSeconds),
                "-segment_format",
                format.ffmpegMuxer(),
                "-reset_timestamps",
                "1",
                "-segment_list",
                SEGMENT_LIST,
                "-segment_list_type",
                "csv"));
        args.addAll(List.of("-segment_format_options", segmentFormatOptions(format)));
        args.add(SegmentLayout.segmentFilePattern(format));
        return List.copyOf(args);
    }

    /**
     * The options of the muxer that writes each segment file. {@code flush_packets=1} makes every
     * finished fragment (MP4), cluster (MKV) or packet (TS) reach the file in one write at once;
     * without it FFmpeg writes in 256 KiB blocks, which is up to 30 s of an audio-only stream that
     * a crash would lose. MP4 is fragmented (header up front, a fragment per keyframe and at least
     * one a second, {@code frag_duration} in µs), so a file cut off by a crash plays up to its last
     * fragment; MKV closes a cluster at least once a second ({@code cluster_time_limit} in ms).
     */
    static String segmentFormatOptions(OutputFormat format) {
        return switch (format) {
            case MP4 -> "movflags=+frag_keyframe+empty_moov+default_base_moof:frag_duration=1000000:flush_packets=1";
            case MKV -> "flush_packets=1:cluster_time_limit=1000";
            case TS -> "flush_packets=1";
        };
    }

    /**
     * The audio mode to start with: transcode when a reported audio codec cannot be copied into
     * the container, else copy. Unknown tracks (older MediaMTX) start with copy.
     */
    static AudioMode initialAudioMode(OutputFormat format, Collection<String> trackCodecs) {
        Set<String> copyable = switch (format) {
            case MP4 -> MP4_AUDIO;
            case TS -> TS_AUDIO;
            case MKV -> null;
        };
        if (copyable == null) {
            return AudioMode.COPY;
        }
        for (String codec : trackCodecs) {
            String name = codec.toLowerCase(Locale.ROOT);
            if (!VIDEO.contains(name) && !copyable.contains(name)) {
                return AudioMode.TRANSCODE;
            }
        }
        return AudioMode.COPY;
    }

    /**
     * {@code <base>/<path name>}, the name percent-encoded per path segment ('/' kept), so an
     * untrusted name can never change the host, add a query or escape the base path.
     */
    static String inputUrl(URI base, String pathName) {
        String prefix = base.toString();
        while (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        StringBuilder out = new StringBuilder(prefix).append('/');
        for (byte b : pathName.getBytes(UTF_8)) {
            char c = (char) (b & 0xff);
            if (c == '/' || (c < 0x80 && UNRESERVED.matcher(String.valueOf(c)).matches())) {
                out.append(c);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    /** The arguments with any {@code user:password@} of a URL masked, for logs and errors. */
    static String describe(List<String> args) {
        List<String> masked = new ArrayList<>(args.size());
        for (String arg : args) {
            masked.add(maskUserInfo(arg));
        }
        return String.join(" ", masked);
    }

    /** The text with any {@code user:password@} of a URL masked; FFmpeg prints its input URL. */
    static String maskUserInfo(String text) {
        return USER_INFO.matcher(text).replaceAll("[REDACTED]@");
    }
}
