package io.github.mediamtxvod.mediamtx;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.config.Secret;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Client of MediaMTX's Control API v3 (MediaMTX v1.0 and newer): lists the paths MediaMTX knows,
 * page by page, and asks about one path.
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
    private static final String UNRESERVED =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

    private final MediaMtxConfig config;
    private final String apiBase;
    private final String authorization;
    private final ApiFailures failures;
    private final HttpClient http;
    private final PathListParser parser = new PathListParser();
    private final AtomicBoolean closed = new AtomicBoolean();

    public MediaMtxClient(MediaMtxConfig config) {
        this.config = requireNonNull(config, "config is null");
        this.apiBase = apiBase(config.apiUrl());
        this.authorization = basicAuthorization(config.apiUser(), config.apiPassword());
        this.failures = new ApiFailures(config, authorization);
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
                        ApiFailures.source(uri) + " returned an unexpected answer: pageCount "
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

    /**
     * One path, as {@code GET /v3/paths/get/{name}} describes it; empty when MediaMTX has no such
     * path (its 404). Blocks at most MEDIAMTX_API_TIMEOUT_SECONDS.
     *
     * @param name a path name, untrusted; it is percent-encoded segment by segment
     * @throws MediaMtxException when MediaMTX cannot answer (timeout, refused, 5xx, auth, a 404
     *     that is not MediaMTX's) or answers something that is not a path
     * @throws IllegalArgumentException when the name is blank or has characters no MediaMTX path
     *     name can have (controls, invisible formatting, lone surrogates)
     */
    public Optional<MediaMtxPath> getPath(String name) throws MediaMtxException {
        CompletableFuture<Optional<MediaMtxPath>> answer = getPathAsync(name);
        return await(answer, pathUri(name));
    }

    /**
     * {@link #getPath} without blocking: the future completes within MEDIAMTX_API_TIMEOUT_SECONDS,
     * exceptionally with a {@link MediaMtxException} (wrapped in a {@link CompletionException})
     * when MediaMTX cannot answer. Cancelling it aborts the request.
     */
    public CompletableFuture<Optional<MediaMtxPath>> getPathAsync(String name) {
        URI uri = pathUri(name);
        CompletableFuture<HttpResponse<byte[]>> exchange = sendAsync(uri);
        CompletableFuture<Optional<MediaMtxPath>> answer = exchange.thenApply(response -> {
            int status = response.statusCode();
            try {
                if (status == 200) {
                    return Optional.of(parser.parsePath(response.body(), name, ApiFailures.source(uri)));
                }
                if (status == 404 && ApiFailures.isMediaMtxError(response.body())) {
                    return Optional.empty();
                }
                throw failures.status(uri, status, response.body());
            } catch (MediaMtxException e) {
                throw new CompletionException(e);
            }
        });
        abortWhenCancelled(answer, exchange);
        return answer;
    }

    /** The list endpoint without query, for log lines. */
    String pathsListUrl() {
        return apiBase + "/v3/paths/list";
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
        return URI.create(pathsListUrl() + "?page=" + page + "&itemsPerPage=" + ITEMS_PER_PAGE);
    }

    private URI pathUri(String name) {
        requireNonNull(name, "name is null");
        if (name.isBlank() || PathListParser.hasUnsafeCharacter(name)) {
            throw new IllegalArgumentException("not a MediaMTX path name: "
                    + PathListParser.printable(name, 100));
        }
        return URI.create(apiBase + "/v3/paths/get/" + encodePathName(name));
    }

    private PathListParser.Page fetchPage(URI uri) throws MediaMtxException {
        HttpResponse<byte[]> response = await(sendAsync(uri), uri);
        int status = response.statusCode();
        if (status == 200) {
            return parser.parse(response.body(), ApiFailures.source(uri));
        }
        throw failures.status(uri, status, response.body());
    }

    /**
     * Sends a GET whose future completes within MEDIAMTX_API_TIMEOUT_SECONDS (the request
     * timeout ends at the headers; this bounds the body as well), failing with a
     * MediaMtxException. Cancelling the future aborts the exchange.
     */
    private CompletableFuture<HttpResponse<byte[]>> sendAsync(URI uri) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .GET()
                .timeout(config.apiTimeout())
                .header("Accept", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        CompletableFuture<HttpResponse<byte[]>> exchange;
        try {
            exchange = http.sendAsync(request.build(), BoundedBodySubscriber.handler(MAX_BODY_BYTES));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(failures.transport(uri, e));
        }
        CompletableFuture<HttpResponse<byte[]>> bounded = exchange.copy()
                .orTimeout(config.apiTimeout().toNanos(), TimeUnit.NANOSECONDS)
                .handle((response, failure) -> {
                    if (failure == null) {
                        return response;
                    }
                    Throwable cause = unwrap(failure);
                    if (cause instanceof TimeoutException) {
                        exchange.cancel(true);
                        throw new CompletionException(failures.timeout(uri, cause));
                    }
                    throw new CompletionException(failures.transport(uri, cause));
                });
        abortWhenCancelled(bounded, exchange);
        return bounded;
    }

    /** The caller gave up on {@code dependent}: abort {@code source} too, freeing its connection. */
    private static void abortWhenCancelled(CompletableFuture<?> dependent, CompletableFuture<?> source) {
        dependent.whenComplete((result, failure) -> {
            if (failure instanceof CancellationException) {
                source.cancel(true);
            }
        });
    }

    private <T> T await(CompletableFuture<T> future, URI uri) throws MediaMtxException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw failures.interrupted(uri, e);
        } catch (ExecutionException e) {
            throw failures.transport(uri, unwrap(e.getCause()));
        }
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /**
     * A path name as a URL path: each '/'-separated segment percent-encoded (UTF-8, everything but
     * RFC 3986's unreserved characters), '.' and '..' segments too, so no client or proxy on the
     * way resolves them. MediaMTX (gin) matches the decoded path, so the name arrives as sent.
     */
    static String encodePathName(String name) {
        StringBuilder out = new StringBuilder(name.length() + 16);
        String[] segments = name.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                out.append('/');
            }
            String segment = segments[i];
            boolean dots = segment.equals(".") || segment.equals("..");
            for (byte b : segment.getBytes(UTF_8)) {
                int c = b & 0xff;
                if (!dots && c < 0x80 && UNRESERVED.indexOf(c) >= 0) {
                    out.append((char) c);
                } else {
                    out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
                }
            }
        }
        return out.toString();
    }

    /**
     * {@code <apiUrl>} with or without a trailing slash or a path prefix (a reverse proxy), ready
     * for {@code /v3/...}; user info and query of the setting are dropped, so they never reach a
     * message.
     */
    static String apiBase(URI apiUrl) {
        String path = apiUrl.getRawPath() == null ? "" : apiUrl.getRawPath();
        int end = path.length();
        while (end > 0 && path.charAt(end - 1) == '/') {
            end--;
        }
        return apiUrl.getScheme() + "://" + authorityWithoutUserInfo(apiUrl) + path.substring(0, end);
    }

    static String authorityWithoutUserInfo(URI uri) {
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
