package io.github.mediamtxvod.web;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.github.mediamtxvod.config.Secret;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides who may pass, per path, before any handler runs ({@link Routes} asks first):
 *
 * <ul>
 *   <li>{@code /health}, {@code /ready}, {@code /metrics}: open, unless WEB_PROTECT_PROBES=true
 *       and basic auth is configured;
 *   <li>{@code /api/hooks/...}: when HOOK_TOKEN is set, that token and nothing else ({@code
 *       Authorization: Bearer TOKEN} or {@code ?token=TOKEN}; basic credentials do not replace
 *       it), so MediaMTX's hook command needs no UI password; when HOOK_TOKEN is unset, the hooks
 *       fall under basic auth like the rest of the API (a hook is never less protected than the
 *       API);
 *   <li>everything else (UI, files, API): basic auth when WEB_USERNAME/WEB_PASSWORD are set.
 * </ul>
 *
 * Secrets are compared through their SHA-256 digests with {@link MessageDigest#isEqual}, which
 * takes the same time whatever the given value and leaks neither content nor length. A refusal is
 * 401 with a {@code WWW-Authenticate} challenge; credentials are never logged.
 */
final class AccessControl {
    static final String REALM = "vod-recorder";

    private static final Logger log = LoggerFactory.getLogger(AccessControl.class);

    private final WebConfig web;

    AccessControl(WebConfig web) {
        this.web = web;
    }

    private enum Guard {
        OPEN,
        BASIC,
        HOOK_TOKEN
    }

    /**
     * Returns when the request may pass; otherwise sets the challenge header and throws 401.
     */
    void check(Request request, Response response) {
        String path = request.getHttpURI().getPath();
        switch (guardFor(path)) {
            case OPEN -> {
                // nothing to check
            }
            case BASIC -> {
                if (!basicAuthorized(request)) {
                    log.debug("Refused {} {}: missing or wrong basic credentials", request.getMethod(), path);
                    response.getHeaders().put(
                            HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
                    throw new HttpProblem(401, "authentication required");
                }
            }
            case HOOK_TOKEN -> {
                if (!tokenAuthorized(request)) {
                    log.debug("Refused {} {}: missing or wrong hook token", request.getMethod(), path);
                    response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"" + REALM + " hooks\"");
                    throw new HttpProblem(401, "hook token required");
                }
            }
        }
    }

    private Guard guardFor(String path) {
        boolean basic = web.username() != null && web.password() != null;
        if (path.equals(ProbeHandler.HEALTH) || path.equals(ProbeHandler.READY) || path.equals(MetricsHandler.PATH)) {
            return basic && web.protectProbes() ? Guard.BASIC : Guard.OPEN;
        }
        if (path.startsWith("/api/hooks/") && web.hookToken() != null) {
            return Guard.HOOK_TOKEN;
        }
        return basic ? Guard.BASIC : Guard.OPEN;
    }

    private boolean basicAuthorized(Request request) {
        String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return false;
        }
        boolean user = sameSecret(decoded.substring(0, colon), web.username());
        boolean password = sameSecret(decoded.substring(colon + 1), web.password().value());
        // both compared every time, so timing does not tell which one was wrong
        return user & password;
    }

    private boolean tokenAuthorized(Request request) {
        Secret token = web.hookToken();
        String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (header != null && header.toLowerCase(Locale.ROOT).startsWith("bearer ")) {
            return sameSecret(header.substring(7).trim(), token.value());
        }
        String given = QueryParameters.of(request).text("token");
        return given != null && sameSecret(given, token.value());
    }

    private static boolean sameSecret(String given, String expected) {
        return MessageDigest.isEqual(sha256(given), sha256(expected));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}
