package io.github.mediamtxvod.web;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.github.mediamtxvod.testing.MutableClock;
import io.github.mediamtxvod.testing.TestConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

/**
 * A real {@link WebServer} on port 0 with a {@link FakeRecorderView} and a clock tests move, and
 * real clients for it.
 */
final class TestServer implements AutoCloseable {
    final MutableClock clock = new MutableClock(FakeRecorderView.STARTED);
    final FakeRecorderView view;
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final Path recordingsDir;
    final WebServer server;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestServer(Path recordingsDir, WebConfig web) {
        this.recordingsDir = recordingsDir;
        this.view = new FakeRecorderView(recordingsDir, clock);
        this.server = new WebServer(web, recordingsDir, "ffmpeg", view, registry, clock);
    }

    static TestServer start(Path recordingsDir, WebConfig web) throws IOException {
        TestServer test = new TestServer(recordingsDir, web);
        test.server.start();
        // four hours of uptime: the clock runs on from the start unless a test moves it
        test.clock.set(FakeRecorderView.STARTED.plus(Duration.ofHours(4)));
        return test;
    }

    URI uri(String rawPathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port() + rawPathAndQuery);
    }

    HttpResponse<String> get(String rawPathAndQuery, String... headers) {
        return send(request(rawPathAndQuery, headers).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> getBytes(String rawPathAndQuery, String... headers) {
        return send(request(rawPathAndQuery, headers).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> post(String rawPathAndQuery, String... headers) {
        return send(request(rawPathAndQuery, headers).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> method(String method, String rawPathAndQuery, String... headers) {
        return send(request(rawPathAndQuery, headers).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpRequest.Builder request(String rawPathAndQuery, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(rawPathAndQuery)).timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            builder.headers(headers);
        }
        return builder;
    }

    <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return client.send(request, handler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String basicAuth(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(UTF_8));
    }

    /** The status line and whole answer to a GET whose request target is sent byte for byte. */
    record RawResponse(int status, String text) {}

    RawResponse raw(String requestTarget) {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + requestTarget + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            in.transferTo(answer);
            String text = answer.toString(ISO_8859_1);
            int status = text.length() >= 12 ? Integer.parseInt(text.substring(9, 12)) : -1;
            return new RawResponse(status, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        // the client first: its idle keep-alive connections would make Jetty's graceful stop wait
        client.close();
        server.close();
        view.close();
    }
}
