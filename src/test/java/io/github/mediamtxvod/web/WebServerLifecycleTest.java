package io.github.mediamtxvod.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mediamtxvod.testing.TestConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebServerLifecycleTest {
    @TempDir
    Path recordings;

    private final java.util.List<FakeRecorderView> views = new java.util.ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void closeViews() {
        views.forEach(FakeRecorderView::close);
    }

    private WebServer server(int port) {
        WebConfig web = new WebConfig(port, null, null, false, null);
        FakeRecorderView view = new FakeRecorderView(recordings, java.time.InstantSource.system());
        views.add(view);
        return new WebServer(web, recordings, "ffmpeg", view,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    @Test
    void busyPortFailsTheStartWithAMessageNamingTheSetting() throws IOException {
        try (ServerSocket busy = new ServerSocket(0)) {
            WebServer server = server(busy.getLocalPort());

            assertThatThrownBy(server::start)
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("cannot start the web server on HTTP_PORT=" + busy.getLocalPort());
            server.close();
        }
    }

    @Test
    void closeStopsServingAndIsIdempotent() throws IOException {
        WebServer server = server(0);
        server.close(); // before start: nothing to do
        WebServer started = server(0);
        started.start();
        int port = started.port();
        assertThat(port).isPositive();

        started.close();
        started.close();

        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(IOException.class);
    }

    @Test
    void startingTwiceIsRefused() throws IOException {
        WebServer server = server(0);
        server.start();
        try {
            assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
        } finally {
            server.close();
        }
    }
}
