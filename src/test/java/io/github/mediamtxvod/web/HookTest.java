package io.github.mediamtxvod.web;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mediamtxvod.testing.LogCapture;
import io.github.mediamtxvod.testing.TestConfig;
import io.github.mediamtxvod.web.FakeRecorderView.HookCall;
import io.github.mediamtxvod.web.RecorderView.HookOutcome;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HookTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path recordings;

    private TestServer test;

    @BeforeEach
    void setUp() throws IOException {
        test = TestServer.start(recordings, TestConfig.open());
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void readyHookReachesTheViewAtOnce() throws Exception {
        test.post("/api/hooks/ready?path=warmup");
        test.view.hookCalls.clear();

        long sent = System.nanoTime();
        HttpResponse<String> response = test.post("/api/hooks/ready?path=cams/front");
        HookCall call = test.view.hookCalls.poll(5, TimeUnit.SECONDS);

        assertThat(call).isNotNull();
        assertThat(call.event()).isEqualTo("ready");
        assertThat(call.pathName()).isEqualTo("cams/front");
        assertThat(call.virtualThread()).isTrue();
        assertThat(Duration.ofNanos(call.nanoTime() - sent)).isLessThan(Duration.ofMillis(500));
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("path").asText()).isEqualTo("cams/front");
        assertThat(body.path("event").asText()).isEqualTo("ready");
        assertThat(body.path("outcome").asText()).isEqualTo("STARTED");
        assertThat(body.path("message").asText()).isEqualTo("ready handled");
    }

    @Test
    void notReadyHookStopsTheStream() throws Exception {
        test.view.hookOutcome = HookOutcome.STOPPED;

        HttpResponse<String> response = test.post("/api/hooks/not-ready?path=cam1");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("outcome").asText()).isEqualTo("STOPPED");
        HookCall call = test.view.hookCalls.poll(5, TimeUnit.SECONDS);
        assertThat(call.event()).isEqualTo("not-ready");
        assertThat(call.pathName()).isEqualTo("cam1");
    }

    @Test
    void onlyHooksThatChangeSomethingAreLoggedAtInfo() throws Exception {
        try (LogCapture logs = LogCapture.of(HookHandler.class)) {
            test.view.hookOutcome = HookOutcome.NOT_LIVE;
            assertThat(test.post("/api/hooks/ready?path=ghost").statusCode()).isEqualTo(200);
            test.view.hookOutcome = HookOutcome.STILL_LIVE;
            assertThat(test.post("/api/hooks/not-ready?path=cam1").statusCode()).isEqualTo(200);
            test.view.hookOutcome = HookOutcome.STARTED;
            assertThat(test.post("/api/hooks/ready?path=cam2").statusCode()).isEqualTo(200);

            assertThat(logs.messages(Level.INFO)).containsExactly("cam2 - hook ready: STARTED");
        }
    }

    @Test
    void ignoredStreamIsStillA200SoMediaMtxLogsNoFailure() throws Exception {
        test.view.hookOutcome = HookOutcome.IGNORED;

        HttpResponse<String> response = test.post("/api/hooks/ready?path=private");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("outcome").asText()).isEqualTo("IGNORED");
    }

    @Test
    void pathRefusedByTheViewIsA400() throws Exception {
        test.view.hookOutcome = HookOutcome.INVALID;

        HttpResponse<String> response = test.post("/api/hooks/ready?path=x");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).path("error").asText()).contains("parameter 'path'");
    }

    @Test
    void missingEmptyOrControlCharacterPathIsA400() throws Exception {
        for (String query : new String[] {"", "?path=", "?path=a%0Ab", "?path=" + "x".repeat(1025), "?path=a&path=b"}) {
            HttpResponse<String> response = test.post("/api/hooks/ready" + query);
            assertThat(response.statusCode()).as(query).isEqualTo(400);
            assertThat(JSON.readTree(response.body()).path("error").asText()).as(query).contains("'path'");
        }
        assertThat(test.view.hookCalls).isEmpty();
    }

    @Test
    void getIsNotAllowed() {
        HttpResponse<String> response = test.get("/api/hooks/ready?path=cam1");

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("POST");
        assertThat(test.view.hookCalls).isEmpty();
    }

    @Test
    void oversizedBodyIsA413() {
        HttpRequest request = test.request("/api/hooks/ready?path=cam1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[70_000]))
                .build();

        HttpResponse<String> response = test.send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("\"status\":413");
        assertThat(test.view.hookCalls).isEmpty();
    }
}
