package io.github.mediamtxvod.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * URL settings: an absolute URL with one of the allowed schemes and a host, no query or fragment,
 * and (unless credentials may be in it) no user info. Accepted URLs lose their trailing '/', so
 * users of a base URL can append {@code /path} to it. A password in the URL is masked wherever
 * the URL is shown.
 */
final class UrlType {
    private UrlType() {}

    /**
     * @param schemes the allowed schemes, lower case
     * @param fix how to fix a wrong value, for messages; the default is appended
     * @param credentialsFix where credentials belong instead of the URL; null when the URL may hold them
     */
    static SettingType<URI> of(List<String> schemes, String fix, String credentialsFix) {
        return SettingType.plain((text, setting, workingDirectory) -> {
            URI uri;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                String problem = "is not a valid URL (" + e.getReason() + " at index " + e.getIndex() + ")";
                throw rejected(problem, fix, setting);
            }
            String problem = problemOf(uri, schemes);
            if (problem != null) {
                throw rejected(problem, fix, setting);
            }
            if (credentialsFix != null && uri.getRawUserInfo() != null) {
                throw new InvalidValueException("contains a user name or password; " + credentialsFix);
            }
            String trimmed = text;
            while (trimmed.endsWith("/")) {
                trimmed = trimmed.substring(0, trimmed.length() - 1);
            }
            return URI.create(trimmed);
        }, uri -> DisplayText.quoted(uri.toString()));
    }

    private static InvalidValueException rejected(String problem, String fix, Setting<URI> setting) {
        return new InvalidValueException(problem + "; " + fix + setting.defaultNote());
    }

    /** What is wrong with {@code uri}, or null when it is fine. */
    private static String problemOf(URI uri, List<String> schemes) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.isOpaque() || !schemes.contains(scheme)) {
            return "does not start with " + String.join(":// or ", schemes) + "://";
        }
        if (uri.getHost() == null) {
            boolean noAuthority = uri.getRawAuthority() == null || uri.getRawAuthority().isEmpty();
            return noAuthority ? "has no host" : "has an invalid host name (use letters, digits, '-' and '.')";
        }
        if (uri.getPort() > 65535) {
            return "has a port above 65535";
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return "has a query or fragment";
        }
        return null;
    }
}
