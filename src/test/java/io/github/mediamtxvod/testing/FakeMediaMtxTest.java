package io.github.mediamtxvod.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mediamtxvod.testing.FakeMediaMtx.Failure;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Checks the fake against MediaMTX v1.20.1's OpenAPI description (api/openapi.yaml): the
 * property sets and enums below are copied from its schemas, so a drift in the fake fails here.
 */
class FakeMediaMtxTest {
    /** Schema Path: every property, the deprecated ones included. */
    private static final Set<String> PATH_PROPERTIES = Set.of(
            "available", "availableTime", "bytesReceived", "bytesSent", "confName",
            "inboundBytes", "inboundFramesInError", "name", "online", "onlineTime",
            "outboundBytes", "readers", "ready", "readyTime", "source", "tracks", "tracks2");
    private static final Set<String> PATH_LIST_PROPERTIES =
            Set.of("itemCount", "items", "pageCount");
    private static final Set<String> PATH_SOURCE_PROPERTIES = Set.of("id", "type");
    private static final Set<String> PATH_READER_PROPERTIES = Set.of("id", "type");
    private static final Set<String> PATH_TRACK_PROPERTIES = Set.of("codec", "codecProps");
    private static final Set<String> PATH_SOURCE_TYPES = Set.of(
            "hlsSource", "redirect", "rpiCameraSource", "rtmpConn", "rtmpsConn", "rtmpSource",
            "rtspSession", "rtspSource", "rtspsSession", "srtConn", "srtSource", "mpegtsSource",
            "rtpSource", "webRTCSession", "webRTCSource", "moqSource", "moqSession");
    private static final Set<String> PATH_READER_TYPES = Set.of(
            "hlsSession", "rtmpConn", "rtmpsConn", "rtspConn", "rtspSession", "rtspsConn",
            "rtspsSession", "srtConn", "webRTCSession", "moqSession", "hidden");
    private static final Set<String> PATH_TRACK_CODECS = Set.of(
            "AV1", "VP9", "VP8", "H265", "H264", "MPEG-4 Video", "MPEG-1/2 Video", "M-JPEG",
            "Opus", "FLAC", "Vorbis", "MPEG-4 Audio", "MPEG-4 Audio LATM", "MPEG-1/2 Audio", "AC3",
            "Speex", "G726", "G722", "G711", "LPCM", "MPEG-TS", "KLV", "Generic");
    /** Schemas PathTrackCodecProps*: the properties of each codec that has one. */
    private static final Map<String, Set<String>> CODEC_PROPS = Map.of(
            "AV1", Set.of("height", "level", "profile", "tier", "width"),
            "VP9", Set.of("profile"),
            "H265", Set.of("height", "level", "profile", "width"),
            "H264", Set.of("height", "level", "profile", "width"),
            "Opus", Set.of("channelCount"),
            "MPEG-4 Audio", Set.of("channelCount", "sampleRate"),
            "AC3", Set.of("channelCount", "sampleRate"),
            "G711", Set.of("channelCount", "muLaw", "sampleRate"),
            "LPCM", Set.of("bitDepth", "channelCount", "sampleRate"));
    private static final Set<String> BOOLEANS = Set.of("available", "online", "ready");
    private static final Set<String> NULLABLE_TIMES =
            Set.of("availableTime", "onlineTime", "readyTime");
    private static final Set<String> COUNTERS = Set.of(
            "bytesReceived", "bytesSent", "inboundBytes", "inboundFramesInError", "outboundBytes");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeMediaMtx fake = FakeMediaMtx.start();
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterEach
    void tearDown() {
        http.shutdownNow();
        fake.close();
    }

    @Test
    void everyKindOfPathHasExactlyTheSpecPathProperties() throws Exception {
        fake.setPaths(
                FakeMediaMtx.path("live").codecs(CODEC_PROPS.keySet().toArray(String[]::new))
                        .readers("rtspSession", "hlsSession").build(),
                FakeMediaMtx.path("idle").live(false).build(),
                FakeMediaMtx.path("filler").alwaysAvailableFiller().build(),
                FakeMediaMtx.path("unusual").codecs("M-JPEG", "KLV").sourceType("srtConn").build());

        JsonNode root = getJson("/v3/paths/list");

        assertThat(names(root)).isEqualTo(PATH_LIST_PROPERTIES);
        assertThat(root.get("items")).hasSize(4);
        for (JsonNode item : root.get("items")) {
            assertConformsToPathSchema(item);
        }
    }

    @Test
    void ourSpecShapedFixtureHasExactlyTheSpecPathProperties() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/mediamtx/paths-list-v1.20.1.json")) {
            JsonNode root = JSON.readTree(in);
            assertThat(names(root)).isEqualTo(PATH_LIST_PROPERTIES);
            for (JsonNode item : root.get("items")) {
                assertConformsToPathSchema(item);
            }
        }
    }

    @Test
    void oldServerModeLeavesOutAvailableAndOnline() throws Exception {
        fake.setPaths(FakeMediaMtx.path("old").oldServer().build());

        JsonNode item = getJson("/v3/paths/list").get("items").get(0);

        Set<String> expected = new HashSet<>(PATH_PROPERTIES);
        expected.removeAll(Set.of("available", "availableTime", "online", "onlineTime"));
        assertThat(names(item)).isEqualTo(expected);
        assertThat(item.get("ready").booleanValue()).isTrue();
    }

    @Test
    void paginatesLikeMediaMtx() throws Exception {
        fake.setPaths(IntStream.of(4, 2, 0, 3, 1)
                .mapToObj(i -> FakeMediaMtx.path("p" + i).build()).toList());

        JsonNode first = getJson("/v3/paths/list?itemsPerPage=2");
        JsonNode last = getJson("/v3/paths/list?itemsPerPage=2&page=2");
        JsonNode beyond = getJson("/v3/paths/list?itemsPerPage=2&page=7");

        assertThat(first.get("itemCount").intValue()).isEqualTo(5);
        assertThat(first.get("pageCount").intValue()).isEqualTo(3);
        assertThat(first.get("items").findValuesAsText("name")).containsExactly("p0", "p1");
        assertThat(last.get("items").findValuesAsText("name")).containsExactly("p4");
        assertThat(beyond.get("items")).isEmpty();
        assertThat(beyond.get("pageCount").intValue()).isEqualTo(3);
    }

    @Test
    void emptyListHasPageCountZero() throws Exception {
        JsonNode root = getJson("/v3/paths/list");

        assertThat(root.get("itemCount").intValue()).isZero();
        assertThat(root.get("pageCount").intValue()).isZero();
        assertThat(root.get("items").isArray()).isTrue();
    }

    @Test
    void badPaginationParametersAreRefusedWithMediaMtxErrorBody() throws Exception {
        HttpResponse<String> zero = get("/v3/paths/list?itemsPerPage=0", null);
        HttpResponse<String> text = get("/v3/paths/list?page=abc", null);
        HttpResponse<String> negative = get("/v3/paths/list?page=-1", null);

        assertThat(zero.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(zero.body());
        assertThat(error.get("error").textValue()).isEqualTo("invalid items per page");
        assertThat(error.get("status").textValue()).isEqualTo("error");
        assertThat(text.statusCode()).isEqualTo(400);
        assertThat(negative.statusCode()).isEqualTo(400);
    }

    @Test
    void otherUrlsAnswer404() throws Exception {
        assertThat(get("//v3/paths/list", null).statusCode()).isEqualTo(404);
        assertThat(get("/v3/paths/gett/cam", null).statusCode()).isEqualTo(404);
        assertThat(get("/v3/paths/get", null).statusCode()).isEqualTo(404);
    }

    @Test
    void getOfEveryKindOfPathHasExactlyTheSpecPathProperties() throws Exception {
        fake.setPaths(
                FakeMediaMtx.path("live").codecs("H264", "Opus").readers("hlsSession").build(),
                FakeMediaMtx.path("idle").live(false).build(),
                FakeMediaMtx.path("filler").alwaysAvailableFiller().build());

        for (String name : List.of("live", "idle", "filler")) {
            JsonNode item = getJson("/v3/paths/get/" + name);
            assertConformsToPathSchema(item);
            assertThat(item.get("name").textValue()).isEqualTo(name);
        }
        assertThat(getJson("/v3/paths/get/live"))
                .isEqualTo(getJson("/v3/paths/list").get("items").get(2));
    }

    @Test
    void getOfAnUnknownPathIsMediaMtxs404() throws Exception {
        HttpResponse<String> response = get("/v3/paths/get/nobody", null);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json; charset=utf-8");
        JsonNode error = JSON.readTree(response.body());
        assertThat(names(error)).isEqualTo(Set.of("status", "error"));
        assertThat(error.get("status").textValue()).isEqualTo("error");
        assertThat(error.get("error").textValue()).isEqualTo("path not found");
    }

    @Test
    void getWithoutANameIsA400() throws Exception {
        HttpResponse<String> response = get("/v3/paths/get/", null);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("error").textValue()).isEqualTo("invalid name");
    }

    @Test
    void getMatchesTheDecodedPathLikeGin() throws Exception {
        fake.setPaths(FakeMediaMtx.path("live/front door").build());

        assertThat(getJson("/v3/paths/get/live/front%20door").get("name").textValue()).isEqualTo("live/front door");
        assertThat(getJson("/v3/paths/get/live%2Ffront%20door").get("name").textValue())
                .isEqualTo("live/front door");
        assertThat(get("/v3/paths/get/live", null).statusCode()).isEqualTo(404);
    }

    @Test
    void getNeedsCredentialsAndFailsLikeTheList() throws Exception {
        fake.setLive("cam", true);
        fake.requireCredentials("api-user", "api-pass");

        assertThat(get("/v3/paths/get/cam", null).statusCode()).isEqualTo(401);
        assertThat(get("/v3/paths/get/cam", basic("api-user", "api-pass")).statusCode()).isEqualTo(200);

        fake.failWith(Failure.HTTP_500);
        assertThat(get("/v3/paths/get/cam", basic("api-user", "api-pass")).statusCode()).isEqualTo(500);
    }

    @Test
    void heldRequestsAreAnsweredAfterTheReleaseWithThePathsOfThatMoment() throws Exception {
        fake.hold();
        CompletableFuture<HttpResponse<String>> pending = http.sendAsync(
                HttpRequest.newBuilder(url("/v3/paths/get/cam")).build(), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(5)).until(() -> fake.heldRequests() == 1);
        fake.setLive("cam", true);

        fake.release();

        assertThat(pending.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(fake.heldRequests()).isZero();
        assertThat(fake.pathRequestCount()).isEqualTo(1);
    }

    @Test
    void credentialsAreCheckedLikeMediaMtx() throws Exception {
        fake.requireCredentials("api-user", "api-pass");

        HttpResponse<String> none = get("/v3/paths/list", null);
        HttpResponse<String> wrong = get("/v3/paths/list", basic("api-user", "nope"));
        HttpResponse<String> right = get("/v3/paths/list", basic("api-user", "api-pass"));

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate"))
                .contains("Basic realm=\"mediamtx\"");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("WWW-Authenticate")).isEmpty();
        assertThat(right.statusCode()).isEqualTo(200);
    }

    @Test
    void noAnswerHoldsRequestsUntilTheModeChanges() throws Exception {
        fake.failWith(Failure.NO_ANSWER);
        HttpRequest request = HttpRequest.newBuilder(url("/v3/paths/list"))
                .timeout(Duration.ofMillis(300)).build();

        assertThatThrownBy(() -> http.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);

        fake.failWith(Failure.NONE);
        assertThat(get("/v3/paths/list", null).statusCode()).isEqualTo(200);
        assertThat(fake.requestCount()).isEqualTo(2);
    }

    @Test
    void setLiveTogglesAPathThatStaysListed() throws Exception {
        fake.setLive("cam", true);
        fake.setLive("cam", false);

        JsonNode item = getJson("/v3/paths/list").get("items").get(0);

        assertThat(item.get("available").booleanValue()).isFalse();
        assertThat(item.get("source").isNull()).isTrue();
    }

    @Test
    void namesAreSortedByteWiseLikeGo() throws Exception {
        // U+1F600 comes first in UTF-16 order (a surrogate pair, D83D...) but after U+FF5E in UTF-8
        fake.setPaths(List.of(
                FakeMediaMtx.path("\uD83D\uDE00").build(), FakeMediaMtx.path("\uFF5E").build()));

        assertThat(getJson("/v3/paths/list").get("items").findValuesAsText("name"))
                .containsExactly("\uFF5E", "\uD83D\uDE00");
    }

    private static void assertConformsToPathSchema(JsonNode item) {
        String name = item.get("name").textValue();
        assertThat(names(item)).as(name).isEqualTo(PATH_PROPERTIES);
        assertThat(item.get("confName").isTextual()).as(name).isTrue();
        for (String field : BOOLEANS) {
            assertThat(item.get(field).isBoolean()).as(name + " " + field).isTrue();
        }
        for (String field : NULLABLE_TIMES) {
            JsonNode value = item.get(field);
            assertThat(value.isTextual() || value.isNull()).as(name + " " + field).isTrue();
        }
        for (String field : COUNTERS) {
            JsonNode value = item.get(field);
            assertThat(value.isIntegralNumber() && value.longValue() >= 0)
                    .as(name + " " + field).isTrue();
        }
        JsonNode source = item.get("source");
        if (!source.isNull()) {
            assertThat(names(source)).isEqualTo(PATH_SOURCE_PROPERTIES);
            assertThat(PATH_SOURCE_TYPES).contains(source.get("type").textValue());
        }
        for (JsonNode reader : item.get("readers")) {
            assertThat(names(reader)).isEqualTo(PATH_READER_PROPERTIES);
            assertThat(PATH_READER_TYPES).contains(reader.get("type").textValue());
        }
        for (JsonNode codec : item.get("tracks")) {
            assertThat(PATH_TRACK_CODECS).contains(codec.textValue());
        }
        for (JsonNode track : item.get("tracks2")) {
            assertThat(names(track)).isEqualTo(PATH_TRACK_PROPERTIES);
            String codec = track.get("codec").textValue();
            assertThat(PATH_TRACK_CODECS).contains(codec);
            JsonNode props = track.get("codecProps");
            if (CODEC_PROPS.containsKey(codec)) {
                assertThat(names(props)).as(codec).isEqualTo(CODEC_PROPS.get(codec));
            } else {
                assertThat(props.isNull()).as(codec).isTrue();
            }
        }
    }

    private static Set<String> names(JsonNode node) {
        Set<String> names = new HashSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private JsonNode getJson(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> response = get(pathAndQuery, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .contains("application/json; charset=utf-8");
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> get(String pathAndQuery, String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(url(pathAndQuery)).timeout(Duration.ofSeconds(5));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(UTF_8));
    }

    private URI url(String pathAndQuery) {
        return URI.create(fake.apiUrl() + pathAndQuery);
    }

    private static String basic(String user, String password) {
        byte[] pair = (user + ":" + password).getBytes(UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(pair);
    }
}
