package io.github.mediamtxvod.mediamtx;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.github.mediamtxvod.config.Secret;
import io.github.mediamtxvod.testing.FakeMediaMtx.Failure;
import io.github.mediamtxvod.testing.FakeMediaMtx;
import io.github.mediamtxvod.testing.LogCapture;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MediaMtxClientTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final FakeMediaMtx fake = FakeMediaMtx.start();
    private final List<MediaMtxClient> clients = new ArrayList<>();

    @AfterEach
    void tearDown() {
        clients.forEach(MediaMtxClient::close);
        fake.close();
    }

    @Test
    void listsEveryPathAcrossThreePages() throws Exception {
        fake.setPaths(IntStream.range(0, 250)
                .mapToObj(i -> FakeMediaMtx.path(String.format("cam%03d", i)).build())
                .toList());

        List<MediaMtxPath> paths = client(fake.apiUrl()).listPaths();

        assertThat(paths).hasSize(250).allMatch(MediaMtxPath::live);
        assertThat(paths.get(0).name()).isEqualTo("cam000");
        assertThat(paths.get(249).name()).isEqualTo("cam249");
        assertThat(fake.requestUris()).extracting(URI::toString).containsExactly(
                "/v3/paths/list?page=0&itemsPerPage=100",
                "/v3/paths/list?page=1&itemsPerPage=100",
                "/v3/paths/list?page=2&itemsPerPage=100");
    }

    @Test
    void emptyServerIsOneRequestAndNoPaths() throws Exception {
        assertThat(client(fake.apiUrl()).listPaths()).isEmpty();
        assertThat(fake.requestCount()).isEqualTo(1);
    }

    @Test
    void sendsBasicAuthWithTheFirstRequest() throws Exception {
        fake.requireCredentials("recorder", "pa:ss wörd");
        fake.setLive("cam1", true);

        MediaMtxClient client = client(config(fake.apiUrl(), "recorder", "pa:ss wörd"));

        List<MediaMtxPath> paths = client.listPaths();

        assertThat(paths).extracting(MediaMtxPath::name).containsExactly("cam1");
        assertThat(fake.requestCount()).as("no challenge round trip").isEqualTo(1);
    }

    @Test
    void wrongCredentialsSayWhatToCheckWithoutThePassword() {
        fake.requireCredentials("recorder", "right");

        MediaMtxException e = failure(client(config(fake.apiUrl(), "recorder", "wrong-secret-42")));

        assertThat(e.reason()).isEqualTo(MediaMtxException.Reason.UNAUTHORIZED);
        assertThat(e.getMessage())
                .contains("HTTP 401", "'recorder'", "MEDIAMTX_API_USER", "MEDIAMTX_API_PASSWORD",
                        "authInternalUsers", "'api'", fake.apiUrl().toString())
                .doesNotContain("wrong-secret-42");
    }

    @Test
    void missingCredentialsSayToSetThem() {
        fake.requireCredentials("recorder", "right");

        MediaMtxException e = failure(client(fake.apiUrl()));

        assertThat(e.reason()).isEqualTo(MediaMtxException.Reason.UNAUTHORIZED);
        assertThat(e.getMessage()).contains("set MEDIAMTX_API_USER and MEDIAMTX_API_PASSWORD");
    }

    @Test
    void answerDelayedByWrongCredentialsIsReportedAsTimeoutWithCredentialHint() {
        fake.requireCredentials("recorder", "right");
        fake.setWrongCredentialsDelay(Duration.ofSeconds(30));

        MediaMtxException e = failure(client(
                config(fake.apiUrl(), "recorder", "not-it-7", Duration.ofMillis(300))));

        assertThat(e.reason()).isEqualTo(MediaMtxException.Reason.TIMEOUT);
        assertThat(e.getMessage())
                .contains("300 ms", "MEDIAMTX_API_PASSWORD")
                .doesNotContain("not-it-7");
    }

    @Test
    void serverErrorShowsStatusAndMediaMtxErrorText() {
        fake.failWith(Failure.HTTP_500);

        MediaMtxException e = failure(client(fake.apiUrl()));

        assertThat(e.reason()).isEqualTo(MediaMtxException.Reason.HTTP_ERROR);
        assertThat(e.getMessage()).contains("HTTP 500: terminated", "/v3/paths/list");
    }

    @Test
    void wrongUrlGets404WithHintAboutTheControlApi() {
        MediaMtxException e = failure(client(fake.apiUrl().resolve("/not-the-api")));

        assertThat(e.reason()).isEqualTo(MediaMtxException.Reason.HTTP_ERROR);
        assertThat(e.getMessage()).contains("HTTP 404: 404 page not found", "MEDIAMTX_API_URL");
    }

    @Test
    void invalidJsonIsReportedAsSuch() {
        fake.failWith(Failure.INVALID_JSON);

        MediaMtxException e = failure(client(fake.apiUrl()));

        assertThat(e.reason()).isEqualTo(MediaMtxException.Reason.INVALID_ANSWER);
        assertThat(e.getMessage()).contains("invalid JSON");
    }

    @Test
    void serverThatNeverAnswersFailsWithinTheTimeout() {
        fake.failWith(Failure.NO_ANSWER);
        MediaMtxClient client = client(config(fake.apiUrl(), null, null, Duration.ofMillis(500)));

        long start = System.nanoTime();
        MediaMtxException e = failure(client);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        assertThat(e.reason()).isEqualTo(MediaMtxException.Reason.TIMEOUT);
        assertThat(e.getMessage()).contains("did not answer within 500 ms");
        assertThat(elapsed).isBetween(Duration.ofMillis(400), Duration.ofMillis(2500));
    }

    @Test
    void closedPortIsUnreachableAndNamesTheUrl() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        URI url = URI.create("http://127.0.0.1:" + port);

        MediaMtxException e = failure(client(url));

        assertThat(e.reason()).isEqualTo(MediaMtxException.Reason.UNREACHABLE);
        assertThat(e.getMessage()).contains(url + "/v3/paths/list", "connection refused");
    }

    @Test
    void unknownHostIsUnreachableAndNamesTheHost() {
        MediaMtxException e = failure(client(URI.create("http://no-such-host.invalid:9997")));

        assertThat(e.reason()).isEqualTo(MediaMtxException.Reason.UNREACHABLE);
        assertThat(e.getMessage()).contains("unknown host no-such-host.invalid");
    }

    @Test
    void connectionClosedWithoutAnswerIsUnreachable() {
        fake.failWith(Failure.CONNECTION_CLOSED);

        MediaMtxException e = failure(client(fake.apiUrl()));

        assertThat(e.reason()).isEqualTo(MediaMtxException.Reason.UNREACHABLE);
    }

    @Test
    void oversizedAnswerIsRefused() {
        fake.serveRawBody("[" + " ".repeat(MediaMtxClient.MAX_BODY_BYTES) + "]");

        MediaMtxException e = failure(client(fake.apiUrl()));

        assertThat(e.reason()).isEqualTo(MediaMtxException.Reason.INVALID_ANSWER);
        assertThat(e.getMessage()).contains("larger than");
    }

    @Test
    void apiUrlMayHaveTrailingSlashOrPathPrefix() throws Exception {
        try (FakeMediaMtx proxied = FakeMediaMtx.start("/media/api")) {
            proxied.setLive("cam1", true);
            fake.setLive("cam2", true);
            URI prefixed = proxied.apiUrl();

            assertThat(client(URI.create(fake.apiUrl() + "/")).listPaths()).hasSize(1);
            assertThat(client(prefixed).listPaths()).hasSize(1);
            assertThat(client(URI.create(prefixed + "//")).listPaths()).hasSize(1);
            assertThat(proxied.requestUris()).extracting(URI::getPath)
                    .containsOnly("/media/api/v3/paths/list");
        }
    }

    @Test
    void liveMeansAvailableAndOnline() throws Exception {
        Instant since = Instant.parse("2026-01-02T03:04:05.123456Z");
        fake.setPaths(
                FakeMediaMtx.path("cam-live").since(since).codecs("H264", "MPEG-4 Audio").build(),
                FakeMediaMtx.path("cam-idle").live(false).build(),
                FakeMediaMtx.path("cam-filler").alwaysAvailableFiller().build());

        List<MediaMtxPath> paths = client(fake.apiUrl()).listPaths();

        assertThat(paths).containsExactly(
                new MediaMtxPath("cam-filler", false, List.of("H264"), null, null),
                new MediaMtxPath("cam-idle", false, List.of(), null, null),
                new MediaMtxPath("cam-live", true, List.of("H264", "MPEG-4 Audio"), since,
                        "rtspSession"));
    }

    @Test
    void serverWithoutAvailableFieldUsesReady() throws Exception {
        fake.setPaths(
                FakeMediaMtx.path("old-live").oldServer().build(),
                FakeMediaMtx.path("old-idle").oldServer().live(false).build());

        List<MediaMtxPath> paths = client(fake.apiUrl()).listPaths();

        assertThat(paths).extracting(MediaMtxPath::name, MediaMtxPath::live)
                .containsExactly(
                        tuple("old-idle", false),
                        tuple("old-live", true));
    }

    @Test
    void codecsComeFromDeprecatedTracksWhenTracks2IsMissing() throws Exception {
        fake.setPaths(FakeMediaMtx.path("cam").codecs("H265", "Opus").withoutTracks2().build());

        assertThat(client(fake.apiUrl()).listPaths().get(0).trackCodecs())
                .containsExactly("H265", "Opus");
    }

    @Test
    void unknownFieldsAreIgnored() throws Exception {
        fake.setPaths(FakeMediaMtx.path("cam")
                .extraField("staticsourceStats", Map.of("inboundRTPPackets", 7))
                .extraField("futureFlag", true)
                .extraField("futureNull", null)
                .build());

        assertThat(client(fake.apiUrl()).listPaths())
                .extracting(MediaMtxPath::name, MediaMtxPath::live)
                .containsExactly(tuple("cam", true));
    }

    @Test
    void parsesTheSpecShapedFixture() throws Exception {
        fake.serveRawBody(fixture("paths-list-v1.20.1.json"));

        List<MediaMtxPath> paths = client(fake.apiUrl()).listPaths();

        assertThat(paths).containsExactly(
                new MediaMtxPath("garage", true, List.of("H265", "Opus"),
                        Instant.parse("2026-03-14T11:05:09.48812Z"), "rtmpConn"),
                new MediaMtxPath("lobby/entrance", true, List.of("AV1"),
                        Instant.parse("2026-03-14T11:41:00Z"), "webRTCSession"),
                new MediaMtxPath("promo", false, List.of("H264", "MPEG-4 Audio"), null, null),
                new MediaMtxPath("warehouse", false, List.of(), null, null));
    }

    @Test
    void parsesTheFixtureOfAServerOlderThanV116() throws Exception {
        fake.serveRawBody(fixture("paths-list-before-available.json"));

        List<MediaMtxPath> paths = client(fake.apiUrl()).listPaths();

        assertThat(paths).containsExactly(
                new MediaMtxPath("dock", true, List.of("H264", "G711"),
                        Instant.parse("2024-11-02T06:30:15.123456789Z"), "rtspSession"),
                new MediaMtxPath("yard", false, List.of(), null, null));
    }

    @Test
    void oddButLegalNamesArePassedOnAsSent() throws Exception {
        String longName = "n".repeat(300);
        fake.setPaths(
                FakeMediaMtx.path("../x").build(),
                FakeMediaMtx.path(longName).build(),
                FakeMediaMtx.path("caméra/東京").build());

        assertThat(client(fake.apiUrl()).listPaths()).extracting(MediaMtxPath::name)
                .containsExactly("../x", "caméra/東京", longName);
    }

    @Test
    void unusableNamesAreSkippedAndLoggedOncePerName() throws Exception {
        fake.setPaths(
                FakeMediaMtx.path("good").build(),
                FakeMediaMtx.path("bell\u0007").build(),
                FakeMediaMtx.path("new\nline").build(),
                FakeMediaMtx.path("bidi\u202Eevil").build(),
                FakeMediaMtx.path("   ").build());
        MediaMtxClient client = client(fake.apiUrl());

        try (LogCapture logs = LogCapture.of(PathListParser.class)) {
            List<MediaMtxPath> first = client.listPaths();
            List<MediaMtxPath> second = client.listPaths();

            assertThat(first).extracting(MediaMtxPath::name).containsExactly("good");
            assertThat(second).isEqualTo(first);
            List<String> warnings = logs.messages(Level.WARN);
            assertThat(warnings).hasSize(4)
                    .noneMatch(m -> m.contains("\n") || m.contains("\u0007"));
            assertThat(warnings).anyMatch(m -> m.startsWith("'new\\u000aline' - skipped"));
        }
    }

    @Test
    void itemsWithMissingOrNonStringNamesOrWrongTypesAreSkipped() throws Exception {
        fake.serveRawBody("""
                {"itemCount": 8, "pageCount": 1, "items": [
                  {"confName": "x", "available": true},
                  {"name": null, "available": true},
                  {"name": 42, "available": true},
                  {"name": ["a"], "available": true},
                  "not an object",
                  {"name": "cam-wrong", "available": "yes"},
                  {"name": "cam-tracks", "available": true, "tracks2": [{"codec": 5}]},
                  {"name": "cam-ok", "available": true, "online": true}
                ]}
                """);

        assertThat(client(fake.apiUrl()).listPaths())
                .containsExactly(new MediaMtxPath("cam-ok", true, List.of(), null, null));
    }

    @Test
    void answerOfTheWrongShapeFailsTheWholeList() {
        for (String body : List.of(
                "[]",
                "\"paths\"",
                "{\"pageCount\": 1, \"items\": {\"name\": \"cam\"}}",
                "{\"pageCount\": \"1\", \"items\": []}",
                "{\"pageCount\": -1, \"items\": []}",
                "{\"pageCount\": 1.5, \"items\": []}",
                "{\"pageCount\": 1, \"items\": []} trailing")) {
            fake.serveRawBody(body);

            MediaMtxException e = failure(client(fake.apiUrl()));

            assertThat(e.reason()).as(body).isEqualTo(MediaMtxException.Reason.INVALID_ANSWER);
        }
    }

    @Test
    void absurdPageCountIsRefusedAfterOneRequest() {
        fake.serveRawBody("{\"itemCount\": 1, \"pageCount\": 99999999,"
                + " \"items\": [{\"name\": \"cam\", \"available\": true}]}");

        MediaMtxException e = failure(client(fake.apiUrl()));

        assertThat(e.getMessage()).contains("pageCount 99999999");
        assertThat(fake.requestCount()).isEqualTo(1);
    }

    @Test
    void pagesAreFetchedOnlyUpToPageCountAndNamesCountOnce() throws Exception {
        // a body that ignores the page asked for: each page repeats the same path
        fake.serveRawBody("{\"itemCount\": 300, \"pageCount\": 3,"
                + " \"items\": [{\"name\": \"cam\", \"available\": true}]}");

        assertThat(client(fake.apiUrl()).listPaths()).hasSize(1);
        assertThat(fake.requestCount()).isEqualTo(3);
    }

    @Test
    void getPathTellsLiveNotReadyFillerAndMissingApart() throws Exception {
        fake.setPaths(
                FakeMediaMtx.path("cam-live").codecs("H264", "MPEG-4 Audio").build(),
                FakeMediaMtx.path("cam-idle").live(false).build(),
                FakeMediaMtx.path("cam-filler").alwaysAvailableFiller().build());
        MediaMtxClient client = client(fake.apiUrl());

        assertThat(client.getPath("cam-live")).hasValueSatisfying(path -> {
            assertThat(path.live()).isTrue();
            assertThat(path.trackCodecs()).containsExactly("H264", "MPEG-4 Audio");
        });
        assertThat(client.getPath("cam-idle")).hasValueSatisfying(path -> assertThat(path.live()).isFalse());
        assertThat(client.getPath("cam-filler")).hasValueSatisfying(path -> assertThat(path.live()).isFalse());
        assertThat(client.getPath("cam-missing")).isEmpty();
        assertThat(fake.requestUris()).extracting(URI::getRawPath).containsExactly(
                "/v3/paths/get/cam-live", "/v3/paths/get/cam-idle", "/v3/paths/get/cam-filler",
                "/v3/paths/get/cam-missing");
    }

    @Test
    void getPathOfAServerOlderThanV116UsesReady() throws Exception {
        fake.setPaths(FakeMediaMtx.path("old-live").oldServer().build(),
                FakeMediaMtx.path("old-idle").oldServer().live(false).build());
        MediaMtxClient client = client(fake.apiUrl());

        assertThat(client.getPath("old-live")).hasValueSatisfying(path -> assertThat(path.live()).isTrue());
        assertThat(client.getPath("old-idle")).hasValueSatisfying(path -> assertThat(path.live()).isFalse());
    }

    @Test
    void getPathEncodesEachSegmentOfTheName() throws Exception {
        List<String> names = List.of("live/front door", "a?b#c%d", "../x", "caméra/東京", "x/./y", "a+b&c=d");
        names.forEach(name -> fake.putPath(FakeMediaMtx.path(name).build()));
        MediaMtxClient client = client(fake.apiUrl());

        for (String name : names) {
            assertThat(client.getPath(name)).as(name)
                    .hasValueSatisfying(path -> assertThat(path.name()).isEqualTo(name));
        }
        assertThat(fake.requestUris()).extracting(URI::getRawPath).containsExactly(
                "/v3/paths/get/live/front%20door",
                "/v3/paths/get/a%3Fb%23c%25d",
                "/v3/paths/get/%2E%2E/x",
                "/v3/paths/get/cam%C3%A9ra/%E6%9D%B1%E4%BA%AC",
                "/v3/paths/get/x/%2E/y",
                "/v3/paths/get/a%2Bb%26c%3Dd");
    }

    @Test
    void getPathRefusesNamesNoMediaMtxPathCanHave() {
        MediaMtxClient client = client(fake.apiUrl());

        for (String name : List.of("", "  ", "new\nline", "bidi\u202Eevil", "lone\uD800")) {
            assertThatThrownBy(() -> client.getPath(name)).as(name).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(fake.requestCount()).isZero();
    }

    @Test
    void getPathSendsCredentialsAndReportsWrongOnesWithoutThePassword() throws Exception {
        fake.requireCredentials("recorder", "right");
        fake.setLive("cam", true);

        assertThat(client(config(fake.apiUrl(), "recorder", "right")).getPath("cam")).isPresent();
        MediaMtxException e = getFailure(client(config(fake.apiUrl(), "recorder", "wrong-secret-42")), "cam");

        assertThat(e.reason()).isEqualTo(MediaMtxException.Reason.UNAUTHORIZED);
        assertThat(e.getMessage()).contains("/v3/paths/get/cam", "MEDIAMTX_API_PASSWORD").doesNotContain("wrong-secret-42");
    }

    @Test
    void a404ThatIsNotMediaMtxsIsAFailureNotAMissingPath() {
        MediaMtxException e = getFailure(client(fake.apiUrl().resolve("/not-the-api")), "cam");

        assertThat(e.reason()).isEqualTo(MediaMtxException.Reason.HTTP_ERROR);
        assertThat(e.getMessage()).contains("HTTP 404: 404 page not found", "MEDIAMTX_API_URL");
    }

    @Test
    void getPathFailuresAreReportedLikeTheList() {
        fake.setLive("cam", true);
        MediaMtxClient client = client(fake.apiUrl());

        fake.failWith(Failure.HTTP_500);
        assertThat(getFailure(client, "cam").getMessage()).contains("HTTP 500: terminated");
        fake.failWith(Failure.INVALID_JSON);
        assertThat(getFailure(client, "cam").reason()).isEqualTo(MediaMtxException.Reason.INVALID_ANSWER);
        fake.failWith(Failure.CONNECTION_CLOSED);
        assertThat(getFailure(client, "cam").reason()).isEqualTo(MediaMtxException.Reason.UNREACHABLE);
    }

    @Test
    void anAnswerAboutAnotherPathIsInvalid() {
        fake.setPaths(FakeMediaMtx.path("cam").extraField("name", "other").build());

        MediaMtxException e = getFailure(client(fake.apiUrl()), "cam");

        assertThat(e.reason()).isEqualTo(MediaMtxException.Reason.INVALID_ANSWER);
        assertThat(e.getMessage()).contains("'other'");
    }

    @Test
    void getPathThatNeverGetsAnAnswerFailsWithinTheTimeout() {
        fake.failWith(Failure.NO_ANSWER);
        MediaMtxClient client = client(config(fake.apiUrl(), null, null, Duration.ofMillis(500)));

        long start = System.nanoTime();
        MediaMtxException e = getFailure(client, "cam");
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        assertThat(e.reason()).isEqualTo(MediaMtxException.Reason.TIMEOUT);
        assertThat(e.getMessage()).contains("/v3/paths/get/cam", "did not answer within 500 ms");
        assertThat(elapsed).isBetween(Duration.ofMillis(400), Duration.ofMillis(2500));
    }

    @Test
    void cancellingAnAsyncGetAbortsTheRequest() {
        fake.hold();
        CompletableFuture<Optional<MediaMtxPath>> answer = client(fake.apiUrl()).getPathAsync("cam");
        await().atMost(Duration.ofSeconds(5)).until(() -> fake.heldRequests() == 1);

        answer.cancel(true);

        assertThat(answer).isCompletedExceptionally();
        fake.release();
    }

    private static MediaMtxException getFailure(MediaMtxClient client, String name) {
        MediaMtxException e = catchThrowableOfType(MediaMtxException.class, () -> client.getPath(name));
        assertThat(e).as("getPath(" + name + ") should have failed").isNotNull();
        return e;
    }

    private MediaMtxClient client(URI apiUrl) {
        return client(config(apiUrl, null, null));
    }

    private MediaMtxClient client(MediaMtxConfig config) {
        MediaMtxClient client = new MediaMtxClient(config);
        clients.add(client);
        return client;
    }

    static MediaMtxConfig config(URI apiUrl, String user, String password) {
        return config(apiUrl, user, password, TIMEOUT);
    }

    static MediaMtxConfig config(
            URI apiUrl, String user, String password, Duration timeout) {
        return new MediaMtxConfig(
                apiUrl,
                URI.create("rtsp://127.0.0.1:8554"),
                user,
                password == null ? null : new Secret(password),
                Duration.ofSeconds(10),
                timeout,
                null,
                null);
    }

    private static MediaMtxException failure(MediaMtxClient client) {
        MediaMtxException e = catchThrowableOfType(MediaMtxException.class, client::listPaths);
        assertThat(e).as("listPaths() should have failed").isNotNull();
        return e;
    }

    static String fixture(String name) {
        try (InputStream in = MediaMtxClientTest.class.getResourceAsStream("/mediamtx/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void clientCanBeClosedTwice() {
        MediaMtxClient client = new MediaMtxClient(config(fake.apiUrl(), null, null));
        client.close();
        client.close();
        assertThatThrownBy(client::listPaths).isInstanceOf(MediaMtxException.class);
    }
}
