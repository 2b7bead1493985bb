package io.github.mediamtxvod.catalog;

import static io.github.mediamtxvod.catalog.CatalogTest.confirmation;
import static io.github.mediamtxvod.catalog.CatalogTest.finished;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.testing.MutableClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlaylistCatalogTest {
    static final Instant T0 = CatalogTest.T0;
    static final LocalDate DAY = LocalDate.parse("2026-03-01");

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(T0);
    Catalog catalog;
    PlaylistCatalog playlists;
    WebhookOutbox outbox;

    @BeforeEach
    void open() {
        catalog = new Catalog(dir, clock);
        catalog.start();
        playlists = new PlaylistCatalog(dir, clock);
        playlists.start();
        outbox = new WebhookOutbox(dir, clock);
        outbox.start(true);
    }

    @AfterEach
    void close() {
        outbox.close();
        playlists.close();
        catalog.close();
    }

    /** Records, claims and confirms a segment, as the upload workers do. */
    Entry upload(Segment segment) {
        catalog.recordFinished(segment);
        Entry claimed = catalog.claimNextPending().orElseThrow();
        assertThat(catalog.markUploaded(claimed, confirmation(claimed))).isTrue();
        return catalog.segment(segment.relativePath()).orElseThrow();
    }

    @Test
    void aConfirmedUploadMakesItsSessionPlaylistOutOfDateInTheSameTransaction() {
        upload(finished("cam1", T0, 0, 100));

        List<PlaylistState> outOfDate = playlists.outOfDateSessions(10);
        assertThat(outOfDate).singleElement().satisfies(state -> {
            assertThat(state.stream()).isEqualTo("cam1");
            assertThat(state.sessionStart()).isEqualTo(T0);
            assertThat(state.day()).isEqualTo(DAY);
            assertThat(state.ended()).isFalse();
        });
    }

    @Test
    void aPublishRecordsItsGenerationAndAChangeDuringTheBuildKeepsThePlaylistOutOfDate() {
        playlists.segmentFinished("cam1", T0);
        PlaylistState read = playlists.outOfDateSessions(10).getFirst();
        upload(finished("cam1", T0, 0, 100)); // confirmed while the playlist is being built

        playlists.sessionPublished(read, "aa", false, null, true);

        PlaylistState again = playlists.outOfDateSessions(10).getFirst();
        assertThat(again.generation()).isGreaterThan(read.generation());
        assertThat(again.publishedSha256()).isEqualTo("aa");
        playlists.sessionPublished(again, "bb", false, null, true);
        assertThat(playlists.outOfDateSessions(10)).isEmpty();
    }

    @Test
    void publishingAChangedSessionPlaylistMakesItsDayPlaylistOutOfDate() {
        playlists.segmentFinished("cam1", T0);
        PlaylistState session = playlists.outOfDateSessions(10).getFirst();

        playlists.sessionPublished(session, "aa", false, null, true);

        assertThat(playlists.outOfDateDays(10)).singleElement().satisfies(day -> {
            assertThat(day.stream()).isEqualTo("cam1");
            assertThat(day.day()).isEqualTo(DAY);
            assertThat(day.isSession()).isFalse();
        });
        playlists.dayPublished(playlists.outOfDateDays(10).getFirst(), "dd", false);
        assertThat(playlists.outOfDateDays(10)).isEmpty();

        playlists.segmentFinished("cam1", T0);
        playlists.sessionPublished(playlists.outOfDateSessions(10).getFirst(), "aa", false, null, true);
        assertThat(playlists.outOfDateDays(10)).as("same text: the day is not touched").isEmpty();
    }

    @Test
    void withUploadsOnAFinishedSegmentLeavesAKnownSessionAloneUntilItsConfirmation() {
        playlists.segmentFinished("cam1", T0, false);
        PlaylistState first = playlists.outOfDateSessions(10).getFirst();
        playlists.sessionPublished(first, null, false, null, true);

        playlists.segmentFinished("cam1", T0, false);
        assertThat(playlists.outOfDateSessions(10)).as("waits for S3: nothing to publish").isEmpty();
        assertThat(playlists.daySessions("cam1", DAY)).as("but the session is known").hasSize(1);

        upload(finished("cam1", T0, 0, 100));
        assertThat(playlists.outOfDateSessions(10)).hasSize(1);
    }

    @Test
    void outOfDatePlaylistsArePagedAfterTheLastOneSeen() {
        for (String stream : List.of("cam1", "cam2", "cam3")) {
            playlists.segmentFinished(stream, T0);
            playlists.sessionPublished(playlists.outOfDateSessions(10).stream()
                    .filter(state -> state.stream().equals(stream)).findFirst().orElseThrow(), "aa", false, null, true);
            playlists.segmentFinished(stream, T0);
        }

        List<PlaylistState> first = playlists.outOfDateSessions(null, 2);
        assertThat(first).extracting(PlaylistState::stream).containsExactly("cam1", "cam2");
        assertThat(playlists.outOfDateSessions(first.getLast(), 2)).extracting(PlaylistState::stream)
                .containsExactly("cam3");
        List<PlaylistState> days = playlists.outOfDateDays(null, 2);
        assertThat(days).extracting(PlaylistState::stream).containsExactly("cam1", "cam2");
        assertThat(playlists.outOfDateDays(days.getLast(), 2)).extracting(PlaylistState::stream).containsExactly("cam3");

        assertThat(playlists.outOfDateDay("cam2", DAY)).hasValueSatisfying(day -> assertThat(day.isSession()).isFalse());
        playlists.dayPublished(playlists.outOfDateDay("cam2", DAY).orElseThrow(), "dd", false);
        assertThat(playlists.outOfDateDay("cam2", DAY)).isEmpty();
    }

    @Test
    void playlistsPublishedShortlyBeforeTheStartAreCheckedAgain() {
        playlists.segmentFinished("cam1", T0);
        playlists.sessionPublished(playlists.outOfDateSessions(10).getFirst(), "aa", false, null, true);
        playlists.dayPublished(playlists.outOfDateDays(10).getFirst(), "dd", false);
        playlists.sessionEnded("cam1", T0);
        playlists.sessionPublished(playlists.outOfDateSessions(10).getFirst(), "ab", true, null, true);
        playlists.dayPublished(playlists.outOfDateDays(10).getFirst(), "de", true);
        clock.advance(PlaylistCatalog.RECENT.minusSeconds(1));

        playlists.endSessionsAtStart();

        assertThat(playlists.outOfDateSessions(10)).singleElement().matches(PlaylistState::ended);
        assertThat(playlists.outOfDateDays(10)).hasSize(1);
        playlists.sessionPublished(playlists.outOfDateSessions(10).getFirst(), "ab", true, null, true);
        playlists.dayPublished(playlists.outOfDateDays(10).getFirst(), "de", true);
        clock.advance(PlaylistCatalog.RECENT.plusSeconds(1));

        playlists.endSessionsAtStart();

        assertThat(playlists.outOfDateSessions(10)).as("long written").isEmpty();
        assertThat(playlists.outOfDateDays(10)).isEmpty();
    }

    @Test
    void theEndOfASessionIsLoggedOnceAfterItsSegmentEvents() {
        upload(finished("cam1", T0, 0, 100));
        upload(finished("cam1", T0, 1, 200));
        playlists.sessionEnded("cam1", T0);
        PlaylistState state = playlists.outOfDateSessions(10).getFirst();
        assertThat(state.ended()).isTrue();
        SessionSummary summary = new SessionSummary("cam1", T0, "cam1/2026-03-01/20260301_100000", T0,
                T0.plusSeconds(120), 2, 0, 300, "vod/cam1/2026-03-01/20260301_100000",
                "vod/cam1/2026-03-01/20260301_100000/index.m3u8");

        playlists.sessionPublished(state, "aa", true, summary, true);
        playlists.segmentFinished("cam1", T0);
        playlists.sessionPublished(playlists.outOfDateSessions(10).getFirst(), "aa", true, summary, true);

        List<WebhookEvent> events = allEvents();
        assertThat(events).extracting(WebhookEvent::type).containsExactly(WebhookEvent.Type.SEGMENT_UPLOADED,
                WebhookEvent.Type.SEGMENT_UPLOADED, WebhookEvent.Type.SESSION_FINISHED);
        WebhookEvent finished = events.getLast();
        assertThat(finished.segments()).isEqualTo(2);
        assertThat(finished.sizeBytes()).isEqualTo(300);
        assertThat(finished.end()).isEqualTo(T0.plusSeconds(120));
        assertThat(finished.playlist()).endsWith("/index.m3u8");
        assertThat(finished.key()).isEqualTo("vod/cam1/2026-03-01/20260301_100000");
        playlists.segmentFinished("cam1", T0);
        assertThat(playlists.outOfDateSessions(10).getFirst().finishedLogged()).isTrue();
    }

    @Test
    void atStartEverySessionIsEndedAndEverySessionWithLocalFilesGetsAPlaylist() {
        playlists.segmentFinished("cam1", T0);
        catalog.recordFinished(finished("cam2", T0.plusSeconds(5), 0, 100)); // found on disk, never announced
        playlists.sessionPublished(playlists.outOfDateSessions(10).getFirst(), "aa", false, null, true);
        playlists.dayPublished(playlists.outOfDateDays(10).getFirst(), "dd", false);

        int open = playlists.endSessionsAtStart();

        assertThat(open).isEqualTo(1);
        assertThat(playlists.outOfDateSessions(10)).extracting(PlaylistState::stream, PlaylistState::ended)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("cam1", true),
                        org.assertj.core.groups.Tuple.tuple("cam2", true));
        assertThat(playlists.daySessions("cam1", DAY)).singleElement().matches(PlaylistState::ended);
    }

    @Test
    void segmentsComeWithTheirMediaFactsInRecordingOrder() {
        Instant second = T0.plusSeconds(3600);
        catalog.recordFinished(finished("cam1", second, 0, 100));
        catalog.recordFinished(finished("cam1", T0, 1, 100));
        catalog.recordFinished(finished("cam1", T0, 0, 100));
        catalog.recordFinished(finished("cam1", T0.plus(Duration.ofDays(1)), 0, 100));
        SegmentMedia media = new SegmentMedia(100, 10, 80, Duration.ofMillis(59_990));
        playlists.recordMedia(finished("cam1", T0, 0, 100).relativePath(), media);

        List<PlaylistSegment> day = playlists.daySegments("cam1", DAY);

        assertThat(day).extracting(segment -> segment.entry().relativePath()).containsExactly(
                finished("cam1", T0, 0, 100).relativePath(), finished("cam1", T0, 1, 100).relativePath(),
                finished("cam1", second, 0, 100).relativePath());
        assertThat(day.getFirst().media()).isEqualTo(media);
        assertThat(day.getFirst().mediaCurrent()).isTrue();
        assertThat(day.get(1).media()).isNull();
        assertThat(playlists.sessionSegments("cam1", T0)).hasSize(2);
        assertThat(playlists.unconfirmedWithoutMedia("", 10)).extracting(Entry::relativePath)
                .doesNotContain(finished("cam1", T0, 0, 100).relativePath()).hasSize(3);
    }

    @Test
    void aVersionOneCatalogueGetsThePlaylistTablesAtItsNextOpen() throws Exception {
        close();
        try (Connection connection = CatalogSchema.open(CatalogSchema.databaseFile(dir));
                Statement statement = connection.createStatement()) {
            for (String table : List.of("segment_media", "recording_session", "day_playlist", "webhook_event")) {
                statement.executeUpdate("DROP TABLE " + table);
            }
            statement.executeUpdate("PRAGMA user_version = 1");
        }

        open();
        upload(finished("cam1", T0, 0, 100));

        assertThat(playlists.outOfDateSessions(10)).hasSize(1);
        assertThat(allEvents()).hasSize(1);
    }

    private List<WebhookEvent> allEvents() {
        return outbox.due(100).isEmpty() ? List.of() : drain();
    }

    /** Every event in outbox order, read by delivering each stream's oldest in turn. */
    private List<WebhookEvent> drain() {
        List<WebhookEvent> all = new java.util.ArrayList<>();
        List<WebhookEvent> due;
        while (!(due = outbox.due(100)).isEmpty()) {
            for (WebhookEvent event : due) {
                all.add(event);
                outbox.delivered(event);
            }
        }
        return all;
    }
}
