package io.github.mediamtxvod.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.recording.SegmentLayout;
import io.github.mediamtxvod.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogTest {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(T0);
    Catalog catalog;

    @BeforeEach
    void open() {
        catalog = new Catalog(dir, clock);
        catalog.start();
    }

    @AfterEach
    void close() {
        catalog.close();
    }

    static Segment finished(String stream, Instant sessionStart, int index, long size) {
        String path = SegmentLayout.sessionPath(stream, sessionStart) + "/segment_%03d.mp4".formatted(index);
        return new Segment(stream, sessionStart, index, path,
                sessionStart.plusSeconds(60L * index), Duration.ofSeconds(60), size);
    }

    static Confirmation confirmation(Entry entry) {
        return new Confirmation("vod/" + entry.relativePath(), entry.segment().sizeBytes(), "etag", "CRC32:abc", T0);
    }

    @Test
    void aSegmentIsPendingOnceHoweverOftenItIsRecorded() {
        Segment segment = finished("cam1", T0, 0, 100);
        catalog.recordFinished(segment);
        catalog.recordFinished(segment);

        assertThat(catalog.countByState()).containsEntry(SegmentState.PENDING, 1L);
        Entry stored = catalog.segment(segment.relativePath()).orElseThrow();
        assertThat(stored.segment().stream()).isEqualTo("cam1");
        assertThat(stored.segment().sizeBytes()).isEqualTo(100);
        assertThat(stored.segment().duration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(stored.localPresent()).isTrue();
    }

    @Test
    void workersClaimTheOldestPendingSegmentFirstAcrossStreams() {
        catalog.recordFinished(finished("b", T0.plusSeconds(120), 0, 10));
        catalog.recordFinished(finished("a", T0, 1, 10));
        catalog.recordFinished(finished("c", T0, 0, 10));

        assertThat(catalog.claimNextPending().orElseThrow().segment().stream()).isEqualTo("c");
        assertThat(catalog.claimNextPending().orElseThrow().segment().stream()).isEqualTo("a");
        assertThat(catalog.claimNextPending().orElseThrow().segment().stream()).isEqualTo("b");
        assertThat(catalog.claimNextPending()).isEmpty();
        assertThat(catalog.countByState()).containsEntry(SegmentState.UPLOADING, 3L);
    }

    @Test
    void aFailedSegmentWaitsForItsRetryTime() {
        catalog.recordFinished(finished("cam1", T0, 0, 10));
        Entry claimed = catalog.claimNextPending().orElseThrow();
        catalog.markFailed(claimed, "boom", T0.plusSeconds(30));

        assertThat(catalog.claimNextPending()).isEmpty();
        assertThat(catalog.nextRetryAt()).contains(T0.plusSeconds(30));
        clock.advance(Duration.ofSeconds(30));
        Entry again = catalog.claimNextPending().orElseThrow();
        assertThat(again.attempts()).isEqualTo(2);
        assertThat(again.lastError()).isEqualTo("boom");
    }

    @Test
    void aConfirmationMakesTheSegmentUploadedAndRemembersWhatS3Confirmed() {
        catalog.recordFinished(finished("cam1", T0, 0, 10));
        Entry claimed = catalog.claimNextPending().orElseThrow();

        assertThat(catalog.markUploaded(claimed, confirmation(claimed))).isTrue();
        Entry uploaded = catalog.segment(claimed.relativePath()).orElseThrow();
        assertThat(uploaded.state()).isEqualTo(SegmentState.UPLOADED);
        assertThat(uploaded.confirmation()).isEqualTo(confirmation(claimed));
        assertThat(uploaded.lastError()).isNull();
    }

    @Test
    void aConfirmationOfBytesThatChangedDuringTheUploadIsRefusedAndTheSegmentQueuedAgain() {
        catalog.recordFinished(finished("cam1", T0, 0, 10));
        Entry claimed = catalog.claimNextPending().orElseThrow();
        catalog.recordFinished(finished("cam1", T0, 0, 20));

        assertThat(catalog.markUploaded(claimed, confirmation(claimed))).isFalse();
        Entry again = catalog.segment(claimed.relativePath()).orElseThrow();
        assertThat(again.state()).isEqualTo(SegmentState.PENDING);
        assertThat(again.segment().sizeBytes()).isEqualTo(20);
        assertThat(again.confirmation()).isNull();
    }

    @Test
    void aConfirmedSegmentWhoseFileChangedIsPendingAgainButTheSameBytesStayConfirmed() {
        Segment original = finished("cam1", T0, 0, 10);
        catalog.recordFinished(original);
        Entry claimed = catalog.claimNextPending().orElseThrow();
        catalog.markUploaded(claimed, confirmation(claimed));

        catalog.recordFinished(original);
        assertThat(catalog.segment(original.relativePath()).orElseThrow().state()).isEqualTo(SegmentState.UPLOADED);

        catalog.recordFinished(finished("cam1", T0, 0, 11));
        assertThat(catalog.segment(original.relativePath()).orElseThrow().state()).isEqualTo(SegmentState.PENDING);
    }

    @Test
    void onlyAnUploadedSegmentCanBecomeLocalDeleted() {
        catalog.recordFinished(finished("cam1", T0, 0, 10));
        Entry pending = catalog.segment(finished("cam1", T0, 0, 10).relativePath()).orElseThrow();
        assertThat(catalog.markLocalDeleted(pending)).isFalse();

        Entry claimed = catalog.claimNextPending().orElseThrow();
        assertThat(catalog.markLocalDeleted(claimed)).isFalse();
        catalog.markUploaded(claimed, confirmation(claimed));
        Entry uploaded = catalog.segment(claimed.relativePath()).orElseThrow();
        assertThat(catalog.markLocalDeleted(uploaded)).isTrue();
        Entry deleted = catalog.segment(claimed.relativePath()).orElseThrow();
        assertThat(deleted.state()).isEqualTo(SegmentState.LOCAL_DELETED);
        assertThat(deleted.localPresent()).isFalse();
    }

    @Test
    void uploadsInterruptedByACrashArePendingAgainAfterReopening() {
        catalog.recordFinished(finished("cam1", T0, 0, 10));
        catalog.recordFinished(finished("cam1", T0, 1, 10));
        catalog.claimNextPending().orElseThrow();
        catalog.close();

        catalog = new Catalog(dir, clock);
        catalog.start();
        assertThat(catalog.requeueInterrupted()).isEqualTo(1);
        assertThat(catalog.countByState()).containsEntry(SegmentState.PENDING, 2L).containsEntry(SegmentState.UPLOADING, 0L);
    }

    @Test
    void aQuarantinedEntryIsPendingAgainWhenItsFileIsRecordedAgain() {
        Segment segment = finished("cam1", T0, 0, 10);
        catalog.recordFinished(segment);
        catalog.quarantine(catalog.segment(segment.relativePath()).orElseThrow(), "file missing", false);
        assertThat(catalog.claimNextPending()).isEmpty();

        catalog.recordFinished(segment);
        assertThat(catalog.segment(segment.relativePath()).orElseThrow().state()).isEqualTo(SegmentState.PENDING);
    }

    @Test
    void oldestQueuedAtIsWhenTheLongestWaitingSegmentWasQueued() {
        assertThat(catalog.oldestQueuedAt()).isEmpty();
        catalog.recordFinished(finished("cam1", T0, 0, 10));
        clock.advance(Duration.ofSeconds(5));
        catalog.recordFinished(finished("cam1", T0, 1, 10));

        assertThat(catalog.oldestQueuedAt()).contains(T0);
    }

    @Test
    void aClosedCatalogueRefusesWritesWithAClearError() {
        catalog.close();
        assertThatThrownBy(() -> catalog.recordFinished(finished("cam1", T0, 0, 10)))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("catalog.db")
                .hasMessageContaining("not open");
        assertThat(Optional.empty()).isEmpty();
    }

    @Test
    void aRetryTimeFarAheadCountsAsDueBecauseTheWallClockWasSetBack() {
        catalog.recordFinished(finished("cam1", T0, 0, 10));
        catalog.recordFinished(finished("cam1", T0, 1, 10));
        Entry first = catalog.claimNextPending().orElseThrow();
        Entry second = catalog.claimNextPending().orElseThrow();
        catalog.markFailed(first, "boom", T0.plus(Duration.ofMinutes(30)));
        catalog.markFailed(second, "boom", T0.plus(CatalogTransitions.MAX_RETRY_AHEAD).plusSeconds(1));

        assertThat(catalog.claimNextPending()).map(Entry::relativePath).contains(second.relativePath());
        assertThat(catalog.claimNextPending()).as("30 minutes ahead is a real wait").isEmpty();
    }
}
