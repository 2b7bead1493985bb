package io.github.mediamtxvod.config;

import java.util.Optional;

/**
 * The registry of every setting the recorder reads: the single source of the environment variable
 * names, their defaults, their descriptions and which of them are secret. {@link ConfigLoader}
 * reads exactly these names (and their {@code NAME_FILE} forms); the README table and {@code
 * .env.example} document exactly these names. Immutable and thread-safe.
 */
public enum Setting {
    MEDIAMTX_API_URL(Group.MEDIAMTX, "http://mediamtx:9997",
            "Absolute http(s) URL of MediaMTX's Control API"),
    MEDIAMTX_RTSP_URL(Group.MEDIAMTX, "rtsp://mediamtx:8554",
            "rtsp:// or rtsps:// base URL; each stream is read from this URL, a '/' and its path name"),
    MEDIAMTX_API_USER(Group.MEDIAMTX, null,
            "Basic-auth user for the Control API; set together with MEDIAMTX_API_PASSWORD"),
    MEDIAMTX_API_PASSWORD(Group.MEDIAMTX, null, Kind.SECRET,
            "Basic-auth password for the Control API (secret)"),
    MEDIAMTX_API_TIMEOUT_SECONDS(Group.MEDIAMTX, "10", WholeNumberRule.seconds(1, 300),
            "Connect and read timeout of Control API calls"),
    POLLING_INTERVAL(Group.MEDIAMTX, "10", WholeNumberRule.seconds(1, 3600),
            "How often the list of streams is fetched from MediaMTX"),
    STREAM_INCLUDE(Group.MEDIAMTX, null,
            "Java regular expression; only stream (path) names it matches fully are recorded"),
    STREAM_EXCLUDE(Group.MEDIAMTX, null,
            "Java regular expression; stream (path) names it matches fully are not recorded"),

    RECORDINGS_DIR(Group.RECORDING, "./recordings",
            "Local folder of the segments (container: /recordings); created if missing, must be writable"),
    FFMPEG_PATH(Group.RECORDING, "ffmpeg", "FFmpeg executable: a name on PATH or an absolute path"),
    MAX_CONCURRENT_RECORDINGS(Group.RECORDING, "10", WholeNumberRule.count(1, 1000),
            "Most streams recorded at the same time"),
    SEGMENT_DURATION(Group.RECORDING, "60", WholeNumberRule.seconds(1, 86400),
            "Length of each segment file"),
    OUTPUT_FORMAT(Group.RECORDING, "mp4", "Segment container: mp4 (fragmented MP4), mkv or ts"),
    FFMPEG_STALL_TIMEOUT_SECONDS(Group.RECORDING, "20", WholeNumberRule.seconds(5, 3600),
            "FFmpeg is restarted when its output stops growing this long"),
    FFMPEG_STOP_TIMEOUT_SECONDS(Group.RECORDING, "5", WholeNumberRule.seconds(1, 60),
            "Grace time for each step of a graceful FFmpeg stop"),
    FFMPEG_RESTART_BACKOFF_MAX_SECONDS(Group.RECORDING, "30", WholeNumberRule.seconds(1, 3600),
            "Cap of the exponential backoff between FFmpeg restarts"),

    S3_ENDPOINT_URL(Group.S3, null,
            "http(s) URL of an S3-compatible server; unset = AWS S3 in S3_REGION"),
    S3_ACCESS_KEY_ID(Group.S3, null, Kind.ACCESS_KEY,
            "Access key, set together with S3_SECRET_ACCESS_KEY; unset = the AWS SDK's default credential chain"),
    S3_SECRET_ACCESS_KEY(Group.S3, null, Kind.SECRET, "Secret key of S3_ACCESS_KEY_ID (secret)"),
    S3_BUCKET_NAME(Group.S3, "vod",
            "Bucket: 3 to 63 lowercase letters, digits, '.' or '-', starting and ending with a letter or digit"),
    S3_REGION(Group.S3, "us-east-1", "Region name: lowercase letters, digits and '-'"),
    S3_FORCE_PATH_STYLE(Group.S3, null, Kind.PLAIN,
            "true when S3_ENDPOINT_URL is set, else false",
            "true = path-style requests (http://host/bucket/key), which most S3-compatible servers need"),
    S3_STORAGE_CLASS(Group.S3, "STANDARD",
            "Storage class of the uploaded objects, passed through (STANDARD, STANDARD_IA, GLACIER, ...)"),
    S3_PREFIX(Group.S3, null,
            "Key prefix of every object; leading and trailing '/' are stripped; no '..' segments"),
    S3_CREATE_BUCKET(Group.S3, "true", "Create the bucket when it is missing"),
    S3_MULTIPART_THRESHOLD_MB(Group.S3, "16", WholeNumberRule.megabytes(5, 5120),
            "Files at least this large are uploaded in parts"),
    S3_MULTIPART_PART_SIZE_MB(Group.S3, "8", WholeNumberRule.megabytes(5, 5120),
            "Part size of multipart uploads; at most S3_MULTIPART_THRESHOLD_MB"),

    UPLOAD_WORKERS(Group.UPLOAD, "3", WholeNumberRule.count(1, 64), "Parallel uploads"),
    UPLOAD_DRAIN_TIMEOUT_SECONDS(Group.UPLOAD, "3", WholeNumberRule.seconds(0, 60),
            "On shutdown, how long uploads in flight may finish"),
    LOCAL_RETENTION_DAYS(Group.UPLOAD, "7", WholeNumberRule.days(0, 36500),
            "Uploaded local files older than this are deleted; 0 = right after the confirmed upload"),
    MIN_FREE_DISK_MB(Group.UPLOAD, "1024", WholeNumberRule.megabytes(0, WholeNumberRule.NO_MAX),
            "Free space to keep on the disk of RECORDINGS_DIR"),

    HTTP_PORT(Group.WEB, "8080", WholeNumberRule.count(0, 65535),
            "Port of the web UI, API, health checks and metrics; 0 = any free port"),
    WEB_USERNAME(Group.WEB, null,
            "Basic-auth user for the UI and API; set together with WEB_PASSWORD"),
    WEB_PASSWORD(Group.WEB, null, Kind.SECRET, "Basic-auth password for the UI and API (secret)"),
    WEB_PROTECT_PROBES(Group.WEB, "false", "true = /health, /ready and /metrics also need basic auth"),
    HOOK_TOKEN(Group.WEB, null, Kind.SECRET,
            "When set, hook calls must carry it in an 'Authorization: Bearer' header or a 'token' query"
                    + " parameter (secret)"),

    LOG_LEVEL(Group.LOGGING, "INFO", "Log level: TRACE, DEBUG, INFO, WARN or ERROR");

    /** Where a setting belongs; the README table and {@code .env.example} follow this order. */
    public enum Group {
        MEDIAMTX("MediaMTX connection and stream selection"),
        RECORDING("Recording with FFmpeg"),
        S3("S3-compatible storage"),
        UPLOAD("Uploads, local retention and disk space"),
        WEB("Web server and hooks"),
        LOGGING("Logging");

        private final String title;

        Group(String title) {
            this.title = title;
        }

        /** A short heading for documentation. */
        public String title() {
            return title;
        }
    }

    /** How a value may be shown. */
    enum Kind {
        PLAIN,
        /** Shown as {@code [REDACTED]} everywhere. */
        SECRET,
        /** Shown with all but its first 4 characters masked. */
        ACCESS_KEY
    }

    private final Group group;
    private final String defaultValue;
    private final Kind kind;
    private final String documentedDefault;
    private final WholeNumberRule wholeNumberRule;
    private final String description;

    Setting(Group group, String defaultValue, String description) {
        this(group, defaultValue, Kind.PLAIN, null, null, description);
    }

    Setting(Group group, String defaultValue, Kind kind, String description) {
        this(group, defaultValue, kind, null, null, description);
    }

    Setting(Group group, String defaultValue, WholeNumberRule rule, String description) {
        this(group, defaultValue, Kind.PLAIN, null, rule, description);
    }

    Setting(Group group, String defaultValue, Kind kind, String documentedDefault, String description) {
        this(group, defaultValue, kind, documentedDefault, null, description);
    }

    Setting(Group group, String defaultValue, Kind kind, String documentedDefault,
            WholeNumberRule rule, String description) {
        this.group = group;
        this.defaultValue = defaultValue;
        this.kind = kind;
        this.documentedDefault = documentedDefault;
        this.wholeNumberRule = rule;
        this.description = rule == null ? description + "." : description + ". " + rule.summary() + ".";
    }

    public Group group() {
        return group;
    }

    /** The value used when the setting is not given, or empty when the default is "unset" or computed. */
    public Optional<String> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** The default as documentation shows it: the value, a rule, or {@code (unset)}. */
    public String documentedDefault() {
        if (documentedDefault != null) {
            return documentedDefault;
        }
        return defaultValue == null ? "(unset)" : defaultValue;
    }

    /** One line saying what the setting does and which values it takes. */
    public String description() {
        return description;
    }

    /** Whether the value is a secret, never shown anywhere. */
    public boolean secret() {
        return kind == Kind.SECRET;
    }

    /** The name of the variable holding a path to a file with the value: {@code NAME_FILE}. */
    public String fileVariable() {
        return name() + "_FILE";
    }

    /** The setting called {@code name} exactly, if any. */
    public static Optional<Setting> byName(String name) {
        for (Setting setting : values()) {
            if (setting.name().equals(name)) {
                return Optional.of(setting);
            }
        }
        return Optional.empty();
    }

    /** Whether the code reads a variable of this exact name: a setting or its {@code _FILE} form. */
    static boolean isKnownVariable(String name) {
        if (byName(name).isPresent()) {
            return true;
        }
        return name.endsWith("_FILE") && byName(name.substring(0, name.length() - "_FILE".length())).isPresent();
    }

    Kind kind() {
        return kind;
    }

    /** The range of a whole-number setting, null for the others. */
    WholeNumberRule wholeNumberRule() {
        return wholeNumberRule;
    }

    /** The value as it may appear in messages and logs: secrets masked, control characters escaped. */
    String display(String value) {
        return switch (kind) {
            case SECRET -> DisplayText.REDACTED;
            case ACCESS_KEY -> maskAccessKey(value);
            case PLAIN -> DisplayText.of(value);
        };
    }

    /** Shows the first 4 characters of an access key id, but never more than half of a short one. */
    static String maskAccessKey(String value) {
        int visible = Math.min(4, value.length() / 2);
        return DisplayText.of(value.substring(0, visible)) + "*".repeat(value.length() - visible);
    }

    /** The rule of the settings whose value is a plain whole number with a unit. */
    record WholeNumberRule(long min, long max, String unit) {
        static final long NO_MAX = Long.MAX_VALUE >> 20;

        static WholeNumberRule seconds(long min, long max) {
            return new WholeNumberRule(min, max, "seconds");
        }

        static WholeNumberRule days(long min, long max) {
            return new WholeNumberRule(min, max, "days");
        }

        static WholeNumberRule megabytes(long min, long max) {
            return new WholeNumberRule(min, max, "MB");
        }

        static WholeNumberRule count(long min, long max) {
            return new WholeNumberRule(min, max, "");
        }

        /** {@code Whole seconds, 1 to 86400}, for documentation. */
        String summary() {
            String what = unit.isEmpty() ? "Whole number" : "Whole " + unit;
            return what + ", " + bounds();
        }

        /** {@code from 1 to 86400} or {@code of 0 or more}. */
        String allowed() {
            return max == NO_MAX ? "of " + min + " or more" : "from " + min + " to " + max;
        }

        private String bounds() {
            return max == NO_MAX ? min + " or more" : min + " to " + max;
        }

        /** {@code a whole number of seconds} or {@code a whole number}. */
        String noun() {
            return unit.isEmpty() ? "a whole number" : "a whole number of " + unit;
        }
    }
}
