package io.github.mediamtxvod.web;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.testing.TestConfig;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessTest {
    private static final String USER = "admin";
    private static final String PASSWORD = "pa55-w0rd-SECRET";
    private static final String TOKEN = "hook-TOKEN-secret-42";
    private static final List<String> PROTECTED = List.of("/", "/assets/app.js", "/api/status", "/api/streams",
            "/api/recordings", "/recordings/", "/recordings/cam1/a.mp4");
    private static final List<String> PROBES = List.of("/health", "/ready", "/metrics");

    @TempDir
    Path recordings;

    private TestServer test;

    private void start(WebConfig web) throws IOException {
        Files.createDirectories(recordings.resolve("cam1"));
        Files.writeString(recordings.resolve("cam1/a.mp4"), "video");
        test = TestServer.start(recordings, web);
    }

    @AfterEach
    void tearDown() {
        if (test != null) {
            test.close();
        }
    }

    @Test
    void withoutCredentialsConfiguredEverythingIsOpen() throws IOException {
        start(TestConfig.open());

        for (String path : PROTECTED) {
            assertThat(test.get(path).statusCode()).as(path).isEqualTo(200);
        }
        assertThat(test.post("/api/hooks/ready?path=cam1").statusCode()).isEqualTo(200);
    }

    @Test
    void uiFilesAndApiNeedBasicAuthWhenConfigured() throws IOException {
        start(TestConfig.basic(USER, PASSWORD, false, null));
        String good = TestServer.basicAuth(USER, PASSWORD);

        for (String path : PROTECTED) {
            HttpResponse<String> refused = test.get(path);
            assertThat(refused.statusCode()).as(path).isEqualTo(401);
            assertThat(refused.headers().firstValue("WWW-Authenticate"))
                    .hasValue("Basic realm=\"vod-recorder\", charset=\"UTF-8\"");
            assertThat(refused.body()).isEqualTo("{\"error\":\"authentication required\",\"status\":401}");
            assertThat(test.get(path, "Authorization", good).statusCode()).as(path).isEqualTo(200);
        }
    }

    @Test
    void wrongOrMalformedCredentialsAreRefused() throws IOException {
        start(TestConfig.basic(USER, PASSWORD, false, null));

        for (String header : new String[] {
            TestServer.basicAuth(USER, "wrong"), TestServer.basicAuth("root", PASSWORD),
            TestServer.basicAuth(USER, PASSWORD + "x"), TestServer.basicAuth(USER, ""), "Basic !!!notbase64",
            "Basic " + Base64.getEncoder().encodeToString(USER.getBytes(UTF_8)),
            "Bearer " + PASSWORD, "Digest username=\"admin\""}) {
            assertThat(test.get("/api/status", "Authorization", header).statusCode()).as(header).isEqualTo(401);
        }
        assertThat(test.get("/api/status", "Authorization", "basic " + TestServer.basicAuth(USER, PASSWORD).substring(6))
                .statusCode()).as("scheme is case-insensitive").isEqualTo(200);
    }

    @Test
    void probesStayOpenByDefault() throws IOException {
        start(TestConfig.basic(USER, PASSWORD, false, null));

        for (String path : PROBES) {
            assertThat(test.get(path).statusCode()).as(path).isEqualTo(200);
        }
    }

    @Test
    void probesNeedBasicAuthWhenProtected() throws IOException {
        start(TestConfig.basic(USER, PASSWORD, true, null));

        for (String path : PROBES) {
            assertThat(test.get(path).statusCode()).as(path).isEqualTo(401);
            assertThat(test.get(path, "Authorization", TestServer.basicAuth(USER, PASSWORD)).statusCode())
                    .as(path).isEqualTo(200);
        }
    }

    @Test
    void hooksNeedTheTokenWhenSetAsBearerOrQueryParameter() throws IOException {
        start(TestConfig.hookToken(TOKEN));

        HttpResponse<String> missing = test.post("/api/hooks/ready?path=cam1");
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"vod-recorder hooks\"");
        assertThat(missing.body()).contains("hook token required");
        assertThat(test.post("/api/hooks/ready?path=cam1", "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
        assertThat(test.post("/api/hooks/ready?path=cam1&token=wrong").statusCode()).isEqualTo(401);
        assertThat(test.post("/api/hooks/ready?path=cam1&token=" + TOKEN + "x").statusCode()).isEqualTo(401);
        assertThat(test.view.hookCalls).isEmpty();

        assertThat(test.post("/api/hooks/ready?path=cam1", "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
        assertThat(test.post("/api/hooks/not-ready?path=cam1&token=" + TOKEN).statusCode()).isEqualTo(200);
        assertThat(test.view.hookCalls).hasSize(2);
        assertThat(test.get("/api/status").statusCode()).as("the token guards only the hooks").isEqualTo(200);
    }

    @Test
    void withBothSetHooksTakeTheTokenAndNotTheUiPassword() throws IOException {
        start(TestConfig.basic(USER, PASSWORD, false, TOKEN));

        assertThat(test.post("/api/hooks/ready?path=cam1", "Authorization", TestServer.basicAuth(USER, PASSWORD))
                .statusCode()).isEqualTo(401);
        assertThat(test.post("/api/hooks/ready?path=cam1", "Authorization", "Bearer " + TOKEN).statusCode())
                .isEqualTo(200);
        assertThat(test.get("/api/status", "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(401);
    }

    @Test
    void withoutTokenHooksFallUnderBasicAuthLikeTheApi() throws IOException {
        start(TestConfig.basic(USER, PASSWORD, false, null));

        assertThat(test.post("/api/hooks/ready?path=cam1").statusCode()).isEqualTo(401);
        assertThat(test.post("/api/hooks/ready?path=cam1", "Authorization", TestServer.basicAuth(USER, PASSWORD))
                .statusCode()).isEqualTo(200);
    }

    @Test
    void secretsNeverAppearInAnswers() throws IOException {
        start(TestConfig.basic(USER, PASSWORD, false, TOKEN));
        String good = TestServer.basicAuth(USER, PASSWORD);

        StringBuilder everything = new StringBuilder();
        for (String path : List.of("/", "/api/status", "/api/streams", "/api/recordings", "/recordings/", "/health",
                "/ready", "/metrics", "/assets/app.js", "/nothing")) {
            everything.append(test.get(path, "Authorization", good).body());
            everything.append(test.get(path).body());
        }
        everything.append(test.post("/api/hooks/ready?path=cam1&token=" + TOKEN).body());
        everything.append(test.post("/api/hooks/ready?path=cam1&token=wrong").body());

        assertThat(everything.toString()).doesNotContain(PASSWORD).doesNotContain(TOKEN);
    }
}
