package io.github.mediamtxvod.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mediamtxvod.recording.OutputFormat;
import io.github.mediamtxvod.recording.RecordingStatus;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.recording.SegmentLayout;
import io.github.mediamtxvod.testing.TestConfig;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code /api/timeline}, {@code /api/segments} and the live parts of {@code /api/status}, on a real server. */
class TimelineApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant S1 = Instant.parse("2024-05-01T10:00:00Z");
    private static final Instant S2 = Instant.parse("2024-05-01T10:10:00Z");
    private static final String DAY = "from=2024-05-01T00:00:00Z&to=2024-05-02T00:00:00Z";

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

    private JsonNode json(String pathAndQuery) throws IOException {
        HttpResponse<String> response = test.get(pathAndQuery);
        assertThat(response.statusCode()).as("%s: %s", pathAndQuery, response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        return JSON.readTree(response.body());
    }

    @Test
    void timelineMergesEachStreamsSegmentsIntoSpansByStorageWithTheGapsBetweenSessions() throws IOException {
        List<Segment> first = test.view.addSession("cam1", S1, 5, 60); // 10:00..10:05
        test.view.addSession("cam1", S2, 3, 60); // 10:10..10:13
        test.view.addSession("cam2", S1, 2, 60);
        test.view.deleteLocally(first.get(0));
        test.view.deleteLocally(first.get(1));
        test.view.confirm(first.get(2));

        JsonNode timeline = json("/api/timeline?" + DAY + "&stream=cam1&stream=cam2&stream=nobody");

        assertThat(timeline.path("from").asText()).isEqualTo("2024-05-01T00:00:00Z");
        assertThat(timeline.path("gapToleranceSeconds").asDouble()).isEqualTo(0.5);
        JsonNode streams = timeline.path("streams");
        assertThat(streams).extracting(node -> node.path("stream").asText()).containsExactly("cam1", "cam2", "nobody");
        List<String> cam1 = spans(streams.path(0));
        assertThat(cam1).containsExactly(
                "2024-05-01T10:00:00Z 2024-05-01T10:02:00Z s3 2",
                "2024-05-01T10:02:00Z 2024-05-01T10:03:00Z both 1",
                "2024-05-01T10:03:00Z 2024-05-01T10:05:00Z local 2",
                "2024-05-01T10:10:00Z 2024-05-01T10:13:00Z local 3");
        assertThat(spans(streams.path(1))).containsExactly("2024-05-01T10:00:00Z 2024-05-01T10:02:00Z local 2");
        assertThat(streams.path(2).path("spans")).isEmpty();
        assertThat(streams.path(0).path("recording").isNull()).isTrue();
    }

    @Test
    void withoutStreamParametersEveryCataloguedAndRecordingStreamIsListed() throws IOException {
        test.view.addSession("cam2", S1, 1, 60);
        test.view.recording = recording("cam0", S2);

        JsonNode timeline = json("/api/timeline?" + DAY);

        assertThat(timeline.path("streams")).extracting(node -> node.path("stream").asText())
                .containsExactly("cam0", "cam2");
    }

    @Test
    void aSegmentThatBeganBeforeTheWindowIsPartOfItAndOneThatEndedBeforeIsNot() throws IOException {
        test.view.addSession("cam1", S1, 3, 60); // 10:00, 10:01, 10:02

        JsonNode inside = json("/api/segments?stream=cam1&from=2024-05-01T10:01:30Z&to=2024-05-01T10:02:10Z");
        JsonNode after = json("/api/timeline?stream=cam1&from=2024-05-01T10:03:00Z&to=2024-05-01T11:00:00Z");

        assertThat(inside.path("segments")).extracting(node -> node.path("index").asInt()).containsExactly(1, 2);
        assertThat(after.path("streams").path(0).path("spans")).isEmpty();
    }

    @Test
    void segmentsCarryWhatThePlayerNeeds() throws IOException {
        List<Segment> session = test.view.addSession("cams/front door", S1, 2, 60);
        test.view.deleteLocally(session.get(0));

        JsonNode answer = json("/api/segments?stream=cams%2Ffront%20door&" + DAY);

        assertThat(answer.path("stream").asText()).isEqualTo("cams/front door");
        JsonNode segment = answer.path("segments").path(0);
        assertThat(segment.path("start").asText()).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(segment.path("end").asText()).isEqualTo("2024-05-01T10:01:00Z");
        assertThat(segment.path("durationSeconds").asDouble()).isEqualTo(60.0);
        assertThat(segment.path("session").asText()).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(segment.path("index").asInt()).isZero();
        assertThat(segment.path("storage").asText()).isEqualTo("s3");
        assertThat(segment.path("url").asText())
                .isEqualTo("/recordings/cams~2Ffront~20door/2024-05-01/20240501_100000/segment_000.mp4");
        assertThat(answer.path("segments").path(1).path("storage").asText()).isEqualTo("local");
    }

    @Test
    void theSegmentBeingRecordedIsShownInTheTimelineTheSegmentsAndTheStatus() throws IOException {
        test.view.addSession("cam1", S2, 3, 60); // finished: 10:10, 10:11, 10:12 → segment 3 is written now
        test.view.recording = recording("cam1", S2);
        Path folder = recordings.resolve("cam1/2024-05-01/20240501_101000");
        Files.createDirectories(folder);

        JsonNode live = json("/api/timeline?stream=cam1&" + DAY).path("streams").path(0).path("recording");
        JsonNode segments = json("/api/segments?stream=cam1&" + DAY).path("recording");
        JsonNode status = json("/api/status").path("recording").path(0);

        assertThat(live.path("session").asText()).isEqualTo("2024-05-01T10:10:00Z");
        assertThat(live.path("index").asInt()).isEqualTo(3);
        assertThat(live.path("since").asText()).isEqualTo("2024-05-01T10:13:00Z");
        assertThat(live.path("url").asText()).isEqualTo("/recordings/cam1/2024-05-01/20240501_101000/segment_003.mp4");
        assertThat(segments).isEqualTo(live);
        assertThat(status.path("state").asText()).isEqualTo("RECORDING");
        assertThat(status.path("sessionStart").asText()).isEqualTo("2024-05-01T10:10:00Z");
        assertThat(status.path("currentSegment").path("index").asInt()).isEqualTo(3);
        assertThat(status.path("currentSegment").path("since").asText()).isEqualTo("2024-05-01T10:13:00Z");
    }

    @Test
    void atMidnightTheCurrentSegmentIsTheRecordingSessionsAlsoWhenThePreviousOneBeganALaterOne() throws IOException {
        Instant previous = Instant.parse("2024-04-30T10:00:00Z");
        Instant next = Instant.parse("2024-05-01T00:00:00Z");
        test.view.add(segment(previous, 7, "2024-05-01T00:00:00.300Z", 2000)); // began just after midnight
        test.view.add(segment(next, 0, "2024-05-01T00:00:01.200Z", 10_000));
        test.view.add(segment(previous, 8, "2024-05-01T00:00:02Z", 500)); // one more, after the next began
        test.view.recording = recording("cam1", next);

        JsonNode live = json("/api/segments?stream=cam1&from=2024-05-01T00:00:00Z&to=2024-05-02T00:00:00Z")
                .path("recording");

        assertThat(live.path("session").asText()).isEqualTo("2024-05-01T00:00:00Z");
        assertThat(live.path("index").asInt()).as("the next session's first segment is finished").isEqualTo(1);
        assertThat(live.path("since").asText()).isEqualTo("2024-05-01T00:00:11.200Z");
    }

    private static Segment segment(Instant session, int index, String start, long millis) {
        return new Segment("cam1", session, index, SegmentLayout.sessionPath("cam1", session) + "/"
                + SegmentLayout.segmentFileName(index, OutputFormat.MP4), Instant.parse(start), Duration.ofMillis(millis), 1000);
    }

    @Test
    void aSessionWithoutAFinishedSegmentRecordsItsFirstFileIfFfmpegHasCreatedIt() throws IOException {
        test.view.recording = recording("cam1", S2);
        JsonNode before = json("/api/status").path("recording").path(0).path("currentSegment");
        Path folder = Files.createDirectories(recordings.resolve("cam1/2024-05-01/20240501_101000"));
        Files.write(folder.resolve("segment_000.mkv"), new byte[10]);

        JsonNode after = json("/api/status").path("recording").path(0).path("currentSegment");

        assertThat(before.path("index").asInt()).isZero();
        assertThat(before.path("since").asText()).isEqualTo("2024-05-01T10:10:00Z");
        assertThat(before.path("url").isNull()).isTrue();
        assertThat(after.path("url").asText()).endsWith("/20240501_101000/segment_000.mkv");
    }

    @Test
    void theStreamsLastSessionIsTheOneRecordedNowEvenBeforeItsFirstSegmentIsFinished() throws IOException {
        test.view.addSession("cam1", S1, 2, 60);
        JsonNode before = json("/api/streams").path("streams").path(0);
        test.view.recording = recording("cam1", S2);

        JsonNode after = json("/api/streams").path("streams").path(0);

        assertThat(before.path("lastStart").asText()).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(after.path("lastStart").asText()).isEqualTo("2024-05-01T10:10:00Z");
        assertThat(after.path("firstStart").asText()).isEqualTo("2024-05-01T10:00:00Z");
    }

    @Test
    void aStreamThatIsRestartingHasNoCurrentSegment() throws IOException {
        test.view.recording = new RecordingStatus(List.of(new RecordingStatus.StreamStatus("cam1",
                RecordingStatus.State.RESTARTING, S1, S1, 0, 0, 1, "ffmpeg exited", S1)), List.of(), 10);

        JsonNode status = json("/api/status").path("recording").path(0);

        assertThat(status.path("state").asText()).isEqualTo("RESTARTING");
        assertThat(status.path("currentSegment").isNull()).isTrue();
    }

    @Test
    void sessionsNameTheirFolderStartAndTheMillisecondStartOfTheirFirstSegment() throws IOException {
        test.view.add(new Segment("cam1", S1, 0, "cam1/2024-05-01/20240501_100000/segment_000.mp4",
                S1.plusMillis(734), null, 10));

        JsonNode session = json("/api/recordings?stream=cam1").path("sessions").path(0);

        assertThat(session.path("start").asText()).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(session.path("startedAt").asText()).isEqualTo("2024-05-01T10:00:00.734Z");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "/api/timeline?to=2024-05-01T00:00:00Z | 'from' is required",
        "/api/timeline?from=2024-05-01T00:00:00Z | 'to' is required",
        "/api/timeline?from=yesterday&to=2024-05-01T00:00:00Z | 'from' must be an ISO-8601 instant",
        "/api/timeline?from=2024-05-02T00:00:00Z&to=2024-05-01T00:00:00Z | 'to' must be after parameter 'from'",
        "/api/timeline?from=2024-05-01T00:00:00Z&to=2024-05-04T00:00:00Z | at most 48 hours apart",
        "/api/timeline?from=2024-05-01T00:00:00Z&to=2024-05-02T00:00:00Z&stream= | 'stream' must be 1 to",
        "/api/segments?from=2024-05-01T00:00:00Z&to=2024-05-02T00:00:00Z | 'stream' is required",
        "/api/segments?stream=a&stream=b&from=2024-05-01T00:00:00Z&to=2024-05-02T00:00:00Z | more than once",
    })
    void badParametersAreA400NamingThem(String pathAndQuery, String message) throws IOException {
        HttpResponse<String> response = test.get(pathAndQuery);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).path("error").asText()).contains(message);
    }

    @Test
    void tooManyStreamsAreA400() {
        StringBuilder query = new StringBuilder("/api/timeline?" + DAY);
        for (int i = 0; i <= TimelineHandler.MAX_STREAMS; i++) {
            query.append("&stream=cam").append(i);
        }

        assertThat(test.get(query.toString()).statusCode()).isEqualTo(400);
    }

    @Test
    void aDayOfOneSecondSegmentsIsReadPageByPage() throws IOException {
        test.view.addSession("cam1", S1, 2500, 1);

        JsonNode segments = json("/api/segments?stream=cam1&" + DAY).path("segments");
        JsonNode spans = json("/api/timeline?stream=cam1&" + DAY).path("streams").path(0).path("spans");

        assertThat(segments).hasSize(2500);
        assertThat(spans).hasSize(1);
        assertThat(spans.path(0).path("segments").asInt()).isEqualTo(2500);
    }

    @Test
    void theFaviconIsAlsoServedWhereBrowsersLookForIt() {
        HttpResponse<String> icon = test.get("/favicon.ico");

        assertThat(icon.statusCode()).isEqualTo(200);
        assertThat(icon.headers().firstValue("Content-Type")).hasValue("image/svg+xml");
    }

    private static RecordingStatus recording(String stream, Instant sessionStart) {
        return new RecordingStatus(List.of(new RecordingStatus.StreamStatus(stream, RecordingStatus.State.RECORDING,
                sessionStart, sessionStart, 3, 1000, 0, null, null)), List.of(), 10);
    }

    private static List<String> spans(JsonNode stream) {
        List<String> spans = new ArrayList<>();
        for (JsonNode span : stream.path("spans")) {
            spans.add(span.path("start").asText() + " " + span.path("end").asText() + " "
                    + span.path("storage").asText() + " " + span.path("segments").asInt());
        }
        return spans;
    }
}
