package io.github.mediamtxvod.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mediamtxvod.recording.OutputFormat;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.recording.SegmentLayout;
import io.github.mediamtxvod.testing.TestConfig;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The playback API over a real web server and catalogue, without media files: /list answers from
 * the catalogue alone, and every refusal is MediaMTX's error JSON with the right status.
 */
class PlaybackApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T = Instant.parse("2024-05-01T10:00:00Z");
    private static final String STREAM = "lobby/cam 1";

    @TempDir
    Path recordings;

    private TestServer test;

    @AfterEach
    void tearDown() {
        if (test != null) {
            test.close();
        }
    }

    @Test
    void listMergesConsecutiveSegmentsIntoSpansWithMediaMtxUrls() throws IOException {
        test = TestServer.start(recordings, TestConfig.open());
        test.view.addSession(STREAM, T, 3, 60);
        test.view.addSession(STREAM, T.plusSeconds(600), 2, 60);
        test.view.addSession("other", T, 5, 60);
        String host = "127.0.0.1:" + test.server.port();

        HttpResponse<String> response = test.get("/list?path=" + encode(STREAM));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        JsonNode spans = JSON.readTree(response.body());
        assertThat(spans).hasSize(2);
        assertThat(spans.get(0).get("start").asText()).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(spans.get(0).get("duration").asDouble()).isEqualTo(180.0);
        assertThat(spans.get(0).get("url").asText()).isEqualTo("http://" + host
                + "/get?duration=180&path=lobby%2Fcam+1&start=2024-05-01T10%3A00%3A00Z");
        assertThat(spans.get(1).get("start").asText()).isEqualTo("2024-05-01T10:10:00Z");
        assertThat(spans.get(1).get("duration").asDouble()).isEqualTo(120.0);
        assertThat(spans.get(0).fieldNames()).toIterable().containsExactly("start", "duration", "url");
    }

    @Test
    void listClipsSpansToTheRequestedRange() throws IOException {
        test = TestServer.start(recordings, TestConfig.open());
        test.view.addSession(STREAM, T, 3, 60);

        JsonNode spans = JSON.readTree(test.get("/list?path=" + encode(STREAM)
                + "&start=2024-05-01T10:00:30.5Z&end=2024-05-01T12:01:00%2B02:00").body());

        assertThat(spans).hasSize(1);
        assertThat(spans.get(0).get("start").asText()).isEqualTo("2024-05-01T10:00:30.5Z");
        assertThat(spans.get(0).get("duration").asDouble()).isEqualTo(29.5);
        assertThat(spans.get(0).get("url").asText()).endsWith("/get?duration=29.5&path=lobby%2Fcam+1"
                + "&start=2024-05-01T10%3A00%3A30.5Z");
    }

    @Test
    void aSpanLongerThanTheCapGetsAUrlForItsFirstPart() throws IOException {
        test = TestServer.start(recordings, new WebConfig(0, null, null, false, null, WebConfig.DEFAULT_THUMBNAIL_CACHE_BYTES,
                Duration.ofSeconds(100)));
        test.view.addSession(STREAM, T, 3, 60);

        JsonNode span = JSON.readTree(test.get("/list?path=" + encode(STREAM)).body()).get(0);

        assertThat(span.get("duration").asDouble()).isEqualTo(180.0);
        assertThat(span.get("url").asText()).contains("/get?duration=100&");
    }

    @Test
    void nothingRecordedIs404AndBadParametersAre400InMediaMtxForm() throws IOException {
        test = TestServer.start(recordings, TestConfig.open());
        test.view.addSession(STREAM, T, 1, 60);
        String path = "path=" + encode(STREAM);

        assertError(test.get("/list?path=nobody"), 404, "no recordings found for the path");
        assertError(test.get("/list?" + path + "&start=2024-05-02T00:00:00Z"), 404,
                "no recordings found for the path in the given time range");
        assertError(test.get("/list"), 400, "parameter 'path' is required");
        assertError(test.get("/list?" + path + "&start=today"), 400, "parameter 'start' must be an RFC 3339 time");
        assertError(test.get("/get?" + path + "&start=2024-05-01T10:00:00Z"), 400, "parameter 'duration' is required");
        assertError(test.get("/get?" + path + "&start=2024-05-01T10:00:00Z&duration=7200"), 400,
                "parameter 'duration' is 7200 s, over the maximum of 3600 s (PLAYBACK_MAX_DURATION_SECONDS)");
        assertError(test.get("/get?" + path + "&start=2024-05-01T10:00:00Z&duration=10&format=webm"), 400,
                "parameter 'format' must be fmp4 (the default) or mp4");
        assertError(test.get("/get?" + path + "&start=2024-05-01T11:00:00Z&duration=10"), 404,
                "no recordings found for the path between 2024-05-01T11:00:00Z and 2024-05-01T11:00:10Z");
        assertError(test.get("/get?path=nobody&start=2024-05-01T10:00:00Z&duration=10"), 404,
                "no recordings found for the path");
        assertError(test.post("/list?" + path), 405, "method not allowed");
    }

    @Test
    void aRangeWhoseFilesAreGoneEverywhereIs404() throws IOException {
        test = TestServer.start(recordings, TestConfig.open());
        test.view.addSession(STREAM, T, 2, 60); // catalogued, but no file on disk and nothing in S3

        assertError(test.get("/get?path=" + encode(STREAM) + "&start=2024-05-01T10:00:00Z&duration=60"), 404,
                "the recordings of this range are neither on disk nor in S3");
    }

    @Test
    void recordingsInAnotherContainerAreNotListedNorCut() throws IOException {
        test = TestServer.start(recordings, TestConfig.open());
        String folder = SegmentLayout.sessionPath("ts-cam", T);
        test.view.add(new Segment("ts-cam", T, 0, folder + "/" + SegmentLayout.segmentFileName(0, OutputFormat.TS), T,
                Duration.ofSeconds(60), 1000));

        assertError(test.get("/list?path=ts-cam"), 404, "no recordings found for the path");
        assertError(test.get("/get?path=ts-cam&start=2024-05-01T10:00:00Z&duration=10"), 400,
                "the recordings of this range are not fragmented MP4");
    }

    @Test
    void basicAuthGuardsThePlaybackApiLikeTheRestOfTheApi() throws IOException {
        test = TestServer.start(recordings, TestConfig.basic("viewer", "s3cret", false, null));
        test.view.addSession(STREAM, T, 1, 60);
        String list = "/list?path=" + encode(STREAM);

        HttpResponse<String> refused = test.get(list);
        assertError(refused, 401, "authentication required");
        assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                value -> assertThat(value).startsWith("Basic realm="));
        assertThat(test.get(list, "Authorization", TestServer.basicAuth("viewer", "s3cret")).statusCode()).isEqualTo(200);
        assertError(test.get("/get?path=x&start=2024-05-01T10:00:00Z&duration=1", "Authorization",
                TestServer.basicAuth("viewer", "wrong")), 401, "authentication required");
    }

    private static void assertError(HttpResponse<String> response, int status, String message) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("status").asText()).isEqualTo("error");
        assertThat(body.get("error").asText()).startsWith(message);
        assertThat(body.size()).isEqualTo(2);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
