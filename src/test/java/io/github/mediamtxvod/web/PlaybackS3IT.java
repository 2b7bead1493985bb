package io.github.mediamtxvod.web;

import static io.github.mediamtxvod.web.PlaybackApiIT.assertPlays;
import static io.github.mediamtxvod.web.PlaybackApiIT.topLevelBoxes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.testing.S3TestServer;
import io.github.mediamtxvod.testing.TestConfig;
import io.github.mediamtxvod.upload.S3Reader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The playback API once retention deleted the local files: two real FFmpeg sessions (3 segments of
 * 2 s each, 9 s apart) uploaded to a real S3 server (S3Proxy, real AWS SDK); the first session only
 * in S3 (LOCAL_DELETED, files gone), the second uploaded with its files still there, except one
 * deleted behind the catalogue's back. A range over both is cut from S3 and disk alike.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlaybackS3IT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUCKET = "playback";
    private static final String STREAM = "yard";
    private static final Instant FIRST = Instant.parse("2024-05-01T10:00:00Z");
    private static final Instant SECOND = FIRST.plusSeconds(15);
    private static final String RANGE = "/get?path=yard&start=2024-05-01T10:00:01.5Z&duration=18.5";

    @TempDir
    static Path dir;

    private S3TestServer s3;
    private S3Reader reader;
    private TestServer test;
    private List<Segment> first;
    private List<Segment> second;

    @BeforeAll
    void recordUploadAndDeleteLocally() throws Exception {
        Path recordings = dir.resolve("recordings");
        first = FfmpegSession.record(recordings, STREAM, FIRST, 3, 2);
        second = FfmpegSession.record(recordings, STREAM, SECOND, 3, 2);
        s3 = new S3TestServer(dir.resolve("s3")).start();
        List<Segment> all = new ArrayList<>(first);
        all.addAll(second);
        try (S3Client client = s3.client()) {
            client.createBucket(b -> b.bucket(BUCKET));
            for (Segment segment : all) {
                client.putObject(b -> b.bucket(BUCKET).key(segment.relativePath()),
                        RequestBody.fromFile(segment.file(recordings)));
            }
        }
        test = TestServer.start(recordings, TestConfig.open());
        all.forEach(test.view::add);
        for (Segment segment : first) {
            test.view.deleteLocally(segment);
            Files.delete(segment.file(recordings));
        }
        second.forEach(test.view::confirm);
        Files.delete(second.get(1).file(recordings)); // retention's delete racing the request
        reader = new S3Reader(TestConfig.s3(recordings, s3).bucket(BUCKET).build().s3());
        reader.start();
        test.view.s3 = reader;
    }

    @AfterAll
    void stop() {
        if (test != null) {
            test.close();
        }
        if (reader != null) {
            reader.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void listNeedsNoFile() throws Exception {
        JsonNode spans = JSON.readTree(test.get("/list?path=yard").body());

        assertThat(spans).hasSize(2);
        assertThat(spans.get(0).get("duration").asDouble()).isCloseTo(PlaybackApiIT.seconds(first),
                org.assertj.core.api.Assertions.within(0.01));
    }

    @Test
    void aRangeOverS3AndLocalSegmentsPlaysInBothFormats() throws Exception {
        for (String format : List.of("fmp4", "mp4")) {
            HttpResponse<byte[]> response = test.getBytes(RANGE + "&format=" + format);

            assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
            if (format.equals("mp4")) {
                assertThat(topLevelBoxes(response.body())).containsExactly("ftyp", "moov", "mdat");
            }
            // from the keyframe at 10:00:01: 5 s of the first session (S3), 5 s of the second
            assertPlays(Files.write(dir.resolve("range." + format + ".mp4"), response.body()), 10.0, 0.2);
        }
    }

    @Test
    void indexesReadOnceAreTakenFromTheCatalogueNextTime() {
        assertThat(test.getBytes(RANGE).statusCode()).isEqualTo(200);
        int stored = test.view.storedIndexes.get();
        assertThat(stored).as("indexes of the six segments").isEqualTo(6);

        assertThat(test.getBytes(RANGE + "&format=mp4").statusCode()).isEqualTo(200);
        assertThat(test.view.storedIndexes.get()).as("nothing read again").isEqualTo(stored);
    }

    @Test
    void s3DownIsA502NamingTheProblem() throws Exception {
        assertThat(test.getBytes("/get?path=yard&start=2024-05-01T10:00:00Z&duration=4").statusCode()).isEqualTo(200);
        s3.stop();
        try {
            HttpResponse<String> response = test.get("/get?path=yard&start=2024-05-01T10:00:00Z&duration=4&format=mp4");

            assertThat(response.statusCode()).isEqualTo(502);
            JsonNode error = JSON.readTree(response.body());
            assertThat(error.get("status").asText()).isEqualTo("error");
            assertThat(error.get("error").asText()).startsWith("cannot read the recording: s3://playback/yard/");
        } finally {
            s3.start();
        }
    }
}
