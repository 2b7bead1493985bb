package io.github.mediamtxvod.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.testing.TestConfig;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code /api/thumbnail}'s refusals, decided before any file is read or FFmpeg runs (the images
 * themselves: ThumbnailIT with real FFmpeg).
 */
class ThumbnailApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant S1 = Instant.parse("2024-05-01T10:00:00Z");

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

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "at=2024-05-01T10:00:00Z | 'stream' is required",
        "stream=cam1 | 'at' is required",
        "stream=cam1&at=10:00 | 'at' must be an ISO-8601 instant",
        "stream=cam1&at=2024-05-01T10:00:00Z&width=159 | 'width' must be an integer from 160 to 1920",
        "stream=cam1&at=2024-05-01T10:00:00Z&width=1921 | 'width' must be an integer from 160 to 1920",
        "stream=cam1&at=2024-05-01T10:00:00Z&width=wide | 'width' must be an integer from 160 to 1920",
        "stream=cam1&stream=cam2&at=2024-05-01T10:00:00Z | 'stream' is given more than once",
    })
    void badParametersAreA400NamingThem(String query, String message) throws IOException {
        assertError(test.get(ThumbnailHandler.PATH + "?" + query), 400, message);
    }

    @Test
    void anUnknownStreamIsA404() throws IOException {
        test.view.addSession("cam1", S1, 2, 60);

        assertError(test.get("/api/thumbnail?stream=cam9&at=2024-05-01T10:00:30Z"), 404, "no recordings of this stream");
    }

    @Test
    void anInstantInAGapOrBeyondTheRecordingsIsA404() throws IOException {
        test.view.addSession("cam1", S1, 2, 60); // 10:00..10:02
        test.view.addSession("cam1", S1.plusSeconds(600), 2, 60); // 10:10..10:12

        assertError(test.get("/api/thumbnail?stream=cam1&at=2024-05-01T10:05:00Z"), 404, "no recording of this stream at");
        assertError(test.get("/api/thumbnail?stream=cam1&at=2024-05-01T09:59:59Z"), 404, "no recording of this stream at");
        assertError(test.get("/api/thumbnail?stream=cam1&at=2024-05-01T10:13:00Z"), 404, "no recording of this stream at");
    }

    @Test
    void aRecordingWhoseFileVanishedBeforeItsUploadIsA404() throws IOException {
        List<Segment> session = test.view.addSession("cam1", S1, 2, 60);
        test.view.lose(session.get(0));

        assertError(test.get("/api/thumbnail?stream=cam1&at=2024-05-01T10:00:30Z"), 404,
                "its file vanished before it was uploaded");
    }

    @Test
    void aLocalFileDeletedBehindTheCataloguesBackIsA404() throws IOException {
        test.view.addSession("cam1", S1, 2, 60); // catalogued as local; no file was ever written

        assertError(test.get("/api/thumbnail?stream=cam1&at=2024-05-01T10:00:30Z"), 404,
                "the local file of the recording at that time is gone");
    }

    @Test
    void aSegmentInAnotherContainerThanMp4IsA404() throws IOException {
        test.view.add(new Segment("cam1", S1, 0, "cam1/2024-05-01/20240501_100000/segment_000.ts", S1,
                Duration.ofSeconds(60), 100));

        assertError(test.get("/api/thumbnail?stream=cam1&at=2024-05-01T10:00:30Z"), 404, "MP4 segments only");
    }

    @Test
    void aPostIsA405() throws IOException {
        HttpResponse<String> response = test.post("/api/thumbnail?stream=cam1&at=2024-05-01T10:00:30Z");

        assertThat(response.statusCode()).isEqualTo(405);
    }

    private static void assertError(HttpResponse<String> response, int status, String message) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("error").asText()).contains(message);
    }
}
