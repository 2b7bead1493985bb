package io.github.mediamtxvod.playlist;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.catalog.PlaylistState;
import io.github.mediamtxvod.catalog.SegmentMedia;
import io.github.mediamtxvod.catalog.WebhookEvent;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.recording.SegmentLayout;
import io.github.mediamtxvod.testing.MutableClock;
import io.github.mediamtxvod.testing.TestConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Session playlists continued by appending, without S3: after every publish the file is exactly
 * the text a whole rebuild from the catalogue gives, and the catalogue holds its SHA-256.
 */
class PlaylistBuilderTest {
    private static final Instant SESSION = Instant.parse("2026-03-01T10:00:00Z");
    private static final String STREAM = "lobby/cam1";
    private static final Duration FLOOR = Duration.ofSeconds(2);
    private static final long SIZE = 1000;

    @TempDir
    Path recordings;

    private final MutableClock clock = new MutableClock(SESSION);
    private PlaylistStores stores;
    private PlaylistBuilder builder;
    private String folder;

    @BeforeEach
    void open() {
        stores = new PlaylistStores(recordings, TestConfig.localOnly(recordings).build(), clock);
        builder = new PlaylistBuilder(stores.playlists, stores.s3, recordings, FLOOR, true, clock::nanoTime);
        folder = SegmentLayout.sessionPath(STREAM, SESSION);
    }

    @AfterEach
    void close() {
        stores.close();
    }

    /** A finished segment with media facts of {@code millis} (the file's content does not matter to a playlist). */
    private void finish(int index, long millis) throws IOException {
        Path file = recordings.resolve(folder).resolve("segment_%03d.mp4".formatted(index));
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[(int) SIZE]);
        Segment segment = new Segment(STREAM, SESSION, index, folder + "/" + file.getFileName(),
                SESSION.plusMillis(3000L * index), Duration.ofMillis(millis), SIZE);
        stores.catalog.segmentFinished(segment);
        stores.playlists.recordMedia(segment.relativePath(), new SegmentMedia(SIZE, 100, SIZE - 100, Duration.ofMillis(millis)));
        stores.playlists.segmentFinished(STREAM, SESSION, true);
    }

    private PlaylistBuilder.Published publish(boolean ended) throws IOException {
        PlaylistState state = stores.playlists.outOfDateSessions(10).getFirst();
        return builder.publishSession(state, ended);
    }

    /** The text a rebuild from the catalogue gives now. */
    private String rebuilt(boolean ended) {
        PlaylistPlan plan = PlaylistPlan.of(stores.playlists.sessionSegments(STREAM, SESSION), false, Segment::fileName);
        return PlaylistText.render(plan.items(), FLOOR, ended && plan.complete());
    }

    private Path playlist() {
        return recordings.resolve(folder).resolve(PlaylistBuilder.FILE_NAME);
    }

    private void assertPublishedAsRebuilt(boolean ended) throws Exception {
        String text = Files.readString(playlist());
        assertThat(text).isEqualTo(rebuilt(ended));
        String sha256 = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
        assertThat(stores.playlists.daySessions(STREAM, java.time.LocalDate.parse(SegmentLayout.day(SESSION)))).singleElement()
                .extracting(PlaylistState::publishedSha256).isEqualTo(sha256);
    }

    @Test
    void eachPublishAfterTheFirstAppendsAndGivesTheTextOfAWholeRebuild() throws Exception {
        finish(0, 2990);
        assertThat(publish(false).listed()).isEqualTo(1);
        assertPublishedAsRebuilt(false);

        int publishes = 1;
        for (int i = 1; i < 40; i++, publishes++) {
            finish(i, 2990 + i % 3);
            if (i % 4 == 0) {
                finish(++i, 3000); // two segments in one publish
            }
            PlaylistBuilder.Published published = publish(false);
            assertThat(published.changed()).isTrue();
            assertThat(published.listed()).isEqualTo(i + 1);
            assertPublishedAsRebuilt(false);
        }
        assertThat(builder.appends()).isEqualTo(publishes - 1);
        assertThat(recordings.resolve(folder)).isDirectoryNotContaining("glob:**/.index.m3u8.tmp");

        PlaylistBuilder.Published closed = publishEnded();
        assertThat(closed.complete()).isTrue();
        assertThat(builder.appends()).as("the end is published whole").isEqualTo(publishes - 1);
        assertPublishedAsRebuilt(true);
        WebhookEvent finished = stores.outbox.due(10).getFirst();
        assertThat(finished.type()).isEqualTo(WebhookEvent.Type.SESSION_FINISHED);
        assertThat(finished.segments()).isEqualTo(40);
        assertThat(finished.sizeBytes()).isEqualTo(40L * SIZE);
        assertThat(finished.start()).isEqualTo(SESSION);
        assertThat(finished.end()).isEqualTo(SESSION.plusMillis(3000L * 39 + 2990));
    }

    private PlaylistBuilder.Published publishEnded() throws IOException {
        stores.playlists.sessionEnded(STREAM, SESSION);
        return publish(true);
    }

    @Test
    void aSegmentLongerThanTheTargetDurationRebuildsTheWholeText() throws Exception {
        finish(0, 2000);
        publish(false);
        finish(1, 2000);
        publish(false);
        assertThat(builder.appends()).isEqualTo(1);

        finish(2, 4600); // rounds to 5 s: the header's target duration changes
        publish(false);

        assertThat(builder.appends()).isEqualTo(1);
        assertThat(Files.readString(playlist())).contains("#EXT-X-TARGETDURATION:5\n");
        assertPublishedAsRebuilt(false);
        finish(3, 2000);
        publish(false);
        assertThat(builder.appends()).isEqualTo(2);
        assertPublishedAsRebuilt(false);
    }

    @Test
    void aFileChangedBehindItsBackIsWrittenWholeAgain() throws Exception {
        finish(0, 3000);
        publish(false);
        Files.writeString(playlist(), "#EXTM3U\n");
        finish(1, 3000);

        publish(false);

        assertThat(builder.appends()).isZero();
        assertPublishedAsRebuilt(false);
    }

    @Test
    void theEndOfTheSessionIsPublishedWholeWithNothingElseChanged() throws Exception {
        finish(0, 3000);
        publish(false);
        finish(1, 3000);
        publish(false);
        String open = Files.readString(playlist());

        publishEnded();

        assertThat(Files.readString(playlist())).isEqualTo(open + "#EXT-X-ENDLIST\n");
        assertPublishedAsRebuilt(true);
        assertThat(builder.appends()).isEqualTo(1);
    }

    @Test
    void aSegmentThatCouldNotBeListedIsTriedAgainAtTheNextPublish() throws Exception {
        finish(0, 3000);
        publish(false);
        Path file = recordings.resolve(folder).resolve("segment_001.mp4");
        Files.write(file, new byte[(int) SIZE]); // no media facts, and the file cannot be read for them
        Segment unreadable = new Segment(STREAM, SESSION, 1, folder + "/segment_001.mp4", SESSION.plusMillis(3000),
                Duration.ofMillis(3000), SIZE);
        stores.catalog.segmentFinished(unreadable);
        stores.playlists.segmentFinished(STREAM, SESSION, true);
        assertThat(publish(false).listed()).isEqualTo(1);
        assertPublishedAsRebuilt(false);

        stores.playlists.recordMedia(unreadable.relativePath(), new SegmentMedia(SIZE, 100, SIZE - 100, Duration.ofMillis(3000)));
        finish(2, 3000);

        assertThat(publish(false).listed()).isEqualTo(3);
        assertPublishedAsRebuilt(false);
    }

    @Test
    void aLongOpenSessionIsRebuiltWholeNowAndThen() throws Exception {
        finish(0, 3000);
        publish(false);
        finish(1, 3000);
        publish(false);
        assertThat(builder.appends()).isEqualTo(1);

        clock.advance(PlaylistBuilder.REBUILD_AFTER);
        finish(2, 3000);
        publish(false);
        finish(3, 3000);
        publish(false);

        assertThat(builder.appends()).as("the third publish is whole, the fourth appends to it").isEqualTo(2);
        assertPublishedAsRebuilt(false);
    }
}
