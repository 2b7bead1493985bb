package io.github.mediamtxvod.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A real webhook receiver for tests: a JDK HTTP server on loopback that records every POST and
 * answers with the status the test chose (by default 200), so it can fail for a while and then
 * accept. It verifies signatures the way a receiver should: HMAC-SHA256 of the raw body. The test
 * owns it and closes it. Thread-safe.
 */
public final class WebhookReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One POST as it arrived. */
    public record Request(String eventId, String eventType, String signature, String contentType, byte[] body,
            int answeredWith) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public boolean accepted() {
            return answeredWith >= 200 && answeredWith < 300;
        }

        /** Whether {@link #signature} is {@code sha256=} and the hex HMAC-SHA256 of the body with {@code secret}. */
        public boolean signedWith(String secret) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                String expected = "sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(body));
                return signature != null && java.security.MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.US_ASCII), signature.getBytes(StandardCharsets.US_ASCII));
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new ArrayList<>();
    private Function<Request, Integer> answer = request -> 200;

    private WebhookReceiver(HttpServer server) {
        this.server = server;
    }

    /** Starts on a free loopback port. */
    public static WebhookReceiver start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        WebhookReceiver receiver = new WebhookReceiver(server);
        server.createContext("/hooks/vod", receiver::handle);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
        return receiver;
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/vod");
    }

    /** Answers every following request with {@code status}. */
    public synchronized void answer(int status) {
        this.answer = request -> status;
    }

    /** Answers every following request as {@code rule} says (the request's answeredWith is not set yet). */
    public synchronized void answer(Function<Request, Integer> rule) {
        this.answer = rule;
    }

    /** Every request so far, in arrival order. */
    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The requests it accepted (answered 2xx), in arrival order. */
    public synchronized List<Request> accepted() {
        return requests.stream().filter(Request::accepted).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            int status;
            synchronized (this) {
                Request request = new Request(exchange.getRequestHeaders().getFirst("X-Vod-Event-Id"),
                        exchange.getRequestHeaders().getFirst("X-Vod-Event-Type"),
                        exchange.getRequestHeaders().getFirst("X-Vod-Signature"),
                        exchange.getRequestHeaders().getFirst("Content-Type"), body, 0);
                status = exchange.getRequestMethod().equals("POST") ? answer.apply(request) : 405;
                requests.add(new Request(request.eventId(), request.eventType(), request.signature(),
                        request.contentType(), body, status));
            }
            byte[] reply = (status >= 300 ? "not now" : "ok").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, reply.length);
            exchange.getResponseBody().write(reply);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
