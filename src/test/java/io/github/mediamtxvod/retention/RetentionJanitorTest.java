package io.github.mediamtxvod.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.github.mediamtxvod.catalog.SegmentState;
import io.github.mediamtxvod.recording.DiskGuard;
import io.github.mediamtxvod.recording.DiskSpace;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionJanitorTest {
    static final Duration DAYS_8 = Duration.ofDays(8);
    static final Duration DAY = Duration.ofDays(1);

    @TempDir
    Path dir;

    RetentionFixture fixture;

    @BeforeEach
    void open() {
        fixture = new RetentionFixture(dir);
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    DiskGuard guard;

    RetentionJanitor janitor(int days, long minFree, boolean uploadsEnabled, DiskSpace disk) {
        guard = new DiskGuard(dir, minFree, disk);
        return new RetentionJanitor(fixture.catalog, new RetentionConfig(days, minFree), uploadsEnabled, guard,
                fixture.clock, Duration.ofMinutes(1));
    }

    @Test
    void deletesOnlyConfirmedFilesOlderThanTheRetention() throws Exception {
        Segment oldUploaded = fixture.uploaded("cam", DAYS_8, 0, 100);
        Segment recentUploaded = fixture.uploaded("cam", DAY, 0, 100);
        Segment oldPending = fixture.pending("cam2", DAYS_8, 0, 100);
        Segment oldUploading = fixture.pending("cam3", DAYS_8, 0, 100);
        fixture.catalog.claimNextPending().orElseThrow();
        Segment oldQuarantined = fixture.pending("cam4", DAYS_8, 0, 100);
        fixture.catalog.quarantine(fixture.stored(oldQuarantined), "test", true);

        RetentionJanitor.Result result = janitor(7, 0, true, fixture.diskOf(1_000_000)).runOnce();

        assertThat(result.deletedByAge()).isEqualTo(1);
        assertThat(result.bytesFreed()).isEqualTo(100);
        assertThat(oldUploaded.file(dir)).doesNotExist();
        assertThat(fixture.stored(oldUploaded).state()).isEqualTo(SegmentState.LOCAL_DELETED);
        assertThat(recentUploaded.file(dir)).exists();
        assertThat(oldPending.file(dir)).exists();
        assertThat(oldUploading.file(dir)).exists();
        assertThat(oldQuarantined.file(dir)).exists();
    }

    @Test
    void retentionZeroDeletesEveryConfirmedFileAndNothingElse() throws Exception {
        Segment uploaded = fixture.uploaded("cam", Duration.ofSeconds(10), 0, 100);
        Segment pending = fixture.pending("cam", Duration.ofSeconds(10), 1, 100);

        janitor(0, 0, true, fixture.diskOf(1_000_000)).runOnce();

        assertThat(uploaded.file(dir)).doesNotExist();
        assertThat(pending.file(dir)).exists();
        assertThat(uploaded.file(dir).resolveSibling(".session.json")).exists();
    }

    @Test
    void theDiskGuardDeletesTheOldestConfirmedFilesFirstUntilThereIsEnoughSpace() throws Exception {
        Segment[] uploaded = new Segment[5];
        for (int i = 0; i < 5; i++) {
            uploaded[i] = fixture.uploaded("cam", Duration.ofHours(5 - i), i, 1000);
        }
        Segment pending = fixture.pending("other", Duration.ofHours(9), 0, 1000);
        // 6000 bytes used of 10000: 4000 free, 6500 wanted: three confirmed files must go
        RetentionJanitor janitor = janitor(7, 6500, true, fixture.diskOf(10_000));

        RetentionJanitor.Result result = janitor.runOnce();

        assertThat(result.deletedForSpace()).isEqualTo(3);
        assertThat(result.freeBytes()).isEqualTo(7000);
        assertThat(uploaded[0].file(dir)).doesNotExist();
        assertThat(uploaded[1].file(dir)).doesNotExist();
        assertThat(uploaded[2].file(dir)).doesNotExist();
        assertThat(uploaded[3].file(dir)).exists();
        assertThat(uploaded[4].file(dir)).exists();
        assertThat(pending.file(dir)).exists();
        assertThat(guard.hasRoom()).isTrue();
    }

    @Test
    void theDiskGuardNeverDeletesUnconfirmedFilesAndSaysNoToNewSessionsUntilSpaceReturns() throws Exception {
        Segment uploaded = fixture.uploaded("cam", Duration.ofHours(1), 0, 1000);
        Segment pending = fixture.pending("cam", Duration.ofHours(2), 1, 1000);
        long[] capacity = {2500};
        RetentionJanitor janitor = janitor(7, 2000, true, ignored -> capacity[0] - fixture.bytesOnDisk());

        RetentionJanitor.Result full = janitor.runOnce();

        assertThat(full.deletedForSpace()).isEqualTo(1);
        assertThat(uploaded.file(dir)).doesNotExist();
        assertThat(pending.file(dir)).exists();
        assertThat(fixture.stored(pending).state()).isEqualTo(SegmentState.PENDING);
        assertThat(guard.hasRoom()).isFalse();

        capacity[0] = 10_000;
        janitor.runOnce();
        assertThat(guard.hasRoom()).isTrue();
        assertThat(guard.hasRoom()).isTrue();
        assertThat(pending.file(dir)).exists();
    }

    @Test
    void localOnlyModeDeletesNothingEvenWhenTheDiskIsFull() throws Exception {
        Segment uploaded = fixture.uploaded("cam", DAYS_8, 0, 1000);
        RetentionJanitor janitor = janitor(0, 5000, false, fixture.diskOf(1500));

        RetentionJanitor.Result result = janitor.runOnce();

        assertThat(result.deletedByAge() + result.deletedForSpace()).isZero();
        assertThat(uploaded.file(dir)).exists();
        assertThat(guard.hasRoom()).isFalse();
    }

    @Test
    void aConfirmedFileThatChangedSinceTheUploadIsKeptAndQueuedAgain() throws Exception {
        Segment uploaded = fixture.uploaded("cam", DAYS_8, 0, 100);
        Files.write(uploaded.file(dir), new byte[150]);

        janitor(7, 0, true, fixture.diskOf(1_000_000)).runOnce();

        assertThat(uploaded.file(dir)).exists().hasSize(150);
        assertThat(fixture.stored(uploaded).state()).isEqualTo(SegmentState.PENDING);
    }

    @Test
    void aSessionFolderGoesOnlyAfterItsLastFileWasDeletedAndItWasQuiet() throws Exception {
        Segment first = fixture.uploaded("cam", DAYS_8, 0, 100);
        Segment second = fixture.uploaded("cam", DAYS_8, 1, 100);
        Segment kept = fixture.pending("cam", DAYS_8.plusHours(1), 0, 100);
        Path session = first.file(dir).getParent();
        RetentionJanitor janitor = janitor(7, 0, true, fixture.diskOf(1_000_000));

        janitor.runOnce();
        assertThat(second.file(dir)).doesNotExist();
        assertThat(session).exists();

        RetentionFixture.makeAllOld(dir);
        janitor.runOnce();
        RetentionFixture.makeAllOld(dir);
        janitor.runOnce();
        assertThat(session).doesNotExist();
        assertThat(kept.file(dir)).exists();
        assertThat(kept.file(dir).resolveSibling(".session.json")).exists();
        assertThat(dir.resolve("cam")).exists();
    }

    @Test
    void aFailingDiskProbeDoesNotStopThePeriodicRuns() throws Exception {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        RetentionJanitor janitor = new RetentionJanitor(fixture.catalog, new RetentionConfig(7, 0), true,
                new DiskGuard(dir, 1, ignored -> {
                    calls.incrementAndGet();
                    throw new java.io.IOException("probe failed");
                }), fixture.clock, Duration.ofMillis(10));
        janitor.start();
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() >= 3);
        } finally {
            janitor.close();
        }
    }

    @Test
    void anErrorInARunIsLoggedAndTheNextRunStillComes() throws Exception {
        Segment uploaded = fixture.uploaded("cam", DAY, 0, 100);
        AtomicBoolean first = new AtomicBoolean(true);
        DiskSpace failingOnce = folder -> {
            if (first.getAndSet(false)) {
                throw new AssertionError("injected failure");
            }
            return fixture.diskOf(100).usableBytes(folder);
        };
        guard = new DiskGuard(dir, 50, failingOnce);
        RetentionJanitor janitor = new RetentionJanitor(fixture.catalog, new RetentionConfig(36_500, 50), true, guard,
                fixture.clock, Duration.ofMillis(100));
        try (LogCapture log = LogCapture.of(RetentionJanitor.class)) {
            janitor.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> fixture.stored(uploaded).state() == SegmentState.LOCAL_DELETED);
            janitor.close();

            assertThat(log.messages(Level.ERROR)).singleElement().asString()
                    .contains("failed unexpectedly", "injected failure", "the janitor goes on");
        }
    }
}
