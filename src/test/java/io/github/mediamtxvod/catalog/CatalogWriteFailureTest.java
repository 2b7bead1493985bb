package io.github.mediamtxvod.catalog;

import static io.github.mediamtxvod.catalog.CatalogTest.T0;
import static io.github.mediamtxvod.catalog.CatalogTest.confirmation;
import static io.github.mediamtxvod.catalog.CatalogTest.finished;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import io.github.mediamtxvod.recording.DiskSpace;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.testing.LogCapture;
import io.github.mediamtxvod.testing.MutableClock;
import io.github.mediamtxvod.testing.SegmentFiles;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes that fail for real (another connection holds SQLite's write lock past the busy timeout):
 * nothing is lost, nothing is retried before the gate opens, the failure is logged once, and
 * what was kept in memory is recorded as soon as a write works again, on a fresh connection.
 */
class CatalogWriteFailureTest {
    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(T0);
    final AtomicInteger recoveries = new AtomicInteger();
    final AtomicInteger wakeUps = new AtomicInteger();
    Catalog catalog;
    Connection blocker;

    @BeforeEach
    void open() {
        catalog = new Catalog(dir, clock, Tunings.fast(DiskSpace.fileStore(), clock::nanoTime));
        catalog.start();
        catalog.whenRecovered(recoveries::incrementAndGet);
        catalog.whenPending(wakeUps::incrementAndGet);
    }

    @AfterEach
    void close() throws Exception {
        if (blocker != null) {
            blocker.close();
        }
        catalog.close();
    }

    /** Another process takes the write lock and keeps it, as a long clean command could. */
    void lockTheDatabase() throws Exception {
        blocker = CatalogSchema.open(CatalogSchema.databaseFile(dir));
        try (Statement statement = blocker.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
            statement.execute("UPDATE segment SET attempts = attempts WHERE 0");
        }
    }

    void unlock() throws Exception {
        blocker.close();
        blocker = null;
    }

    @Test
    void finishedSegmentsAreKeptWhileTheCatalogueIsLockedAndRecordedOnceItIsFree() throws Exception {
        try (LogCapture log = LogCapture.of(WriteGate.class)) {
            lockTheDatabase();
            Segment first = finished("cam1", T0, 0, 100);
            Segment second = finished("cam1", T0, 1, 100);

            catalog.segmentFinished(first);
            assertThat(catalog.writeWait()).isPositive();
            catalog.segmentFinished(second); // the gate is closed: kept without trying
            assertThat(catalog.segment(first.relativePath())).isEmpty();
            assertThat(log.messages(Level.WARN)).singleElement().asString().contains("BUSY", "catalog.db");

            unlock();
            catalog.retryDeferred();
            assertThat(catalog.segment(first.relativePath())).as("not before the gate opens").isEmpty();
            clock.advance(Duration.ofSeconds(1));
            catalog.retryDeferred();

            assertThat(catalog.countByState()).containsEntry(SegmentState.PENDING, 2L);
            assertThat(recoveries).hasValue(1);
            assertThat(wakeUps).hasPositiveValue();
            assertThat(log.messages(Level.WARN)).hasSize(1);
            assertThat(log.messages(Level.INFO)).singleElement().asString().contains("2 changes");
        }
    }

    @Test
    void anUploadConfirmedWhileTheCatalogueIsLockedIsMarkedOnceItIsFree() throws Exception {
        catalog.recordFinished(finished("cam1", T0, 0, 100));
        Entry claimed = catalog.claimNextPending().orElseThrow();
        lockTheDatabase();

        assertThat(catalog.record(new UploadOutcome.Uploaded(claimed, confirmation(claimed))))
                .isEqualTo(UploadOutcome.Recorded.LATER);
        assertThat(catalog.segment(claimed.relativePath()).orElseThrow().state()).isEqualTo(SegmentState.UPLOADING);

        unlock();
        clock.advance(Duration.ofSeconds(1));
        catalog.retryDeferred();

        Entry stored = catalog.segment(claimed.relativePath()).orElseThrow();
        assertThat(stored.state()).isEqualTo(SegmentState.UPLOADED);
        assertThat(stored.confirmation().key()).isEqualTo("vod/" + claimed.relativePath());
    }

    @Test
    void aFailedTransactionLeavesAWorkingConnectionBehind() throws Exception {
        lockTheDatabase();
        assertThatThrownBy(() -> catalog.recordFinished(finished("cam1", T0, 0, 100)))
                .isInstanceOf(CatalogException.class)
                .satisfies(e -> assertThat(((CatalogException) e).kind()).isEqualTo(CatalogException.Kind.BUSY));
        unlock();

        catalog.recordFinished(finished("cam1", T0, 1, 100));
        Entry claimed = catalog.claimNextPending().orElseThrow();
        assertThat(catalog.markUploaded(claimed, confirmation(claimed))).isTrue();
        assertThat(catalog.countByState()).containsEntry(SegmentState.UPLOADED, 1L);
    }

    @Test
    void anUploadingEntryLeftByAFailedStartUpRequeueIsQueuedBeforeTheNextClaim() throws Exception {
        catalog.recordFinished(new SegmentFiles(dir).write("cam1", T0, 0, 100));
        catalog.claimNextPending().orElseThrow();
        catalog.close();
        catalog = new Catalog(dir, clock, Tunings.fast(DiskSpace.fileStore(), clock::nanoTime));
        catalog.start();
        lockTheDatabase();

        catalog.reconcileAtStart();
        assertThat(catalog.countByState()).containsEntry(SegmentState.UPLOADING, 1L);

        unlock();
        clock.advance(Duration.ofSeconds(5));
        assertThat(catalog.claimNextPending()).as("requeued first, then claimed").isPresent();
    }
}
