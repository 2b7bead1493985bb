package io.github.mediamtxvod.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a segment whose local file is gone from S3 through a presigned URL, passing the client's
 * byte range on. Relaying (rather than redirecting the browser) keeps the page's CSP at {@code
 * 'self'}, needs no CORS rule on the bucket, works when the S3 endpoint is only reachable from the
 * recorder, and keeps the UI's basic auth in charge. The presigned URL is never logged or sent to
 * the client. Blocks the calling (virtual) thread.
 */
final class S3Relay {
    private static final Logger log = LoggerFactory.getLogger(S3Relay.class);
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient client;

    S3Relay(HttpClient client) {
        this.client = client;
    }

    boolean relay(Request request, Response response, Callback callback, String relativePath, URI url) {
        if (!"http".equalsIgnoreCase(url.getScheme()) && !"https".equalsIgnoreCase(url.getScheme())) {
            log.warn("{} - presigned URL is not http(s); not relaying", relativePath);
            return Replies.error(request, response, callback, 502, "S3 download unavailable");
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(url).GET().timeout(RESPONSE_TIMEOUT);
        copyHeader(request, builder, HttpHeader.RANGE);
        copyHeader(request, builder, HttpHeader.IF_RANGE);
        HttpResponse<InputStream> upstream;
        try {
            upstream = client.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            log.warn("{} - cannot fetch the segment from S3: {}", relativePath, e.toString());
            return Replies.error(request, response, callback, 502, "S3 is unreachable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Replies.error(request, response, callback, 503, "shutting down");
        }
        try (InputStream body = upstream.body()) {
            int status = upstream.statusCode();
            if (status == 404) {
                return Replies.error(request, response, callback, 404, "not found");
            }
            if (status == 416) {
                forward(upstream, response, HttpHeader.CONTENT_RANGE);
                return Replies.error(request, response, callback, 416, "range not satisfiable");
            }
            if (status != 200 && status != 206) {
                log.warn("{} - S3 answered {} to the presigned download", relativePath, status);
                return Replies.error(request, response, callback, 502, "S3 refused the download");
            }
            return stream(request, response, callback, relativePath, upstream, body);
        } catch (IOException e) {
            callback.failed(e);
            return true;
        }
    }

    private static boolean stream(
            Request request, Response response, Callback callback, String relativePath,
            HttpResponse<InputStream> upstream, InputStream body) throws IOException {
        response.setStatus(upstream.statusCode());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, FileSender.contentType(relativePath));
        response.getHeaders().put(HttpHeader.ACCEPT_RANGES, "bytes");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        forward(upstream, response, HttpHeader.CONTENT_LENGTH);
        forward(upstream, response, HttpHeader.CONTENT_RANGE);
        forward(upstream, response, HttpHeader.ETAG);
        forward(upstream, response, HttpHeader.LAST_MODIFIED);
        if (HttpMethod.HEAD.is(request.getMethod())) {
            response.write(true, ByteBuffer.allocate(0), callback);
            return true;
        }
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
            body.transferTo(out);
        }
        callback.succeeded();
        return true;
    }

    private static void copyHeader(Request request, HttpRequest.Builder builder, HttpHeader header) {
        String value = request.getHeaders().get(header);
        if (value != null) {
            builder.header(header.asString(), value);
        }
    }

    private static void forward(HttpResponse<?> upstream, Response response, HttpHeader header) {
        Optional<String> value = upstream.headers().firstValue(header.asString());
        value.ifPresent(v -> response.getHeaders().put(header, v));
    }
}
