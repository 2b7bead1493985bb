package io.github.mediamtxvod.web;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.config.BoundSettings;
import io.github.mediamtxvod.config.ConfigProblems;
import io.github.mediamtxvod.config.ConfigRule;
import io.github.mediamtxvod.config.Secret;
import io.github.mediamtxvod.config.Setting;
import io.github.mediamtxvod.config.SettingType;
import java.time.Duration;
import java.util.List;

/**
 * The embedded HTTP server, with the settings it is read from. {@code username}/{@code password}
 * are null when the UI is open; {@code hookToken} is null when hooks need no token;
 * {@code thumbnailCacheBytes} bounds the thumbnails kept on disk; {@code playbackMaxDuration} caps the
 * range one playback {@code /get} may ask for. Immutable.
 */
public record WebConfig(int httpPort, String username, Secret password, boolean protectProbes, Secret hookToken,
        long thumbnailCacheBytes, Duration playbackMaxDuration) {
    static final String GROUP = "Web server and hooks";
    static final Duration DEFAULT_PLAYBACK_MAX_DURATION = Duration.ofHours(1);

    public static final Setting<Integer> HTTP_PORT = Setting.of("HTTP_PORT", GROUP, "8080",
            SettingType.count(0, 65535), "Port of the web UI, API, health checks and metrics; 0 = any free port");
    public static final Setting<String> WEB_USERNAME = Setting.of("WEB_USERNAME", GROUP, null,
            SettingType.basicAuthUser(), "Basic-auth user for the UI and API; set together with WEB_PASSWORD");
    public static final Setting<Secret> WEB_PASSWORD = Setting.of("WEB_PASSWORD", GROUP, null, SettingType.secret(),
            "Basic-auth password for the UI and API (secret)");
    public static final Setting<Boolean> WEB_PROTECT_PROBES = Setting.of("WEB_PROTECT_PROBES", GROUP, "false",
            SettingType.bool(), "true = /health, /ready and /metrics also need basic auth");
    public static final Setting<Secret> HOOK_TOKEN = Setting.of("HOOK_TOKEN", GROUP, null, SettingType.secret(),
            "When set, hook calls must carry it in an 'Authorization: Bearer' header or a 'token' query"
                    + " parameter (secret)");

    public static final Setting<Long> WEB_THUMBNAIL_CACHE_MB = Setting.of("WEB_THUMBNAIL_CACHE_MB", GROUP, "100",
            SettingType.megabytes(1, SettingType.NO_MAX),
            "Disk space for the timeline's thumbnails (RECORDINGS_DIR/.vod-recorder/thumbnails); the least recently"
                    + " used go first");

    /** The default of WEB_THUMBNAIL_CACHE_MB, in bytes. */
    public static final long DEFAULT_THUMBNAIL_CACHE_BYTES = 100L << 20;

    public static final Setting<Duration> PLAYBACK_MAX_DURATION_SECONDS = Setting.of("PLAYBACK_MAX_DURATION_SECONDS",
            GROUP, Long.toString(DEFAULT_PLAYBACK_MAX_DURATION.toSeconds()), SettingType.seconds(1, 86_400),
            "Longest range one playback /get may ask for; a longer one is refused with 400");

    public static final List<Setting<?>> SETTINGS = List.of(HTTP_PORT, WEB_USERNAME, WEB_PASSWORD, WEB_PROTECT_PROBES,
            HOOK_TOKEN, WEB_THUMBNAIL_CACHE_MB, PLAYBACK_MAX_DURATION_SECONDS);
    public static final List<ConfigRule> RULES =
            List.of(ConfigRule.bothOrNeither(WEB_USERNAME, WEB_PASSWORD), WebConfig::warnUnprotectedProbes);

    public WebConfig {
        if (thumbnailCacheBytes < 1) {
            throw new IllegalArgumentException("thumbnailCacheBytes must be positive: " + thumbnailCacheBytes);
        }
        requireNonNull(playbackMaxDuration, "playbackMaxDuration is null");
    }

    /** With the default thumbnail cache and playback cap. */
    public WebConfig(int httpPort, String username, Secret password, boolean protectProbes, Secret hookToken) {
        this(httpPort, username, password, protectProbes, hookToken, DEFAULT_THUMBNAIL_CACHE_BYTES);
    }

    /** With the default playback cap. */
    public WebConfig(int httpPort, String username, Secret password, boolean protectProbes, Secret hookToken,
            long thumbnailCacheBytes) {
        this(httpPort, username, password, protectProbes, hookToken, thumbnailCacheBytes, DEFAULT_PLAYBACK_MAX_DURATION);
    }

    public static WebConfig from(BoundSettings settings) {
        return new WebConfig(settings.get(HTTP_PORT), settings.get(WEB_USERNAME), settings.get(WEB_PASSWORD),
                settings.get(WEB_PROTECT_PROBES), settings.get(HOOK_TOKEN), settings.get(WEB_THUMBNAIL_CACHE_MB),
                settings.get(PLAYBACK_MAX_DURATION_SECONDS));
    }

    private static void warnUnprotectedProbes(BoundSettings settings, ConfigProblems problems) {
        if (Boolean.TRUE.equals(settings.get(WEB_PROTECT_PROBES))
                && !settings.isGiven(WEB_USERNAME) && !settings.isGiven(WEB_PASSWORD)) {
            problems.warning(settings.subject(WEB_PROTECT_PROBES) + " has no effect without WEB_USERNAME and"
                    + " WEB_PASSWORD; set them to protect the probes");
        }
    }
}
