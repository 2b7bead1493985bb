package io.github.mediamtxvod.playlist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.mediamtxvod.catalog.Catalog;
import io.github.mediamtxvod.catalog.PlaylistCatalog;
import io.github.mediamtxvod.catalog.WebhookEvent;
import io.github.mediamtxvod.catalog.WebhookOutbox;
import io.github.mediamtxvod.recording.OutputFormat;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.recording.SegmentLayout;
import io.github.mediamtxvod.recording.Session;
import io.github.mediamtxvod.runtime.Backoff;
import io.github.mediamtxvod.testing.MutableClock;
import io.github.mediamtxvod.testing.TestConfig;
import io.github.mediamtxvod.upload.S3ObjectWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The playlist stage without S3: real fragmented-MP4 segment files, a real catalogue, playlists
 * written below RECORDINGS_DIR as the recorder's listener events arrive.
 */
class PlaylistPublisherTest {
    private static final Instant SESSION = Instant.parse("2026-03-01T23:58:00Z");
    private static final String STREAM = "lobby/cam1";
    private static final long INIT = 1252;
    private static final long MEDIA = 48078 - 1252;

    @TempDir
    Path recordings;

    private final MutableClock clock = new MutableClock(SESSION.minusSeconds(5));
    private PlaylistStores stores;
    private Catalog catalog;
    private PlaylistCatalog playlists;
    private WebhookOutbox outbox;
    private S3ObjectWriter s3;
    private PlaylistPublisher publisher;
    private String sessionFolder;

    @BeforeEach
    void open() {
        stores = new PlaylistStores(recordings, TestConfig.localOnly(recordings).build(), clock);
        catalog = stores.catalog;
        playlists = stores.playlists;
        outbox = stores.outbox;
        s3 = stores.s3;
        sessionFolder = SegmentLayout.sessionPath(STREAM, SESSION);
    }

    @AfterEach
    void close() {
        if (publisher != null) {
            publisher.close();
        }
        stores.close();
    }

    private void startPublisher() {
        publisher = new PlaylistPublisher(playlists, s3, recordings, Duration.ofSeconds(2), true, clock,
                Backoff.exponential(Duration.ofMillis(50), Duration.ofMillis(200)));
        publisher.start();
    }

    /** A publisher whose publish intervals run on the test's clock: it stands still unless moved. */
    private void startPublisherOnTestClock() {
        publisher = new PlaylistPublisher(playlists, s3, recordings, Duration.ofSeconds(2), true, clock,
                Backoff.exponential(Duration.ofMillis(50), Duration.ofMillis(200)), clock::nanoTime);
        publisher.start();
    }

    /** A segment file as FFmpeg finishes it, handed to the listeners in the recorder's order. */
    private Segment finish(int index) throws IOException {
        Segment segment = write(index);
        catalog.segmentFinished(segment);
        publisher.segmentFinished(segment);
        return segment;
    }

    private Segment write(int index) throws IOException {
        return write(sessionFolder, SESSION, index);
    }

    private Segment write(String folder, Instant sessionStart, int index) throws IOException {
        Path file = recordings.resolve(folder).resolve("segment_%03d.mp4".formatted(index));
        Files.createDirectories(file.getParent());
        try (InputStream in = PlaylistPublisherTest.class.getResourceAsStream("/media/fragmented-3s.mp4")) {
            Files.copy(in, file);
        }
        return new Segment(STREAM, sessionStart, index, folder + "/" + file.getFileName(),
                sessionStart.plusSeconds(3L * index).plusMillis(250), Duration.ofMillis(3021), Files.size(file));
    }

    private Path sessionPlaylist() {
        return recordings.resolve(sessionFolder).resolve("index.m3u8");
    }

    private Path dayPlaylist() {
        return recordings.resolve(sessionFolder).getParent().resolve("index.m3u8");
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }

    @Test
    void withoutS3EverySegmentOnDiskIsListedAndTheEndOfTheSessionClosesThePlaylist() throws Exception {
        startPublisher();
        finish(0);
        finish(1);

        await("two segments listed").atMost(Duration.ofSeconds(10))
                .until(() -> read(sessionPlaylist()).contains("segment_001.mp4"));
        String recording = read(sessionPlaylist());
        assertThat(recording).startsWith("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXT-X-TARGETDURATION:3\n")
                .contains("#EXT-X-MAP:URI=\"segment_000.mp4\",BYTERANGE=\"" + INIT + "@0\"\n"
                        + "#EXT-X-PROGRAM-DATE-TIME:2026-03-01T23:58:00.250Z\n#EXTINF:3.021,\n"
                        + "#EXT-X-BYTERANGE:" + MEDIA + "@" + INIT + "\nsegment_000.mp4\n#EXT-X-DISCONTINUITY\n")
                .doesNotContain("#EXT-X-ENDLIST");

        publisher.sessionEnded(new Session(STREAM, SESSION, SESSION, OutputFormat.MP4, sessionFolder));

        await("the session playlist closed").atMost(Duration.ofSeconds(10))
                .until(() -> read(sessionPlaylist()).endsWith("#EXT-X-ENDLIST\n"));
        await("the day playlist lists the session, complete while nothing records").atMost(Duration.ofSeconds(10))
                .until(() -> read(dayPlaylist()).contains("20260301_235800/segment_001.mp4")
                        && read(dayPlaylist()).endsWith("#EXT-X-ENDLIST\n"));
        assertThat(recordings.resolve(sessionFolder)).isDirectoryNotContaining("glob:**/.index.m3u8.tmp");
        await("session.finished logged").atMost(Duration.ofSeconds(10)).until(() -> outbox.waiting() == 1);
        WebhookEvent finished = outbox.due(10).getFirst();
        assertThat(finished.type()).isEqualTo(WebhookEvent.Type.SESSION_FINISHED);
        assertThat(finished.segments()).isEqualTo(2);
        assertThat(finished.playlist()).isEqualTo(sessionFolder + "/index.m3u8");
        assertThat(finished.key()).isNull();

        Instant later = SESSION.plusSeconds(60);
        String laterFolder = SegmentLayout.sessionPath(STREAM, later);
        Segment next = write(laterFolder, later, 0);
        catalog.segmentFinished(next);
        publisher.segmentFinished(next);

        await("a new session of the day opens the day playlist again").atMost(Duration.ofSeconds(10))
                .until(() -> read(dayPlaylist()).contains("20260301_235900/segment_000.mp4"));
        assertThat(read(dayPlaylist())).doesNotContain("#EXT-X-ENDLIST");
    }

    @Test
    void aChangeRightAfterAPublishGoesOutOnceTheIntervalPassed() throws Exception {
        startPublisherOnTestClock();
        finish(0);
        await("the first segment listed at once").atMost(Duration.ofSeconds(10))
                .until(() -> read(sessionPlaylist()).contains("segment_000.mp4"));

        finish(1);
        finish(2);
        // the publisher looks again within a second of real time; with the test clock standing
        // still, the interval has not passed, so the two changes wait
        await("the changes wait for the interval").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> !read(sessionPlaylist()).contains("segment_001.mp4"));
        clock.advance(Duration.ofSeconds(2)); // the session interval for 2 s segments
        publisher.wake();

        await("both later segments listed").atMost(Duration.ofSeconds(10))
                .until(() -> read(sessionPlaylist()).contains("segment_002.mp4"));
    }

    @Test
    void theEndOfASessionIsPublishedAtOnceWhateverTheInterval() throws Exception {
        startPublisherOnTestClock();
        finish(0);
        await("the first segment listed").atMost(Duration.ofSeconds(10))
                .until(() -> read(sessionPlaylist()).contains("segment_000.mp4"));
        await("the new day playlist published at once").atMost(Duration.ofSeconds(10))
                .until(() -> read(dayPlaylist()).contains("segment_000.mp4"));
        finish(1); // within the interval: waits, as the clock stands still

        publisher.sessionEnded(new Session(STREAM, SESSION, SESSION, OutputFormat.MP4, sessionFolder));

        await("the session completed").atMost(Duration.ofSeconds(10))
                .until(() -> read(sessionPlaylist()).endsWith("segment_001.mp4\n#EXT-X-ENDLIST\n"));
        await("and its day").atMost(Duration.ofSeconds(10))
                .until(() -> read(dayPlaylist()).endsWith("segment_001.mp4\n#EXT-X-ENDLIST\n"));
    }

    @Test
    void aSessionCutOffByTheLastRunIsClosedAtStart() throws Exception {
        catalog.recordFinished(write(0)); // found on disk by the start-up scan; no FFmpeg writes it any more
        catalog.recordFinished(write(1));
        clock.advance(Duration.ofMinutes(1));

        startPublisher();

        await("closed at start").atMost(Duration.ofSeconds(10))
                .until(() -> read(sessionPlaylist()).endsWith("#EXT-X-ENDLIST\n"));
        assertThat(read(sessionPlaylist())).contains("segment_001.mp4");
        List<String> lines = read(sessionPlaylist()).lines().toList();
        assertThat(lines).filteredOn(line -> line.startsWith("#EXT-X-DISCONTINUITY")).hasSize(1);
    }

    @Test
    void mpegTsSessionsGetNoPlaylistButTheirEndIsAnnounced() throws Exception {
        startPublisher();
        Path file = recordings.resolve(sessionFolder).resolve("segment_000.ts");
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[188 * 10]);
        Segment segment = new Segment(STREAM, SESSION, 0, sessionFolder + "/segment_000.ts", SESSION,
                Duration.ofSeconds(2), Files.size(file));
        catalog.segmentFinished(segment);
        publisher.segmentFinished(segment);

        publisher.sessionEnded(new Session(STREAM, SESSION, SESSION, OutputFormat.TS, sessionFolder));

        await("session.finished logged").atMost(Duration.ofSeconds(10)).until(() -> outbox.waiting() == 1);
        WebhookEvent finished = outbox.due(10).getFirst();
        assertThat(finished.segments()).isEqualTo(1);
        assertThat(finished.playlist()).isNull();
        assertThat(sessionPlaylist()).doesNotExist();
        assertThat(dayPlaylist()).doesNotExist();
    }

    @Test
    void aFolderRetentionRemovedIsNotMadeAgain() throws Exception {
        startPublisher();
        Segment segment = finish(0);
        await("listed").atMost(Duration.ofSeconds(10)).until(() -> Files.exists(sessionPlaylist()));
        Files.delete(segment.file(recordings));
        Files.delete(sessionPlaylist());
        Files.delete(recordings.resolve(sessionFolder));

        publisher.sessionEnded(new Session(STREAM, SESSION, SESSION, OutputFormat.MP4, sessionFolder));
        await("the day playlist is written").atMost(Duration.ofSeconds(10)).until(() -> Files.exists(dayPlaylist()));

        assertThat(recordings.resolve(sessionFolder)).doesNotExist();
    }
}
