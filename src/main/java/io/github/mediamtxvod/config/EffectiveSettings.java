package io.github.mediamtxvod.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Renders a {@link RecorderConfig} back into one {@code NAME=value} line per setting, sorted by
 * name, for the log at start: secrets masked, free text quoted, unset values as {@code (unset)}.
 * The switch has no default, so a new setting does not compile until it is shown here.
 */
final class EffectiveSettings {
    private static final String UNSET = "(unset)";
    private static final long MB = 1024 * 1024;

    private EffectiveSettings() {}

    static List<String> lines(RecorderConfig config) {
        List<String> lines = new ArrayList<>();
        for (Setting setting : Setting.values()) {
            lines.add(setting.name() + "=" + value(setting, config));
        }
        lines.sort(null);
        return List.copyOf(lines);
    }

    private static String value(Setting setting, RecorderConfig config) {
        RecorderConfig.MediaMtx mediamtx = config.mediamtx();
        RecorderConfig.Recording recording = config.recording();
        RecorderConfig.S3 s3 = config.s3();
        RecorderConfig.Web web = config.web();
        return switch (setting) {
            case MEDIAMTX_API_URL -> url(mediamtx.apiUrl());
            case MEDIAMTX_RTSP_URL -> url(mediamtx.rtspUrl());
            case MEDIAMTX_API_USER -> text(mediamtx.apiUser());
            case MEDIAMTX_API_PASSWORD -> secret(mediamtx.apiPassword());
            case MEDIAMTX_API_TIMEOUT_SECONDS -> seconds(mediamtx.apiTimeout());
            case POLLING_INTERVAL -> seconds(mediamtx.pollingInterval());
            case STREAM_INCLUDE -> regex(mediamtx.streamInclude());
            case STREAM_EXCLUDE -> regex(mediamtx.streamExclude());
            case RECORDINGS_DIR -> text(recording.recordingsDir().toString());
            case FFMPEG_PATH -> text(recording.ffmpegPath());
            case MAX_CONCURRENT_RECORDINGS -> String.valueOf(recording.maxConcurrentRecordings());
            case SEGMENT_DURATION -> seconds(recording.segmentDuration());
            case OUTPUT_FORMAT -> recording.outputFormat().extension();
            case FFMPEG_STALL_TIMEOUT_SECONDS -> seconds(recording.stallTimeout());
            case FFMPEG_STOP_TIMEOUT_SECONDS -> seconds(recording.stopTimeout());
            case FFMPEG_RESTART_BACKOFF_MAX_SECONDS -> seconds(recording.restartBackoffMax());
            case S3_ENDPOINT_URL -> url(s3.endpoint());
            case S3_ACCESS_KEY_ID -> s3.accessKeyId() == null
                    ? UNSET
                    : DisplayText.quoted(Setting.maskAccessKey(s3.accessKeyId()));
            case S3_SECRET_ACCESS_KEY -> secret(s3.secretAccessKey());
            case S3_BUCKET_NAME -> text(s3.bucket());
            case S3_REGION -> text(s3.region());
            case S3_FORCE_PATH_STYLE -> String.valueOf(s3.forcePathStyle());
            case S3_STORAGE_CLASS -> s3.storageClass();
            case S3_PREFIX -> s3.prefix().isEmpty() ? UNSET : text(s3.prefix());
            case S3_CREATE_BUCKET -> String.valueOf(s3.createBucket());
            case S3_MULTIPART_THRESHOLD_MB -> String.valueOf(s3.multipartThresholdBytes() / MB);
            case S3_MULTIPART_PART_SIZE_MB -> String.valueOf(s3.multipartPartSizeBytes() / MB);
            case UPLOAD_WORKERS -> String.valueOf(config.upload().workers());
            case UPLOAD_DRAIN_TIMEOUT_SECONDS -> seconds(config.upload().drainTimeout());
            case LOCAL_RETENTION_DAYS -> String.valueOf(config.retention().localRetentionDays());
            case MIN_FREE_DISK_MB -> String.valueOf(config.retention().minFreeDiskBytes() / MB);
            case HTTP_PORT -> String.valueOf(web.httpPort());
            case WEB_USERNAME -> text(web.username());
            case WEB_PASSWORD -> secret(web.password());
            case WEB_PROTECT_PROBES -> String.valueOf(web.protectProbes());
            case HOOK_TOKEN -> secret(web.hookToken());
            case LOG_LEVEL -> config.logLevel();
        };
    }

    private static String text(String value) {
        return value == null ? UNSET : DisplayText.quoted(value);
    }

    private static String url(URI value) {
        return value == null ? UNSET : DisplayText.quoted(value.toString());
    }

    private static String regex(Pattern value) {
        return value == null ? UNSET : DisplayText.quoted(value.pattern());
    }

    private static String secret(Secret value) {
        return value == null ? UNSET : DisplayText.REDACTED;
    }

    private static String seconds(Duration value) {
        return String.valueOf(value.toSeconds());
    }
}
