package io.github.mediamtxvod.upload;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.config.BoundSettings;
import io.github.mediamtxvod.config.ConfigProblems;
import io.github.mediamtxvod.config.ConfigRule;
import io.github.mediamtxvod.config.Secret;
import io.github.mediamtxvod.config.Setting;
import io.github.mediamtxvod.config.SettingType;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * S3-compatible storage, with the settings it is read from. Uploads are on ({@code enabled}) when
 * any of S3_ENDPOINT_URL, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY or S3_BUCKET_NAME is given, else
 * the recorder runs in local-only mode. {@code endpoint}, {@code accessKeyId} and {@code
 * secretAccessKey} are null when unset (AWS S3 and the SDK's default credential chain); {@code
 * endpoint} never ends with '/'; {@code prefix} is empty when unset, else has no leading or
 * trailing slash. Sizes are in bytes (MB settings times 1024 * 1024). Immutable.
 */
public record S3Config(
        boolean enabled,
        URI endpoint,
        String accessKeyId,
        Secret secretAccessKey,
        String bucket,
        String region,
        boolean forcePathStyle,
        String storageClass,
        String prefix,
        boolean createBucket,
        long multipartThresholdBytes,
        long multipartPartSizeBytes) {
    static final String GROUP = "S3-compatible storage";

    public static final Setting<URI> S3_ENDPOINT_URL = Setting.of("S3_ENDPOINT_URL", GROUP, null,
            SettingType.url(List.of("http", "https"),
                    "set it to an absolute URL such as http://minio:9000, or unset it to use AWS S3",
                    "put them in S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY instead"),
            "http(s) URL of an S3-compatible server; unset = AWS S3 in S3_REGION");
    public static final Setting<String> S3_ACCESS_KEY_ID = Setting.of("S3_ACCESS_KEY_ID", GROUP, null,
            SettingType.accessKey(), "Access key, set together with S3_SECRET_ACCESS_KEY; unset = the AWS SDK's"
                    + " default credential chain");
    public static final Setting<Secret> S3_SECRET_ACCESS_KEY = Setting.of("S3_SECRET_ACCESS_KEY", GROUP, null,
            SettingType.secret(), "Secret key of S3_ACCESS_KEY_ID (secret)");
    public static final Setting<String> S3_BUCKET_NAME = Setting.of("S3_BUCKET_NAME", GROUP, "vod",
            SettingType.matching(Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"), "is not a valid bucket name;"
                    + " use 3 to 63 lowercase letters, digits, '.' or '-', starting and ending with a letter or digit"),
            "Bucket: 3 to 63 lowercase letters, digits, '.' or '-', starting and ending with a letter or digit");
    public static final Setting<String> S3_REGION = Setting.of("S3_REGION", GROUP, "us-east-1",
            SettingType.matching(Pattern.compile("[a-z0-9-]+"),
                    "is not a valid region name; use lowercase letters, digits and '-', such as eu-west-1"),
            "Region name: lowercase letters, digits and '-'");
    // Most S3-compatible servers only answer path-style requests; AWS prefers virtual hosts.
    public static final Setting<Boolean> S3_FORCE_PATH_STYLE = Setting.derived("S3_FORCE_PATH_STYLE", GROUP,
            "true when S3_ENDPOINT_URL is set, else false", settings -> settings.isGiven(S3_ENDPOINT_URL),
            SettingType.bool(),
            "true = path-style requests (http://host/bucket/key), which most S3-compatible servers need");
    public static final Setting<String> S3_STORAGE_CLASS = Setting.of("S3_STORAGE_CLASS", GROUP, "STANDARD",
            SettingType.matching(Pattern.compile("[A-Z0-9_]+"), "is not a valid storage class; use upper-case"
                    + " letters, digits and '_', such as STANDARD or STANDARD_IA").renderedBy(String::valueOf),
            "Storage class of the uploaded objects, passed through (STANDARD, STANDARD_IA, GLACIER, ...)");
    public static final Setting<String> S3_PREFIX = Setting.of("S3_PREFIX", GROUP, null, S3Prefix.TYPE,
            "Key prefix of every object; leading and trailing '/' are stripped; no '..' segments");
    public static final Setting<Boolean> S3_CREATE_BUCKET = Setting.of("S3_CREATE_BUCKET", GROUP, "true",
            SettingType.bool(), "Create the bucket when it is missing");
    public static final Setting<Long> S3_MULTIPART_THRESHOLD_MB = Setting.of("S3_MULTIPART_THRESHOLD_MB", GROUP,
            "16", SettingType.megabytes(5, 5120), "Files at least this large are uploaded in parts");
    public static final Setting<Long> S3_MULTIPART_PART_SIZE_MB = Setting.of("S3_MULTIPART_PART_SIZE_MB", GROUP,
            "8", SettingType.megabytes(5, 5120), "Part size of multipart uploads; at most S3_MULTIPART_THRESHOLD_MB");

    public static final List<Setting<?>> SETTINGS = List.of(S3_ENDPOINT_URL, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY,
            S3_BUCKET_NAME, S3_REGION, S3_FORCE_PATH_STYLE, S3_STORAGE_CLASS, S3_PREFIX, S3_CREATE_BUCKET,
            S3_MULTIPART_THRESHOLD_MB, S3_MULTIPART_PART_SIZE_MB);
    public static final List<ConfigRule> RULES = List.of(
            ConfigRule.bothOrNeither(S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY), S3Config::checkPartSize,
            S3Config::warnLocalOnly);

    /** The settings whose presence turns uploads on, as the README defines it. */
    private static final List<Setting<?>> UPLOAD_SWITCHES =
            List.of(S3_ENDPOINT_URL, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_BUCKET_NAME);

    public S3Config {
        requireNonNull(bucket, "bucket is null");
        requireNonNull(region, "region is null");
        requireNonNull(storageClass, "storageClass is null");
        requireNonNull(prefix, "prefix is null");
    }

    public static S3Config from(BoundSettings settings) {
        String prefix = settings.get(S3_PREFIX);
        return new S3Config(uploadsEnabled(settings), settings.get(S3_ENDPOINT_URL),
                settings.get(S3_ACCESS_KEY_ID), settings.get(S3_SECRET_ACCESS_KEY), settings.get(S3_BUCKET_NAME),
                settings.get(S3_REGION), settings.get(S3_FORCE_PATH_STYLE), settings.get(S3_STORAGE_CLASS),
                prefix == null ? "" : prefix, settings.get(S3_CREATE_BUCKET), settings.get(S3_MULTIPART_THRESHOLD_MB),
                settings.get(S3_MULTIPART_PART_SIZE_MB));
    }

    private static boolean uploadsEnabled(BoundSettings settings) {
        return UPLOAD_SWITCHES.stream().anyMatch(settings::isGiven);
    }

    private static void checkPartSize(BoundSettings settings, ConfigProblems problems) {
        Long threshold = settings.get(S3_MULTIPART_THRESHOLD_MB);
        Long partSize = settings.get(S3_MULTIPART_PART_SIZE_MB);
        if (threshold != null && partSize != null && partSize > threshold) {
            problems.error(settings.subject(S3_MULTIPART_PART_SIZE_MB) + " is larger than "
                    + settings.subject(S3_MULTIPART_THRESHOLD_MB) + "; lower S3_MULTIPART_PART_SIZE_MB to at most "
                    + S3_MULTIPART_THRESHOLD_MB.type().renderer().apply(threshold)
                    + " or raise S3_MULTIPART_THRESHOLD_MB");
        }
    }

    /**
     * Settings that do nothing without S3. Local-only mode itself is no configuration problem: the
     * upload stage logs it once when it starts, and {@code check} reports it on its S3 line.
     */
    private static void warnLocalOnly(BoundSettings settings, ConfigProblems problems) {
        if (uploadsEnabled(settings)) {
            return;
        }
        List<String> ignored = new ArrayList<>();
        Stream.concat(SETTINGS.stream(), UploadConfig.SETTINGS.stream())
                .filter(settings::isGiven)
                .forEach(setting -> ignored.add(setting.name()));
        if (!ignored.isEmpty()) {
            problems.warning(String.join(", ", ignored) + (ignored.size() == 1 ? " has" : " have")
                    + " no effect in local-only mode; set S3_BUCKET_NAME or S3_ENDPOINT_URL to turn uploads on");
        }
    }
}
