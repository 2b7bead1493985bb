package io.github.mediamtxvod.recording;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.config.BoundSettings;
import io.github.mediamtxvod.config.Setting;
import io.github.mediamtxvod.config.SettingType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How FFmpeg records: where, how many streams at once, segment length and container, and how
 * failures are handled; with the settings it is read from. {@code recordingsDir} is absolute and
 * existed and was writable (or could be created) when the configuration was loaded. Immutable.
 */
public record RecordingConfig(
        Path recordingsDir,
        String ffmpegPath,
        int maxConcurrentRecordings,
        Duration segmentDuration,
        OutputFormat outputFormat,
        Duration stallTimeout,
        Duration stopTimeout,
        Duration restartBackoffMax) {
    static final String GROUP = "Recording with FFmpeg";

    public static final Setting<Path> RECORDINGS_DIR = Setting.of("RECORDINGS_DIR", GROUP, "./recordings",
            SettingType.writableFolder(),
            "Local folder of the segments (container: /recordings); created if missing, must be writable");
    public static final Setting<String> FFMPEG_PATH = Setting.of("FFMPEG_PATH", GROUP, "ffmpeg", SettingType.text(),
            "FFmpeg executable: a name on PATH or an absolute path");
    public static final Setting<Integer> MAX_CONCURRENT_RECORDINGS = Setting.of("MAX_CONCURRENT_RECORDINGS", GROUP,
            "10", SettingType.count(1, 1000), "Most streams recorded at the same time");
    public static final Setting<Duration> SEGMENT_DURATION = Setting.of("SEGMENT_DURATION", GROUP, "60",
            SettingType.seconds(1, 86400), "Length of each segment file");
    public static final Setting<OutputFormat> OUTPUT_FORMAT = Setting.of("OUTPUT_FORMAT", GROUP, "mp4",
            SettingType.choice("a supported format", List.of(OutputFormat.values()), OutputFormat::extension),
            "Segment container: mp4 (fragmented MP4), mkv or ts");
    public static final Setting<Duration> FFMPEG_STALL_TIMEOUT_SECONDS = Setting.of("FFMPEG_STALL_TIMEOUT_SECONDS",
            GROUP, "20", SettingType.seconds(5, 3600),
            "FFmpeg is restarted when the media time it reports has not advanced this long (at least 30 s are "
                    + "allowed for its first report)");
    public static final Setting<Duration> FFMPEG_STOP_TIMEOUT_SECONDS = Setting.of("FFMPEG_STOP_TIMEOUT_SECONDS",
            GROUP, "5", SettingType.seconds(1, 60), "Grace time for each step of a graceful FFmpeg stop");
    public static final Setting<Duration> FFMPEG_RESTART_BACKOFF_MAX_SECONDS = Setting.of(
            "FFMPEG_RESTART_BACKOFF_MAX_SECONDS", GROUP, "30", SettingType.seconds(1, 3600),
            "Cap of the exponential backoff between FFmpeg restarts that keep failing quickly");

    public static final List<Setting<?>> SETTINGS = List.of(RECORDINGS_DIR, FFMPEG_PATH, MAX_CONCURRENT_RECORDINGS,
            SEGMENT_DURATION, OUTPUT_FORMAT, FFMPEG_STALL_TIMEOUT_SECONDS, FFMPEG_STOP_TIMEOUT_SECONDS,
            FFMPEG_RESTART_BACKOFF_MAX_SECONDS);

    public RecordingConfig {
        requireNonNull(recordingsDir, "recordingsDir is null");
        requireNonNull(ffmpegPath, "ffmpegPath is null");
        requireNonNull(segmentDuration, "segmentDuration is null");
        requireNonNull(outputFormat, "outputFormat is null");
        requireNonNull(stallTimeout, "stallTimeout is null");
        requireNonNull(stopTimeout, "stopTimeout is null");
        requireNonNull(restartBackoffMax, "restartBackoffMax is null");
    }

    public static RecordingConfig from(BoundSettings settings) {
        return new RecordingConfig(settings.get(RECORDINGS_DIR), settings.get(FFMPEG_PATH),
                settings.get(MAX_CONCURRENT_RECORDINGS), settings.get(SEGMENT_DURATION), settings.get(OUTPUT_FORMAT),
                settings.get(FFMPEG_STALL_TIMEOUT_SECONDS), settings.get(FFMPEG_STOP_TIMEOUT_SECONDS),
                settings.get(FFMPEG_RESTART_BACKOFF_MAX_SECONDS));
    }
}
