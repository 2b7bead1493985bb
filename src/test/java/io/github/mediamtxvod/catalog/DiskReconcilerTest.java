package io.github.mediamtxvod.catalog;

import static io.github.mediamtxvod.catalog.CatalogTest.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.fixtures.MutableClock;
import io.github.mediamtxvod.fixtures.SegmentFiles;
import io.github.mediamtxvod.recording.FinishedSegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
        FinishedSegment a = files.write("Küche/1", T0, 0, 1000);
        files.write("Küche/1", T0, 1, 500);

        ReconcileReport report = catalog.reconcileWithDisk();

        assertThat(report.filesOnDisk()).isEqualTo(2);
        assertThat(report.recorded()).isEqualTo(2);
        Segment stored = catalog.segment(a.relativePath()).orElseThrow();
        assertThat(stored.state()).isEqualTo(SegmentState.PENDING);
        assertThat(stored.streamName()).isEqualTo("Küche/1");
        assertThat(stored.sessionStart()).isEqualTo(T0);
        assertThat(stored.sizeBytes()).isEqualTo(1000);
        assertThat(catalog.reconcileWithDisk().recorded()).isZero();
    }

    @Test
    void durationsComeFromFfmpegsSegmentListWhenItListsTheFile() throws Exception {
        FinishedSegment first = files.write("cam1", T0, 0, 10);
        FinishedSegment second = files.write("cam1", T0, 1, 10);
        Files.writeString(first.file().resolveSibling(".segments.csv"),
                "segment_000.mp4,0.000000,59.960000\nsegment_001.mp4,59.960000,120.0\n", StandardCharsets.UTF_8);

        catalog.reconcileWithDisk();

        Segment stored = catalog.segment(second.relativePath()).orElseThrow();
        assertThat(stored.start()).isEqualTo(T0.plusMillis(59_960));
        assertThat(stored.duration()).isEqualTo(Duration.ofMillis(60_040));
    }

    @Test
    void aSessionWithoutSessionJsonIsReadFromItsFolderNames() throws Exception {
        FinishedSegment segment = files.write("cam one", T0, 0, 10);
        Files.delete(segment.file().resolveSibling(".session.json"));

        catalog.reconcileWithDisk();

        Segment stored = catalog.segment(segment.relativePath()).orElseThrow();
        assertThat(stored.streamName()).isEqualTo("cam one");
        assertThat(stored.sessionStart()).isEqualTo(T0);
    }

    @Test
    void aConfirmedFileThatIsGoneIsLocalDeletedAndAnUnconfirmedOneIsQuarantinedNotDropped() throws Exception {
        FinishedSegment uploaded = files.write("cam1", T0, 0, 10);
        FinishedSegment pending = files.write("cam1", T0, 1, 10);
        catalog.reconcileWithDisk();
        Segment claimed = catalog.claimNextPending().orElseThrow();
        catalog.markUploaded(claimed, CatalogTest.confirmation(claimed));
        Files.delete(uploaded.file());
        Files.delete(pending.file());

        ReconcileReport report = catalog.reconcileWithDisk();

        assertThat(report.goneAfterUpload()).isEqualTo(1);
        assertThat(report.quarantined()).isEqualTo(1);
        assertThat(catalog.segment(uploaded.relativePath()).orElseThrow().state()).isEqualTo(SegmentState.LOCAL_DELETED);
        Segment quarantined = catalog.segment(pending.relativePath()).orElseThrow();
        assertThat(quarantined.state()).isEqualTo(SegmentState.QUARANTINED);
        assertThat(quarantined.lastError()).contains("expected 10 bytes").contains(pending.file().toString());
    }

    @Test
    void aFileThatChangedSinceItWasConfirmedIsQueuedAgain() throws Exception {
        FinishedSegment segment = files.write("cam1", T0, 0, 10);
        catalog.reconcileWithDisk();
        Segment claimed = catalog.claimNextPending().orElseThrow();
        catalog.markUploaded(claimed, CatalogTest.confirmation(claimed));
        Files.write(segment.file(), new byte[25]);

        catalog.reconcileWithDisk();

        Segment stored = catalog.segment(segment.relativePath()).orElseThrow();
        assertThat(stored.state()).isEqualTo(SegmentState.PENDING);
        assertThat(stored.sizeBytes()).isEqualTo(25);
    }

    @Test
    void hiddenFoldersAndForeignFilesAreIgnored() throws Exception {
        FinishedSegment segment = files.write("cam1", T0, 0, 10);
        Files.writeString(segment.file().resolveSibling("notes.txt"), "hello");
        Files.writeString(segment.file().resolveSibling("segment_001.exe"), "hello");
        Files.createDirectories(dir.resolve(".trash/2026-01-01/20260101_000000"));
        Files.writeString(dir.resolve(".trash/2026-01-01/20260101_000000/segment_000.mp4"), "x");

        assertThat(catalog.reconcileWithDisk().filesOnDisk()).isEqualTo(1);
    }

    @Test
    void unescapeReversesSafeStreamNames() {
        for (String name : new String[] {"cam1", "Küche/1", "a~b", ".hidden", "空"}) {
            assertThat(SessionFilesAdapter.unescape(SegmentLayout.safeStreamName(name))).isEqualTo(name);
        }
    }
}
