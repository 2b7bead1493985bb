package io.github.mediamtxvod.mediamtx;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.mediamtxvod.config.Secret;
import io.github.mediamtxvod.runtime.Durations;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;

/**
 * Client of MediaMTX's Control API v3 (MediaMTX v1.0 and newer): lists the paths MediaMTX knows,
 * page by page.
 *
 * <p>Each request carries basic auth (sent up front, not after a challenge) when
 * MEDIAMTX_API_USER is set, and is bounded by MEDIAMTX_API_TIMEOUT_SECONDS from connect to the
 * last body byte. Failures surface as {@link MediaMtxException} with a message for the operator
 * that never contains the password.
 *
 * <p>Thread-safe. Owns a JDK {@link HttpClient}; whoever creates this client calls {@link
 * #close()}.
 */
public final class MediaMtxClient implements AutoCloseable {
    static final int ITEMS_PER_PAGE = 100;
    /** 100,000 paths; a larger pageCount is a broken server, not a real deployment. */
    static final int MAX_PAGES = 1_000;
    /** A full page of 100 paths is about 100 KB; anything near this limit is not MediaMTX. */
    static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    private static final ObjectMapper ERROR_MAPPER = new ObjectMapper();

    private final MediaMtxConfig config;
    private final String pathsListUrl;
    private final String authorization;
    private final HttpClient http;
    private final PathListParser parser = new PathListParser();
    private final AtomicBoolean closed = new AtomicBoolean();

    public MediaMtxClient(MediaMtxConfig config) {
        this.config = requireNonNull(config, "config is null");
        this.pathsListUrl = pathsListUrl(config.apiUrl());
        this.authorization = basicAuthorization(config.apiUser(), config.apiPassword());
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.apiTimeout())
                // a redirect would carry our Authorization header to wherever it points
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * Every path MediaMTX lists, live or not, in the server's order (by name), each name once.
     * Items that cannot be used are left out and logged once (see {@link MediaMtxPath}).
     *
     * @throws MediaMtxException when any page cannot be fetched or read; then nothing is
     *     returned, because a partial list would look like streams that stopped
     */
    public List<MediaMtxPath> listPaths() throws MediaMtxException {
        Map<String, MediaMtxPath> byName = new LinkedHashMap<>();
        long pageCount = 1;
        // page only grows and stops at MAX_PAGES, so a server changing pageCount cannot loop us
        for (int page = 0; page < pageCount; page++) {
            URI uri = pageUri(page);
            PathListParser.Page result = fetchPage(uri);
            if (result.pageCount() > MAX_PAGES) {
                throw new MediaMtxException(
                        MediaMtxException.Reason.INVALID_ANSWER,
                        source(uri) + " returned an unexpected answer: pageCount "
                                + result.pageCount() + " is more than " + MAX_PAGES + " pages of "
                                + ITEMS_PER_PAGE + " paths");
            }
            if (page > 0 && result.itemCount() == 0) {
                break; // paths went away while we paged: this is the end
            }
            pageCount = result.pageCount();
            for (MediaMtxPath path : result.paths()) {
                // a path that moved to the next page while we paged is kept once, newest state
                byName.put(path.name(), path);
            }
        }
        return List.copyOf(byName.values());
    }

    /** The list endpoint without query, for log lines. */
    String pathsListUrl() {
        return pathsListUrl;
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        // close() would wait for requests in flight; their callers are shutting down too
        http.shutdownNow();
    }

    private URI pageUri(int page) {
        return URI.create(pathsListUrl + "?page=" + page + "&itemsPerPage=" + ITEMS_PER_PAGE);
    }

    private PathListParser.Page fetchPage(URI uri) throws MediaMtxException {
        HttpResponse<byte[]> response = send(uri);
        int status = response.statusCode();
        if (status == 200) {
            return parser.parse(response.body(), source(uri));
        }
        throw statusFailure(uri, status, response.body());
    }

    private HttpResponse<byte[]> send(URI uri) throws MediaMtxException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .GET()
                .timeout(config.apiTimeout())
                .header("Accept", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        CompletableFuture<HttpResponse<byte[]>> future =
                http.sendAsync(request.build(), BoundedBodySubscriber.handler(MAX_BODY_BYTES));
        try {
            // the request timeout ends at the headers; this bounds the body as well
            return future.get(config.apiTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw timeout(uri, e);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new MediaMtxException(
                    MediaMtxException.Reason.INTERRUPTED, source(uri) + ": interrupted", e);
        } catch (ExecutionException e) {
            throw transportFailure(uri, e.getCause());
        }
    }

    private MediaMtxException transportFailure(URI uri, Throwable cause) {
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
        if (cause instanceof ConnectException) {
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

    private MediaMtxException timeout(URI uri, Throwable cause) {
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

    private MediaMtxException statusFailure(URI uri, int status, byte[] body) {
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

    private static String source(URI uri) {
        return "MediaMTX API " + uri;
    }

    private static boolean isUnresolvedHost(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    private static String hostOf(URI uri) {
        String authority = authorityWithoutUserInfo(uri);
        int colon = authority.lastIndexOf(':');
        return colon > authority.lastIndexOf(']') && colon >= 0
                ? authority.substring(0, colon)
                : authority;
    }

    /**
     * {@code <apiUrl>/v3/paths/list}, with or without a trailing slash or a path prefix (a
     * reverse proxy); user info and query of the setting are dropped, so they never reach a
     * message.
     */
    static String pathsListUrl(URI apiUrl) {
        String path = apiUrl.getRawPath() == null ? "" : apiUrl.getRawPath();
        int end = path.length();
        while (end > 0 && path.charAt(end - 1) == '/') {
            end--;
        }
        return apiUrl.getScheme() + "://" + authorityWithoutUserInfo(apiUrl)
                + path.substring(0, end) + "/v3/paths/list";
    }

    private static String authorityWithoutUserInfo(URI uri) {
        // getRawAuthority, not getHost: getHost is null for names with '_' (compose services)
        String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
        return authority.substring(authority.lastIndexOf('@') + 1);
    }

    private static String basicAuthorization(String user, Secret password) {
        if (user == null) {
            return null;
        }
        String pair = user + ":" + (password == null ? "" : password.value());
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(UTF_8));
    }
}
