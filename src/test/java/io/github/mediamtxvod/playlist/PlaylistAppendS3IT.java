package io.github.mediamtxvod.playlist;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.catalog.Confirmation;
import io.github.mediamtxvod.catalog.Entry;
import io.github.mediamtxvod.catalog.SegmentMedia;
import io.github.mediamtxvod.catalog.WebhookEvent;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.recording.SegmentLayout;
import io.github.mediamtxvod.testing.MutableClock;
import io.github.mediamtxvod.testing.S3TestServer;
import io.github.mediamtxvod.testing.TestConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Session playlists continued by appending, with uploads on (S3Proxy, the real SDK): segments
 * confirmed out of order and a quarantined one; after every publish the object in S3 and the
 * local file are byte for byte the text a whole rebuild from the catalogue gives.
 */
class PlaylistAppendS3IT {
    private static final Instant SESSION = Instant.parse("2026-03-01T10:00:00Z");
    private static final String STREAM = "cam1";
    private static final Duration FLOOR = Duration.ofSeconds(2);
    private static final int SIZE = 1000;

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(SESSION);
    private S3TestServer server;
    private S3Client client;
    private PlaylistStores stores;
    private PlaylistBuilder builder;
    private final Map<Integer, Entry> claimed = new HashMap<>();
    private Path recordings;
    private String folder;

    @BeforeEach
    void open() throws Exception {
        recordings = Files.createDirectories(dir.resolve("recordings"));
        server = new S3TestServer(dir.resolve("s3")).start();
        client = server.client();
        client.createBucket(b -> b.bucket("vod"));
        stores = new PlaylistStores(recordings, TestConfig.s3(recordings, server).build(), clock);
        builder = new PlaylistBuilder(stores.playlists, stores.s3, recordings, FLOOR, true);
        folder = SegmentLayout.sessionPath(STREAM, SESSION);
    }

    @AfterEach
    void close() {
        stores.close();
        client.close();
        server.close();
    }

    private void finish(int index) throws Exception {
        Path file = recordings.resolve(folder).resolve("segment_%03d.mp4".formatted(index));
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[SIZE]);
        Segment segment = new Segment(STREAM, SESSION, index, folder + "/" + file.getFileName(),
                SESSION.plusSeconds(3L * index), Duration.ofMillis(2990), SIZE);
        stores.catalog.segmentFinished(segment);
        stores.playlists.recordMedia(segment.relativePath(), new SegmentMedia(SIZE, 100, SIZE - 100, Duration.ofMillis(2990)));
        stores.playlists.segmentFinished(STREAM, SESSION, false);
        Entry entry = stores.catalog.claimNextPending().orElseThrow();
        claimed.put(entry.segment().index(), entry);
    }

    private void confirm(int index) {
        Entry entry = claimed.remove(index);
        assertThat(stores.catalog.markUploaded(entry, new Confirmation("vod/" + entry.relativePath(), SIZE, "etag", null,
                clock.instant()))).isTrue();
    }

    /** Publishes, and checks the local file and the object against a rebuild; returns how many it lists. */
    private int publish(boolean ended) throws Exception {
        int listed = builder.publishSession(stores.playlists.outOfDateSessions(10).getFirst(), ended).listed();
        PlaylistPlan plan = PlaylistPlan.of(stores.playlists.sessionSegments(STREAM, SESSION), true, Segment::fileName);
        String rebuilt = PlaylistText.render(plan.items(), FLOOR, ended && plan.complete());
        Path local = recordings.resolve(folder).resolve(PlaylistBuilder.FILE_NAME);
        assertThat(Files.readString(local)).isEqualTo(rebuilt);
        String object = client.getObjectAsBytes(b -> b.bucket("vod").key(folder + "/" + PlaylistBuilder.FILE_NAME))
                .asString(StandardCharsets.UTF_8);
        assertThat(object).isEqualTo(rebuilt);
        return listed;
    }

    @Test
    void segmentsConfirmedOutOfOrderAreAppendedInOrderAndTheObjectIsTheWholeText() throws Exception {
        for (int i = 0; i < 6; i++) {
            finish(i);
        }
        confirm(0);
        assertThat(publish(false)).isEqualTo(1);

        confirm(2); // segment 1 is still uploading: the playlist waits for it
        assertThat(publish(false)).isEqualTo(1);
        confirm(1);
        assertThat(publish(false)).isEqualTo(3);

        stores.catalog.quarantine(claimed.remove(3), "its file vanished", false);
        confirm(5);
        assertThat(publish(false)).isEqualTo(3); // segment 4 waits
        confirm(4);
        assertThat(publish(false)).isEqualTo(5);
        assertThat(builder.appends()).isEqualTo(4);

        stores.playlists.sessionEnded(STREAM, SESSION);
        publish(true);

        assertThat(builder.appends()).as("the end is published whole").isEqualTo(4);
        assertThat(client.headObject(b -> b.bucket("vod").key(folder + "/" + PlaylistBuilder.FILE_NAME)).cacheControl())
                .isNull();
        assertThat(sessionFinished()).get().satisfies(event -> {
            assertThat(event.segments()).isEqualTo(5);
            assertThat(event.missing()).isEqualTo(1);
            assertThat(event.playlist()).isEqualTo(folder + "/" + PlaylistBuilder.FILE_NAME);
        });
    }

    /** The session.finished event, read by delivering the stream's events in order. */
    private Optional<WebhookEvent> sessionFinished() {
        List<WebhookEvent> due;
        while (!(due = stores.outbox.due(10)).isEmpty()) {
            for (WebhookEvent event : due) {
                if (event.type() == WebhookEvent.Type.SESSION_FINISHED) {
                    return Optional.of(event);
                }
                stores.outbox.delivered(event);
            }
        }
        return Optional.empty();
    }
}
