package io.github.mediamtxvod.mediamtx;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.config.BoundSettings;
import io.github.mediamtxvod.config.ConfigRule;
import io.github.mediamtxvod.config.Secret;
import io.github.mediamtxvod.config.Setting;
import io.github.mediamtxvod.config.SettingType;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How to reach MediaMTX and which of its streams to record, with the settings it is read from.
 * {@code apiUser}/{@code apiPassword} are null when unset (no basic auth); {@code
 * streamInclude}/{@code streamExclude} are null when unset. {@code apiUrl} and {@code rtspUrl}
 * never end with '/', so a path is appended as {@code "/" + name}; {@code rtspUrl} may carry
 * MediaMTX read credentials as user info (mask it when printing). Immutable.
 */
public record MediaMtxConfig(
        URI apiUrl,
        URI rtspUrl,
        String apiUser,
        Secret apiPassword,
        Duration pollingInterval,
        Duration apiTimeout,
        Pattern streamInclude,
        Pattern streamExclude) {
    static final String GROUP = "MediaMTX connection and stream selection";

    public static final Setting<URI> MEDIAMTX_API_URL = Setting.of("MEDIAMTX_API_URL", GROUP, "http://mediamtx:9997",
            SettingType.url(List.of("http", "https"), "set it to an absolute URL such as http://mediamtx:9997",
                    "put them in MEDIAMTX_API_USER and MEDIAMTX_API_PASSWORD instead"),
            "Absolute http(s) URL of MediaMTX's Control API");
    // MediaMTX's read credentials travel in the RTSP URL, so user info is allowed here.
    public static final Setting<URI> MEDIAMTX_RTSP_URL = Setting.of("MEDIAMTX_RTSP_URL", GROUP,
            "rtsp://mediamtx:8554",
            SettingType.url(List.of("rtsp", "rtsps"), "set it to a URL such as rtsp://mediamtx:8554", null),
            "rtsp:// or rtsps:// base URL; each stream is read from this URL, a '/' and its path name");
    public static final Setting<String> MEDIAMTX_API_USER = Setting.of("MEDIAMTX_API_USER", GROUP, null,
            SettingType.basicAuthUser(),
            "Basic-auth user for the Control API; set together with MEDIAMTX_API_PASSWORD");
    public static final Setting<Secret> MEDIAMTX_API_PASSWORD = Setting.of("MEDIAMTX_API_PASSWORD", GROUP, null,
            SettingType.secret(), "Basic-auth password for the Control API (secret)");
    public static final Setting<Duration> MEDIAMTX_API_TIMEOUT_SECONDS = Setting.of("MEDIAMTX_API_TIMEOUT_SECONDS",
            GROUP, "10", SettingType.seconds(1, 300), "Connect and read timeout of Control API calls");
    public static final Setting<Duration> POLLING_INTERVAL = Setting.of("POLLING_INTERVAL", GROUP, "10",
            SettingType.seconds(1, 3600), "How often the list of streams is fetched from MediaMTX");
    public static final Setting<Pattern> STREAM_INCLUDE = Setting.of("STREAM_INCLUDE", GROUP, null,
            SettingType.regex(), "Java regular expression; only stream (path) names it matches fully are recorded");
    public static final Setting<Pattern> STREAM_EXCLUDE = Setting.of("STREAM_EXCLUDE", GROUP, null,
            SettingType.regex(), "Java regular expression; stream (path) names it matches fully are not recorded");

    public static final List<Setting<?>> SETTINGS = List.of(MEDIAMTX_API_URL, MEDIAMTX_RTSP_URL, MEDIAMTX_API_USER,
            MEDIAMTX_API_PASSWORD, MEDIAMTX_API_TIMEOUT_SECONDS, POLLING_INTERVAL, STREAM_INCLUDE, STREAM_EXCLUDE);
    public static final List<ConfigRule> RULES =
            List.of(ConfigRule.bothOrNeither(MEDIAMTX_API_USER, MEDIAMTX_API_PASSWORD));

    public MediaMtxConfig {
        requireNonNull(apiUrl, "apiUrl is null");
        requireNonNull(rtspUrl, "rtspUrl is null");
        requireNonNull(pollingInterval, "pollingInterval is null");
        requireNonNull(apiTimeout, "apiTimeout is null");
    }

    public static MediaMtxConfig from(BoundSettings settings) {
        return new MediaMtxConfig(settings.get(MEDIAMTX_API_URL), settings.get(MEDIAMTX_RTSP_URL),
                settings.get(MEDIAMTX_API_USER), settings.get(MEDIAMTX_API_PASSWORD), settings.get(POLLING_INTERVAL),
                settings.get(MEDIAMTX_API_TIMEOUT_SECONDS), settings.get(STREAM_INCLUDE), settings.get(STREAM_EXCLUDE));
    }

    /** Whether a MediaMTX path name passes STREAM_INCLUDE and STREAM_EXCLUDE. */
    public boolean accepts(String pathName) {
        if (streamInclude != null && !streamInclude.matcher(pathName).matches()) {
            return false;
        }
        return streamExclude == null || !streamExclude.matcher(pathName).matches();
    }
}
