package io.github.mediamtxvod.catalog;

import static io.github.mediamtxvod.catalog.CatalogTest.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.mp4.TimingFixtures;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.recording.SegmentLayout;
import io.github.mediamtxvod.testing.MutableClock;
import io.github.mediamtxvod.testing.SegmentFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskReconcilerTest {
    @TempDir
    Path dir;

    Catalog catalog;
    SegmentFiles files;

    @BeforeEach
    void open() {
        catalog = new Catalog(dir, new MutableClock(T0.plus(Duration.ofDays(1))));
        catalog.start();
        files = new SegmentFiles(dir);
    }

    @AfterEach
    void close() {
        catalog.close();
    }

    @Test
    void filesTheCatalogueDoesNotKnowArePendingWithTheirStreamNameAndSession() throws Exception {
        Segment a = files.write("Küche/1", T0, 0, 1000);
        files.write("Küche/1", T0, 1, 500);

        ReconcileReport report = catalog.reconcileWithDisk();

        assertThat(report.filesOnDisk()).isEqualTo(2);
        assertThat(report.recorded()).isEqualTo(2);
        Entry stored = catalog.segment(a.relativePath()).orElseThrow();
        assertThat(stored.state()).isEqualTo(SegmentState.PENDING);
        assertThat(stored.segment().stream()).isEqualTo("Küche/1");
        assertThat(stored.segment().sessionStart()).isEqualTo(T0);
        assertThat(stored.segment().sizeBytes()).isEqualTo(1000);
        assertThat(catalog.reconcileWithDisk().recorded()).isZero();
    }

    @Test
    void durationsComeFromFfmpegsSegmentListWhenItListsTheFile() throws Exception {
        Segment first = files.write("cam1", T0, 0, 10);
        Segment second = files.write("cam1", T0, 1, 10);
        Files.writeString(first.file(dir).resolveSibling(".segments.csv"),
                "segment_000.mp4,0.000000,59.960000\nsegment_001.mp4,59.960000,120.0\n", StandardCharsets.UTF_8);

        catalog.reconcileWithDisk();

        Entry stored = catalog.segment(second.relativePath()).orElseThrow();
        assertThat(stored.segment().start()).isEqualTo(T0.plusMillis(59_960));
        assertThat(stored.segment().duration()).isEqualTo(Duration.ofMillis(60_040));
    }

    @Test
    void aSessionWithoutSessionJsonIsReadFromItsFolderNames() throws Exception {
        Segment segment = files.write("cam one", T0, 0, 10);
        Files.delete(segment.file(dir).resolveSibling(".session.json"));

        catalog.reconcileWithDisk();

        Entry stored = catalog.segment(segment.relativePath()).orElseThrow();
        assertThat(stored.segment().stream()).isEqualTo("cam one");
        assertThat(stored.segment().sessionStart()).isEqualTo(T0);
    }

    @Test
    void aConfirmedFileThatIsGoneIsLocalDeletedAndAnUnconfirmedOneIsQuarantinedNotDropped() throws Exception {
        Segment uploaded = files.write("cam1", T0, 0, 10);
        Segment pending = files.write("cam1", T0, 1, 10);
        catalog.reconcileWithDisk();
        Entry claimed = catalog.claimNextPending().orElseThrow();
        catalog.markUploaded(claimed, CatalogTest.confirmation(claimed));
        Files.delete(uploaded.file(dir));
        Files.delete(pending.file(dir));

        ReconcileReport report = catalog.reconcileWithDisk();

        assertThat(report.goneAfterUpload()).isEqualTo(1);
        assertThat(report.quarantined()).isEqualTo(1);
        assertThat(catalog.segment(uploaded.relativePath()).orElseThrow().state()).isEqualTo(SegmentState.LOCAL_DELETED);
        Entry quarantined = catalog.segment(pending.relativePath()).orElseThrow();
        assertThat(quarantined.state()).isEqualTo(SegmentState.QUARANTINED);
        assertThat(quarantined.lastError()).contains("expected 10 bytes").contains(pending.file(dir).toString());
    }

    @Test
    void aFileThatChangedSinceItWasConfirmedIsQueuedAgain() throws Exception {
        Segment segment = files.write("cam1", T0, 0, 10);
        catalog.reconcileWithDisk();
        Entry claimed = catalog.claimNextPending().orElseThrow();
        catalog.markUploaded(claimed, CatalogTest.confirmation(claimed));
        Files.write(segment.file(dir), new byte[25]);

        catalog.reconcileWithDisk();

        Entry stored = catalog.segment(segment.relativePath()).orElseThrow();
        assertThat(stored.state()).isEqualTo(SegmentState.PENDING);
        assertThat(stored.segment().sizeBytes()).isEqualTo(25);
    }

    @Test
    void aFileHandedOnBeforeIsLeftByteForByteAndOneTheCatalogueDoesNotKnowIsRepaired(@TempDir Path fixtures)
            throws Exception {
        // a first segment whose timing the repair changes, as FFmpeg wrote it
        byte[] written = Files.readAllBytes(TimingFixtures.segment(fixtures, "libx264", true, true,
                TimingFixtures.FAST_FIRST_GOP));
        Segment handedOn = files.write("cam1", T0, 0, written.length);
        Segment unknown = files.write("cam1", T0, 1, written.length);
        Files.write(handedOn.file(dir), written);
        Files.write(unknown.file(dir), written);
        catalog.recordFinished(handedOn); // repaired before, as its copy in S3 is

        catalog.reconcileWithDisk();

        assertThat(Files.readAllBytes(handedOn.file(dir))).as("a file handed on is never changed again")
                .isEqualTo(written);
        assertThat(Files.readAllBytes(unknown.file(dir))).as("a file never handed on is repaired first")
                .isNotEqualTo(written).hasSameSizeAs(written);
    }

    @Test
    void hiddenFoldersAndForeignFilesAreIgnored() throws Exception {
        Segment segment = files.write("cam1", T0, 0, 10);
        Files.writeString(segment.file(dir).resolveSibling("notes.txt"), "hello");
        Files.writeString(segment.file(dir).resolveSibling("segment_001.exe"), "hello");
        Files.createDirectories(dir.resolve(".trash/2026-01-01/20260101_000000"));
        Files.writeString(dir.resolve(".trash/2026-01-01/20260101_000000/segment_000.mp4"), "x");

        assertThat(catalog.reconcileWithDisk().filesOnDisk()).isEqualTo(1);
    }

    /** A reconciliation while recording runs, with these session folders active. */
    ReconcileReport whileRecording(String... activeSessions) {
        return new DiskReconciler(catalog, DiskReconciler.Mode.RUNNING, Set.of(activeSessions)::contains).reconcile();
    }

    @Test
    void whileRecordingAnActiveSessionIsLeftOutWhole() throws Exception {
        Segment listed = files.write("cam1", T0, 0, 100);
        Path growing = listed.file(dir).resolveSibling("segment_001.mp4");
        Files.write(growing, new byte[0]);

        ReconcileReport report = whileRecording(listed.sessionPath());

        assertThat(report.recorded()).isZero();
        assertThat(catalog.segment(listed.relativePath())).isEmpty();
        assertThat(growing).as("a file FFmpeg just began is not touched").exists();
    }

    @Test
    void whileRecordingAClosedSessionIsTakenAsAtStart() throws Exception {
        files.write("cam1", T0, 0, 100);
        files.write("cam1", T0, 1, 100);
        Segment active = files.write("cam2", T0, 0, 100);

        assertThat(whileRecording(active.sessionPath()).recorded()).isEqualTo(2);
        assertThat(catalog.countByState()).containsEntry(SegmentState.PENDING, 2L);
    }

    @Test
    void whileRecordingAMissingFileIsLeftToTheUploadStageAndAnUnscannedOneIsNotTakenForDeleted() throws Exception {
        Segment inActiveSession = files.write("cam1", T0, 0, 100);
        Segment vanished = files.write("cam2", T0, 0, 100);
        catalog.reconcileWithDisk();
        Entry claimed = catalog.claimNextPending().orElseThrow();
        assertThat(claimed.relativePath()).isEqualTo(inActiveSession.relativePath());
        assertThat(catalog.markUploaded(claimed, CatalogTest.confirmation(claimed))).isTrue();
        Files.delete(vanished.file(dir));

        whileRecording(inActiveSession.sessionPath());

        assertThat(catalog.segment(vanished.relativePath()).orElseThrow().state()).isEqualTo(SegmentState.PENDING);
        assertThat(catalog.segment(inActiveSession.relativePath()).orElseThrow().state())
                .as("its file is there though the scan left its session out").isEqualTo(SegmentState.UPLOADED);
    }
}
