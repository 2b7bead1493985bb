package io.github.mediamtxvod.web;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /metrics}: every meter of the shared registry in the Prometheus text exposition format
 * 0.0.4 (dotted Micrometer names become {@code vodrecorder_uploads_total} and the like).
 */
final class MetricsHandler implements Request.Handler {
    static final String PATH = "/metrics";
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;

    MetricsHandler(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws IOException {
        Replies.requireMethod(request, response, HttpMethod.GET);
        ByteArrayOutputStream text = new ByteArrayOutputStream(16 * 1024);
        registry.scrape(text, CONTENT_TYPE);
        response.getHeaders().put("Cache-Control", "no-store");
        return Replies.bytes(request, response, callback, 200, CONTENT_TYPE, text.toByteArray());
    }
}
