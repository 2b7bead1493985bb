package io.github.mediamtxvod.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mediamtxvod.recording.RecordingStatus;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.testing.TestConfig;
import io.github.mediamtxvod.upload.UploadStatus;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant DAY1 = Instant.parse("2024-05-01T10:00:00Z");

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

    private JsonNode json(HttpResponse<String> response) throws IOException {
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        return JSON.readTree(response.body());
    }

    @Test
    void statusReportsRecordingsQueueDiskAndReachability() throws IOException {
        Instant since = Instant.parse("2024-05-01T11:00:00Z");
        test.view.recording = new RecordingStatus(
                List.of(new RecordingStatus.StreamStatus("cam1", RecordingStatus.State.RECORDING, since, since, 12,
                        3_000_000, 2, "ffmpeg exited with status 1", since)),
                List.of(new RecordingStatus.Waiting("cam9", since)), 10);
        test.view.uploads = new UploadStatus(UploadStatus.S3State.UNREACHABLE, 2, 4, "S3 timeout", since, since, 0, 0);
        test.view.freeBytes = 10L << 30;
        Instant now = test.clock.instant();
        test.clock.set(now.minusSeconds(90));
        List<Segment> queued = test.view.addSession("cam1", DAY1, 6, 60);
        test.view.quarantine(queued.get(5));
        test.clock.set(now);

        HttpResponse<String> response = test.get("/api/status");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode status = json(response);
        assertThat(status.path("state").asText()).isEqualTo("RUNNING");
        assertThat(status.path("version").asText()).isEqualTo(WebServer.version());
        assertThat(status.path("startedAt").asText()).isEqualTo("2024-05-01T08:00:00Z");
        assertThat(status.path("uptimeSeconds").asLong()).isPositive();
        JsonNode active = status.path("recording").path(0);
        assertThat(active.path("stream").asText()).isEqualTo("cam1");
        assertThat(active.path("state").asText()).isEqualTo("RECORDING");
        assertThat(active.path("since").asText()).isEqualTo("2024-05-01T11:00:00Z");
        assertThat(active.path("segments").asLong()).isEqualTo(12);
        assertThat(active.path("bytes").asLong()).isEqualTo(3_000_000);
        assertThat(active.path("restarts").asInt()).isEqualTo(2);
        assertThat(active.path("lastError").asText()).isEqualTo("ffmpeg exited with status 1");
        assertThat(status.path("waiting").path(0).path("stream").asText()).isEqualTo("cam9");
        JsonNode uploads = status.path("uploads");
        assertThat(uploads.path("pending").asLong()).isEqualTo(5);
        assertThat(uploads.path("inFlight").asLong()).isEqualTo(2);
        assertThat(uploads.path("failed").asLong()).isEqualTo(1);
        assertThat(uploads.path("oldestPendingAgeSeconds").asDouble()).isEqualTo(90.0);
        assertThat(uploads.path("lastError").asText()).isEqualTo("S3 timeout");
        assertThat(status.path("disk").path("freeBytes").asLong()).isEqualTo(10L << 30);
        assertThat(status.path("disk").path("aboveGuard").asBoolean()).isTrue();
        assertThat(status.path("mediamtx").path("reachable").asBoolean()).isTrue();
        assertThat(status.path("s3").path("reachable").asBoolean()).isFalse();
        assertThat(status.path("s3").path("lastError").asText()).isEqualTo("S3 timeout");
        assertThat(status.path("s3").path("lastCheck").asText()).isEqualTo("2024-05-01T11:00:00Z");
        assertThat(test.view.lastStatusOnVirtualThread).as("handler ran on a virtual thread").isTrue();
    }

    @Test
    void withNothingPendingTheOldestAgeIsUnknownAndS3StillSaysWhenItWasLastAsked() throws IOException {
        Instant checked = Instant.parse("2024-05-01T11:30:00Z");
        test.view.uploads = new UploadStatus(UploadStatus.S3State.REACHABLE, 0, 0, null, null, checked, 5, 500);
        List<Segment> uploaded = test.view.addSession("cam1", DAY1, 1, 60);
        test.view.confirm(uploaded.get(0));

        JsonNode status = json(test.get("/api/status"));

        assertThat(status.path("uploads").path("pending").asLong()).isZero();
        assertThat(status.path("uploads").path("oldestPendingAgeSeconds").isNull()).isTrue();
        assertThat(status.path("s3").path("lastCheck").asText()).isEqualTo("2024-05-01T11:30:00Z");
        assertThat(status.path("mediamtx").path("lastCheck").asText()).isEqualTo("2024-05-01T08:00:00Z");
    }

    @Test
    void streamsListEveryStreamWithItsDaysNewestFirst() throws IOException {
        test.view.addSession("cam2", DAY1, 3, 2);
        test.view.addSession("cam1", DAY1, 2, 2);
        test.view.addSession("cam1", DAY1.plus(Duration.ofDays(1)), 2, 2);

        JsonNode streams = json(test.get("/api/streams")).path("streams");

        assertThat(streams).hasSize(2);
        assertThat(streams.path(0).path("stream").asText()).isEqualTo("cam1");
        assertThat(streams.path(0).path("sessions").asLong()).isEqualTo(2);
        assertThat(streams.path(0).path("segments").asLong()).isEqualTo(4);
        assertThat(streams.path(0).path("days").toString()).isEqualTo("[\"2024-05-02\",\"2024-05-01\"]");
        assertThat(streams.path(1).path("stream").asText()).isEqualTo("cam2");
    }

    @Test
    void recordingsFilterByStreamAndOverlapWithTheTimeRange() throws IOException {
        test.view.addSession("cam1", DAY1, 3, 60); // 10:00..10:03
        test.view.addSession("cam1", DAY1.plusSeconds(3600), 3, 60); // 11:00..11:03
        test.view.addSession("cam2", DAY1, 3, 60);

        JsonNode all = json(test.get("/api/recordings"));
        JsonNode cam1 = json(test.get("/api/recordings?stream=cam1"));
        JsonNode overlapping = json(test.get("/api/recordings?stream=cam1&from=2024-05-01T10:02:00Z&to=2024-05-01T10:30:00Z"));
        JsonNode later = json(test.get("/api/recordings?from=2024-05-01T10:30:00%2B00:00"));
        JsonNode oldest = json(test.get("/api/recordings?stream=cam1&order=oldest&pageSize=1"));

        assertThat(all.path("totalSessions").asLong()).isEqualTo(3);
        assertThat(cam1.path("totalSessions").asLong()).isEqualTo(2);
        assertThat(cam1.path("sessions").path(0).path("start").asText()).as("newest first").isEqualTo("2024-05-01T11:00:00Z");
        assertThat(overlapping.path("totalSessions").asLong()).isEqualTo(1);
        assertThat(overlapping.path("sessions").path(0).path("start").asText()).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(overlapping.path("sessions").path(0).path("segments")).as("the whole session").hasSize(3);
        assertThat(later.path("totalSessions").asLong()).isEqualTo(1);
        assertThat(oldest.path("sessions").path(0).path("start").asText()).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(test.raw("/api/recordings?order=sideways").status()).isEqualTo(400);
    }

    @Test
    void recordingsCarrySegmentsWithUploadStateSourceAndUrl() throws IOException {
        String folder = "cams~2Ffront/2024-05-01/20240501_100000";
        test.view.uploads = new UploadStatus(UploadStatus.S3State.REACHABLE, 0, 0, null, null, DAY1, 1, 100);
        Segment gone = test.view.add(new Segment("cams/front", DAY1, 0, folder + "/segment_000.mp4", DAY1,
                Duration.ofMillis(2002), 100));
        test.view.add(new Segment("cams/front", DAY1, 1, folder + "/segment_001.mp4", DAY1.plusSeconds(2),
                Duration.ofSeconds(2), 200));
        test.view.add(new Segment("cams/front", DAY1, 2, folder + "/segment_002.mp4", DAY1.plusSeconds(4), null, 50));
        test.view.deleteLocally(gone);
        test.view.recording = new RecordingStatus(List.of(new RecordingStatus.StreamStatus("cams/front",
                RecordingStatus.State.RECORDING, DAY1, DAY1, 3, 350, 0, null, null)), List.of(), 10);

        JsonNode session = json(test.get("/api/recordings?stream=cams%2Ffront")).path("sessions").path(0);

        assertThat(session.path("stream").asText()).isEqualTo("cams/front");
        assertThat(session.path("format").asText()).isEqualTo("mp4");
        assertThat(session.path("playable").asBoolean()).isTrue();
        assertThat(session.path("recording").asBoolean()).isTrue();
        assertThat(session.path("sizeBytes").asLong()).isEqualTo(350);
        assertThat(session.path("durationSeconds").isNull()).as("unknown while a duration is").isTrue();
        assertThat(session.path("url").asText()).isEqualTo("/recordings/cams~2Ffront/2024-05-01/20240501_100000/");
        JsonNode first = session.path("segments").path(0);
        assertThat(first.path("index").asInt()).isZero();
        assertThat(first.path("start").asText()).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(first.path("durationSeconds").asDouble()).isEqualTo(2.002);
        assertThat(first.path("upload").asText()).isEqualTo("UPLOADED");
        assertThat(first.path("local").asBoolean()).isFalse();
        assertThat(first.path("source").asText()).isEqualTo("s3");
        assertThat(first.path("file").asText()).isEqualTo("segment_000.mp4");
        assertThat(first.path("url").asText()).isEqualTo("/recordings/" + folder + "/segment_000.mp4");
        assertThat(session.path("segments").path(1).path("source").asText()).isEqualTo("local");
        assertThat(session.path("segments").path(2).path("durationSeconds").isNull()).isTrue();
    }

    @Test
    void mkvSessionsAreNotPlayableInThePage() throws IOException {
        test.view.add(new Segment("cam1", DAY1, 0, "cam1/2024-05-01/20240501_100000/segment_000.mkv", DAY1,
                Duration.ofSeconds(60), 10));

        assertThat(json(test.get("/api/recordings")).path("sessions").path(0).path("playable").asBoolean()).isFalse();
    }

    @Test
    void recordingsArePaginated() throws IOException {
        for (int i = 0; i < 5; i++) {
            test.view.addSession("cam1", DAY1.plusSeconds(i * 600L), 1, 60);
        }

        JsonNode second = json(test.get("/api/recordings?page=2&pageSize=2"));
        JsonNode last = json(test.get("/api/recordings?page=3&pageSize=2"));
        JsonNode beyond = json(test.get("/api/recordings?page=9&pageSize=2"));

        assertThat(second.path("page").asInt()).isEqualTo(2);
        assertThat(second.path("pageSize").asInt()).isEqualTo(2);
        assertThat(second.path("totalSessions").asLong()).isEqualTo(5);
        assertThat(second.path("totalPages").asLong()).isEqualTo(3);
        assertThat(second.path("sessions")).extracting(s -> s.path("start").asText())
                .containsExactly("2024-05-01T10:20:00Z", "2024-05-01T10:10:00Z");
        assertThat(last.path("sessions")).extracting(s -> s.path("start").asText()).containsExactly("2024-05-01T10:00:00Z");
        assertThat(beyond.path("sessions")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "from=yesterday | from",
        "to=2024-13-01T00:00:00Z | to",
        "from=2024-05-01 | from",
        "page=0 | page",
        "page=abc | page",
        "pageSize=501 | pageSize",
        "pageSize=0 | pageSize",
        "pageSize=-1 | pageSize",
        "stream= | stream",
        "stream=a%00b | stream",
        "stream=a&stream=b | stream",
        "from=2024-05-02T00:00:00Z&to=2024-05-01T00:00:00Z | to",
        "from=2024-05-01T00:00:00Z&to=2024-05-01T00:00:00Z | to",
    })
    void invalidRecordingsParameterIsA400NamingIt(String query, String parameter) throws IOException {
        HttpResponse<String> response = test.get("/api/recordings?" + query);

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = json(response);
        assertThat(error.path("status").asInt()).isEqualTo(400);
        assertThat(error.path("error").asText()).contains("parameter '" + parameter + "'");
    }

    @Test
    void malformedQueryStringIsA400() throws IOException {
        TestServer.RawResponse response = test.raw("/api/recordings?from=%zz");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.text()).contains("\"status\":400");
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405AsJson() throws IOException {
        HttpResponse<String> unknown = test.get("/api/nothing");
        HttpResponse<String> post = test.post("/api/status");

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).path("error").asText()).isEqualTo("not found");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertThat(json(post).path("status").asInt()).isEqualTo(405);
    }

    @Test
    void failureInTheViewIsA500WithoutDetail() throws IOException {
        test.view.failing = true;

        HttpResponse<String> response = test.get("/api/streams");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(json(response).path("error").asText()).isEqualTo("internal error");
        assertThat(response.body()).doesNotContain("NullPointer");
    }

    @Test
    void largeCatalogueAnswersQuickly() throws IOException {
        for (int i = 0; i < 1000; i++) {
            test.view.addSession("cam" + (i % 10), DAY1.plusSeconds(i * 7200L), 100, 60);
        }
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            long start = System.nanoTime();
            HttpResponse<String> response = test.get("/api/recordings?stream=cam3&pageSize=50");
            millis.add((System.nanoTime() - start) / 1_000_000);
            assertThat(response.statusCode()).isEqualTo(200);
        }

        // 100,000 segments in the fake catalogue, 5,000 on the page; the best of 20 runs shows the
        // cost without the noise of a busy machine
        assertThat(millis.stream().mapToLong(Long::longValue).min().orElseThrow()).isLessThan(100);
    }

    @Test
    void securityHeadersAreOnEveryAnswer() {
        for (String path : new String[] {"/", "/api/status", "/recordings/", "/nothing", "/health", "/metrics",
            "/assets/app.js"}) {
            assertSecurityHeaders(test.get(path).headers().map().entrySet().toString(), path);
        }
        TestServer.RawResponse rejectedByJetty = test.raw("/%2e%2e/x");
        assertThat(rejectedByJetty.status()).isEqualTo(400);
        assertSecurityHeaders(rejectedByJetty.text(), "jetty's own 400");
    }

    private static void assertSecurityHeaders(String headers, String what) {
        String lower = headers.toLowerCase(Locale.ROOT);
        assertThat(lower).as(what)
                .contains("content-security-policy")
                .contains("script-src 'self'")
                .contains("frame-ancestors 'none'")
                .contains("x-content-type-options")
                .contains("nosniff")
                .contains("x-frame-options")
                .contains("referrer-policy");
        assertThat(lower).as(what).doesNotContain("unsafe-inline");
    }

    @Test
    void uiIsServedFromTheJarWithoutInlineScript() {
        HttpResponse<String> index = test.get("/");
        HttpResponse<String> script = test.get("/assets/app.js");
        HttpResponse<String> style = test.get("/assets/style.css");

        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(index.body()).contains("<script type=\"module\" src=\"/assets/app.js\"></script>");
        assertThat(index.body().replace("<script type=\"module\" src=\"/assets/app.js\"></script>", ""))
                .doesNotContain("<script").doesNotContain("style=").doesNotContain("http://").doesNotContain("https://");
        assertThat(script.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(style.headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
        String etag = script.headers().firstValue("ETag").orElseThrow();
        assertThat(test.get("/assets/app.js", "If-None-Match", etag).statusCode()).isEqualTo(304);
        assertThat(test.get("/assets/nothing.js").statusCode()).isEqualTo(404);
        assertThat(test.get("/assets/index.html").statusCode()).isEqualTo(404);
    }

    @Test
    void hlsJsIsServedFromTheJarForPagesThatPlayThePlaylists() {
        HttpResponse<String> hls = test.get("/assets/vendor/hls.min.js");

        assertThat(hls.statusCode()).isEqualTo(200);
        assertThat(hls.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(hls.body()).contains("1.7.4");
    }
}
