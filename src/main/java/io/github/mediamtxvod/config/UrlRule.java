package io.github.mediamtxvod.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * What a URL setting accepts: an absolute URL with one of {@code schemes} and a host, no query or
 * fragment, and (unless {@code credentialsFix} is null) no user info. Accepted URLs lose their
 * trailing '/', so users of the base URL can append {@code /path} to it.
 *
 * @param schemes the allowed schemes, lower case
 * @param fix how to fix a wrong value, for messages
 * @param credentialsFix where credentials belong instead of the URL; null when the URL may hold them
 */
record UrlRule(List<String> schemes, String fix, String credentialsFix) {
    static final UrlRule MEDIAMTX_API = new UrlRule(List.of("http", "https"),
            "set it to an absolute URL such as http://mediamtx:9997"
                    + SettingValues.defaultNote(Setting.MEDIAMTX_API_URL),
            "put them in MEDIAMTX_API_USER and MEDIAMTX_API_PASSWORD instead");
    // MediaMTX's read credentials travel in the RTSP URL, so user info is allowed here.
    static final UrlRule MEDIAMTX_RTSP = new UrlRule(List.of("rtsp", "rtsps"),
            "set it to a URL such as rtsp://mediamtx:8554" + SettingValues.defaultNote(Setting.MEDIAMTX_RTSP_URL),
            null);
    static final UrlRule S3_ENDPOINT = new UrlRule(List.of("http", "https"),
            "set it to an absolute URL such as http://minio:9000, or unset it to use AWS S3",
            "put them in S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY instead");

    /** The URL given or defaulted, null when unset; the default (or null) when it is invalid. */
    URI parse(SettingValues values, Setting setting) {
        String text = values.text(setting);
        if (text == null) {
            return null;
        }
        String problem = problemOf(text);
        if (problem != null) {
            values.reject(setting, problem);
            return setting.defaultValue().map(URI::create).orElse(null);
        }
        String trimmed = text;
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return URI.create(trimmed);
    }

    /** What is wrong with {@code text} and how to fix it, or null when it is fine. */
    private String problemOf(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            return "is not a valid URL (" + e.getReason() + " at index " + e.getIndex() + "); " + fix;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.isOpaque() || !schemes.contains(scheme)) {
            return "does not start with " + String.join(":// or ", schemes) + "://; " + fix;
        }
        if (uri.getHost() == null) {
            boolean noAuthority = uri.getRawAuthority() == null || uri.getRawAuthority().isEmpty();
            return (noAuthority ? "has no host" : "has an invalid host name (use letters, digits, '-' and '.')")
                    + "; " + fix;
        }
        if (uri.getPort() > 65535) {
            return "has a port above 65535; " + fix;
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return "has a query or fragment; " + fix;
        }
        if (credentialsFix != null && uri.getRawUserInfo() != null) {
            return "contains a user name or password; " + credentialsFix;
        }
        return null;
    }
}
