package io.github.mediamtxvod.mediamtx;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mediamtxvod.runtime.Durations;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import javax.net.ssl.SSLException;

/**
 * Turns what can go wrong with a Control API request into a {@link MediaMtxException} whose
 * message names the URL (without user info), says what failed and what to check, and never
 * contains the API password. Immutable.
 */
final class ApiFailures {
    private static final ObjectMapper ERROR_MAPPER = new ObjectMapper();

    private final MediaMtxConfig config;
    private final String authorization;

    ApiFailures(MediaMtxConfig config, String authorization) {
        this.config = config;
        this.authorization = authorization;
    }

    MediaMtxException transport(URI uri, Throwable cause) {
        if (cause instanceof MediaMtxException already) {
            return already;
        }
        if (cause instanceof HttpConnectTimeoutException) {
            return new MediaMtxException(
                    MediaMtxException.Reason.TIMEOUT,
                    source(uri) + " did not accept a connection within "
                            + Durations.describe(config.apiTimeout())
                            + " (MEDIAMTX_API_TIMEOUT_SECONDS); check MEDIAMTX_API_URL and the"
                            + " network between the recorder and MediaMTX",
                    cause);
        }
        if (cause instanceof HttpTimeoutException) {
            return timeout(uri, cause);
        }
        if (cause instanceof BoundedBodySubscriber.TooLargeException) {
            return new MediaMtxException(
                    MediaMtxException.Reason.INVALID_ANSWER,
                    source(uri) + " returned an unexpected answer: " + cause.getMessage(),
                    cause);
        }
        if (cause instanceof ConnectException || isUnresolvedHost(cause)) {
            String problem = isUnresolvedHost(cause)
                    ? "unknown host " + PathListParser.printable(hostOf(uri), 100)
                    : "connection refused";
            return new MediaMtxException(
                    MediaMtxException.Reason.UNREACHABLE,
                    source(uri) + " is unreachable (" + problem + "); check MEDIAMTX_API_URL"
                            + " and that MediaMTX runs with 'api: yes' on that address",
                    cause);
        }
        String kind = cause instanceof SSLException ? "TLS failed" : "connection failed";
        String detail = cause instanceof IOException
                ? PathListParser.printable(cause.getMessage(), 200)
                : PathListParser.printable(String.valueOf(cause), 200);
        return new MediaMtxException(
                MediaMtxException.Reason.UNREACHABLE,
                source(uri) + " is unreachable (" + kind + ": " + detail + ")",
                cause);
    }

    MediaMtxException timeout(URI uri, Throwable cause) {
        String hint = authorization == null
                ? ""
                : "; MediaMTX also delays its answer to wrong credentials, so check"
                        + " MEDIAMTX_API_USER/MEDIAMTX_API_PASSWORD";
        return new MediaMtxException(
                MediaMtxException.Reason.TIMEOUT,
                source(uri) + " did not answer within " + Durations.describe(config.apiTimeout())
                        + " (MEDIAMTX_API_TIMEOUT_SECONDS)" + hint,
                cause);
    }

    MediaMtxException interrupted(URI uri, InterruptedException cause) {
        return new MediaMtxException(
                MediaMtxException.Reason.INTERRUPTED, source(uri) + ": interrupted", cause);
    }

    MediaMtxException status(URI uri, int status, byte[] body) {
        if (status == 401 || status == 403) {
            String message = authorization == null
                    ? source(uri) + " answered HTTP " + status + ": MediaMTX requires"
                            + " credentials for its API; set MEDIAMTX_API_USER and"
                            + " MEDIAMTX_API_PASSWORD to a user of MediaMTX's authInternalUsers"
                            + " that has the 'api' permission"
                    : source(uri) + " answered HTTP " + status + " for user '"
                            + PathListParser.printable(config.apiUser(), 100) + "': check"
                            + " MEDIAMTX_API_USER/MEDIAMTX_API_PASSWORD and that this user has the"
                            + " 'api' permission in MediaMTX's authInternalUsers";
            return new MediaMtxException(MediaMtxException.Reason.UNAUTHORIZED, message);
        }
        String message = source(uri) + " answered HTTP " + status + ": " + excerpt(body);
        if (status == 404) {
            message += "; check that MEDIAMTX_API_URL points at MediaMTX's Control API"
                    + " (api: yes, apiAddress, default port 9997) and MediaMTX is v1.0 or newer";
        }
        return new MediaMtxException(MediaMtxException.Reason.HTTP_ERROR, message);
    }

    /**
     * Whether a body is MediaMTX's own error answer, {@code {"status":"error","error":"..."}}: a
     * 404 with it means "no such path"; a 404 without it comes from something that is not
     * MediaMTX's API (a wrong URL, a proxy).
     */
    static boolean isMediaMtxError(byte[] body) {
        try {
            JsonNode root = ERROR_MAPPER.readTree(body);
            return root != null && root.isObject() && root.path("error").isTextual();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** A short, one-line, password-free excerpt of an error body. */
    private String excerpt(byte[] body) {
        String text = new String(body, UTF_8);
        try {
            JsonNode error = ERROR_MAPPER.readTree(text).get("error");
            if (error != null && error.isTextual()) {
                text = error.textValue(); // MediaMTX's {"status":"error","error":"..."}
            }
        } catch (IOException | RuntimeException e) {
            // not MediaMTX's error JSON: show the raw text
        }
        if (config.apiPassword() != null && !config.apiPassword().value().isEmpty()) {
            text = text.replace(config.apiPassword().value(), "[REDACTED]");
        }
        if (authorization != null) {
            text = text.replace(authorization.substring("Basic ".length()), "[REDACTED]");
        }
        text = text.strip().replaceAll("\\s+", " ");
        return text.isEmpty() ? "(empty body)" : PathListParser.printable(text, 200);
    }

    static String source(URI uri) {
        return "MediaMTX API " + uri;
    }

    static boolean isUnresolvedHost(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    private static String hostOf(URI uri) {
        String authority = MediaMtxClient.authorityWithoutUserInfo(uri);
        int colon = authority.lastIndexOf(':');
        return colon > authority.lastIndexOf(']') && colon >= 0
                ? authority.substring(0, colon)
                : authority;
    }
}
