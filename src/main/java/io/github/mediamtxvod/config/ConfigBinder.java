package io.github.mediamtxvod.config;

import static io.github.mediamtxvod.config.Setting.FFMPEG_PATH;
import static io.github.mediamtxvod.config.Setting.FFMPEG_RESTART_BACKOFF_MAX_SECONDS;
import static io.github.mediamtxvod.config.Setting.FFMPEG_STALL_TIMEOUT_SECONDS;
import static io.github.mediamtxvod.config.Setting.FFMPEG_STOP_TIMEOUT_SECONDS;
import static io.github.mediamtxvod.config.Setting.HOOK_TOKEN;
import static io.github.mediamtxvod.config.Setting.HTTP_PORT;
import static io.github.mediamtxvod.config.Setting.LOCAL_RETENTION_DAYS;
import static io.github.mediamtxvod.config.Setting.MAX_CONCURRENT_RECORDINGS;
import static io.github.mediamtxvod.config.Setting.MEDIAMTX_API_PASSWORD;
import static io.github.mediamtxvod.config.Setting.MEDIAMTX_API_TIMEOUT_SECONDS;
import static io.github.mediamtxvod.config.Setting.MEDIAMTX_API_URL;
import static io.github.mediamtxvod.config.Setting.MEDIAMTX_API_USER;
import static io.github.mediamtxvod.config.Setting.MEDIAMTX_RTSP_URL;
import static io.github.mediamtxvod.config.Setting.MIN_FREE_DISK_MB;
import static io.github.mediamtxvod.config.Setting.POLLING_INTERVAL;
import static io.github.mediamtxvod.config.Setting.S3_ACCESS_KEY_ID;
import static io.github.mediamtxvod.config.Setting.S3_BUCKET_NAME;
import static io.github.mediamtxvod.config.Setting.S3_CREATE_BUCKET;
import static io.github.mediamtxvod.config.Setting.S3_ENDPOINT_URL;
import static io.github.mediamtxvod.config.Setting.S3_FORCE_PATH_STYLE;
import static io.github.mediamtxvod.config.Setting.S3_MULTIPART_PART_SIZE_MB;
import static io.github.mediamtxvod.config.Setting.S3_MULTIPART_THRESHOLD_MB;
import static io.github.mediamtxvod.config.Setting.S3_REGION;
import static io.github.mediamtxvod.config.Setting.S3_SECRET_ACCESS_KEY;
import static io.github.mediamtxvod.config.Setting.S3_STORAGE_CLASS;
import static io.github.mediamtxvod.config.Setting.SEGMENT_DURATION;
import static io.github.mediamtxvod.config.Setting.STREAM_EXCLUDE;
import static io.github.mediamtxvod.config.Setting.STREAM_INCLUDE;
import static io.github.mediamtxvod.config.Setting.UPLOAD_DRAIN_TIMEOUT_SECONDS;
import static io.github.mediamtxvod.config.Setting.UPLOAD_WORKERS;
import static io.github.mediamtxvod.config.Setting.WEB_PASSWORD;
import static io.github.mediamtxvod.config.Setting.WEB_PROTECT_PROBES;
import static io.github.mediamtxvod.config.Setting.WEB_USERNAME;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Builds the {@link RecorderConfig} tree from the raw settings: parses each value, applies the
 * cross-field rules (both keys of a pair, part size within the threshold) and decides whether
 * uploads are on. Every problem goes to {@link ConfigProblems}; the tree it returns is only
 * meaningful when there were none.
 */
final class ConfigBinder {
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern REGION = Pattern.compile("[a-z0-9-]+");
    private static final Pattern STORAGE_CLASS = Pattern.compile("[A-Z0-9_]+");
    /** The settings whose presence turns uploads on, as SETTINGS.md defines it. */
    private static final List<Setting> UPLOAD_SWITCHES =
            List.of(S3_ENDPOINT_URL, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_BUCKET_NAME);

    private ConfigBinder() {}

    static RecorderConfig bind(RawSettings raw, Path workingDirectory, ConfigProblems problems) {
        SettingValues values = new SettingValues(raw, problems);
        return new RecorderConfig(
                mediaMtx(values),
                recording(values, workingDirectory),
                s3(values),
                new RecorderConfig.Upload(
                        values.wholeNumberInt(UPLOAD_WORKERS), values.seconds(UPLOAD_DRAIN_TIMEOUT_SECONDS)),
                new RecorderConfig.Retention(
                        values.wholeNumberInt(LOCAL_RETENTION_DAYS), values.megabytesAsBytes(MIN_FREE_DISK_MB)),
                web(values),
                values.logLevel());
    }

    private static RecorderConfig.MediaMtx mediaMtx(SettingValues values) {
        URI apiUrl = UrlRule.MEDIAMTX_API.parse(values, MEDIAMTX_API_URL);
        URI rtspUrl = UrlRule.MEDIAMTX_RTSP.parse(values, MEDIAMTX_RTSP_URL);
        String user = userName(values, MEDIAMTX_API_USER);
        Secret password = values.secret(MEDIAMTX_API_PASSWORD);
        requireBoth(values, MEDIAMTX_API_USER, MEDIAMTX_API_PASSWORD);
        return new RecorderConfig.MediaMtx(apiUrl, rtspUrl, user, password,
                values.seconds(POLLING_INTERVAL), values.seconds(MEDIAMTX_API_TIMEOUT_SECONDS),
                values.regex(STREAM_INCLUDE), values.regex(STREAM_EXCLUDE));
    }

    private static RecorderConfig.Recording recording(SettingValues values, Path workingDirectory) {
        return new RecorderConfig.Recording(
                RecordingsDirectory.prepare(values, workingDirectory),
                values.text(FFMPEG_PATH),
                values.wholeNumberInt(MAX_CONCURRENT_RECORDINGS),
                values.seconds(SEGMENT_DURATION),
                values.outputFormat(),
                values.seconds(FFMPEG_STALL_TIMEOUT_SECONDS),
                values.seconds(FFMPEG_STOP_TIMEOUT_SECONDS),
                values.seconds(FFMPEG_RESTART_BACKOFF_MAX_SECONDS));
    }

    private static RecorderConfig.S3 s3(SettingValues values) {
        RawSettings raw = values.raw();
        boolean enabled = UPLOAD_SWITCHES.stream().anyMatch(raw::isGiven);
        URI endpoint = UrlRule.S3_ENDPOINT.parse(values, S3_ENDPOINT_URL);
        String accessKeyId = values.text(S3_ACCESS_KEY_ID);
        Secret secretAccessKey = values.secret(S3_SECRET_ACCESS_KEY);
        requireBoth(values, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY);
        String bucket = values.matching(S3_BUCKET_NAME, BUCKET, "is not a valid bucket name; use 3 to 63"
                + " lowercase letters, digits, '.' or '-', starting and ending with a letter or digit");
        String region = values.matching(S3_REGION, REGION,
                "is not a valid region name; use lowercase letters, digits and '-', such as eu-west-1");
        // Most S3-compatible servers only answer path-style requests; AWS prefers virtual hosts.
        boolean pathStyle = values.bool(S3_FORCE_PATH_STYLE).orElse(raw.isGiven(S3_ENDPOINT_URL));
        String storageClass = values.matching(S3_STORAGE_CLASS, STORAGE_CLASS, "is not a valid storage class;"
                + " use upper-case letters, digits and '_', such as STANDARD or STANDARD_IA");
        String prefix = S3Prefix.normalise(values);
        boolean createBucket = values.flag(S3_CREATE_BUCKET);
        long threshold = values.megabytesAsBytes(S3_MULTIPART_THRESHOLD_MB);
        long partSize = values.megabytesAsBytes(S3_MULTIPART_PART_SIZE_MB);
        if (partSize > threshold
                && !values.isInvalid(S3_MULTIPART_THRESHOLD_MB) && !values.isInvalid(S3_MULTIPART_PART_SIZE_MB)) {
            values.error(values.subject(S3_MULTIPART_PART_SIZE_MB) + " is larger than "
                    + values.subject(S3_MULTIPART_THRESHOLD_MB) + "; lower S3_MULTIPART_PART_SIZE_MB to at most "
                    + threshold / (1024 * 1024)
                    + " or raise S3_MULTIPART_THRESHOLD_MB");
        }
        if (!enabled) {
            warnLocalOnly(values);
        }
        return new RecorderConfig.S3(enabled, endpoint, accessKeyId, secretAccessKey, bucket, region, pathStyle,
                storageClass, prefix, createBucket, threshold, partSize);
    }

    private static void warnLocalOnly(SettingValues values) {
        values.warning("No S3 setting is given (S3_ENDPOINT_URL, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY or"
                + " S3_BUCKET_NAME), so uploads are off and recordings stay in RECORDINGS_DIR (local-only mode)");
        List<String> ignored = new ArrayList<>();
        for (Setting setting : Setting.values()) {
            boolean uploadOnly = setting.group() == Setting.Group.S3
                    || setting == UPLOAD_WORKERS || setting == UPLOAD_DRAIN_TIMEOUT_SECONDS;
            if (uploadOnly && values.raw().isGiven(setting)) {
                ignored.add(setting.name());
            }
        }
        if (!ignored.isEmpty()) {
            values.warning(String.join(", ", ignored) + (ignored.size() == 1 ? " has" : " have")
                    + " no effect in local-only mode; set S3_BUCKET_NAME or S3_ENDPOINT_URL to turn uploads on");
        }
    }

    private static RecorderConfig.Web web(SettingValues values) {
        int port = values.wholeNumberInt(HTTP_PORT);
        String username = userName(values, WEB_USERNAME);
        Secret password = values.secret(WEB_PASSWORD);
        requireBoth(values, WEB_USERNAME, WEB_PASSWORD);
        boolean protectProbes = values.flag(WEB_PROTECT_PROBES);
        if (protectProbes && !values.raw().isGiven(WEB_USERNAME) && !values.raw().isGiven(WEB_PASSWORD)) {
            values.warning(values.subject(WEB_PROTECT_PROBES) + " has no effect without WEB_USERNAME and"
                    + " WEB_PASSWORD; set them to protect the probes");
        }
        return new RecorderConfig.Web(port, username, password, protectProbes, values.secret(HOOK_TOKEN));
    }

    /** A basic-auth user name: RFC 7617 forbids ':' in it, as the user ends at the first ':'. */
    private static String userName(SettingValues values, Setting setting) {
        String name = values.text(setting);
        if (name != null && name.indexOf(':') >= 0) {
            values.reject(setting, "contains ':', which basic auth does not allow in a user name; remove it");
            return null;
        }
        return name;
    }

    /** Both keys of a pair or neither: half a credential is a mistake, not a wish for no auth. */
    private static void requireBoth(SettingValues values, Setting first, Setting second) {
        RawSettings raw = values.raw();
        if (raw.isGiven(first) != raw.isGiven(second)) {
            Setting present = raw.isGiven(first) ? first : second;
            Setting missing = present == first ? second : first;
            String subject = raw.value(present) == null ? present.name() : raw.value(present).describe(present);
            values.error(subject + " is set but " + missing.name() + " is not; set both or neither");
        }
    }
}
