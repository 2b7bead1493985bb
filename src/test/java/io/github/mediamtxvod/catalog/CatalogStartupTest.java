package io.github.mediamtxvod.catalog;

import static io.github.mediamtxvod.catalog.CatalogTest.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.testing.LogCapture;
import io.github.mediamtxvod.testing.MutableClock;
import io.github.mediamtxvod.testing.SegmentFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start of the catalogue when things are not as they should be: a RECORDINGS_DIR that looks
 * unmounted, a database that was overwritten or damaged.
 */
class CatalogStartupTest {
    @TempDir
    Path tmp;

    final MutableClock clock = new MutableClock(T0.plus(Duration.ofDays(1)));
    Catalog catalog;

    @AfterEach
    void close() {
        if (catalog != null) {
            catalog.close();
        }
    }

    Catalog open(Path recordings) {
        catalog = new Catalog(recordings, clock, Tunings.fast());
        catalog.start();
        return catalog;
    }

    @Test
    void anEmptyRecordingsDirWhileTheCatalogueListsFilesIsWaitedForNotTakenAsDeleted() throws Exception {
        Path recordings = tmp.resolve("recordings");
        Segment segment = new SegmentFiles(recordings).write("cam1", T0, 0, 100);
        open(recordings).reconcileAtStart();
        catalog.close();
        Path unmounted = tmp.resolve("elsewhere");
        Files.move(recordings.resolve("cam1"), unmounted);

        try (LogCapture log = LogCapture.of(CatalogStartup.class)) {
            open(recordings);
            CompletableFuture<ReconcileReport> start = CompletableFuture.supplyAsync(catalog::reconcileAtStart);
            await().atMost(Duration.ofSeconds(30)).until(() -> !log.messages(Level.ERROR).isEmpty());
            assertThat(log.messages(Level.ERROR).getFirst()).contains("RECORDINGS_DIR " + recordings,
                    "looks unmounted or emptied", "lists 1 segment files", "recording waits for it");
            assertThat(start).isNotDone();

            Files.move(unmounted, recordings.resolve("cam1"));
            ReconcileReport report = start.get();

            assertThat(report.quarantined()).isZero();
            assertThat(catalog.segment(segment.relativePath()).orElseThrow().state()).isEqualTo(SegmentState.PENDING);
            assertThat(log.messages(Level.INFO)).anySatisfy(line -> assertThat(line).contains("holds files again"));
            assertThat(log.messages(Level.ERROR)).as("reported once").hasSize(1);
        }
    }

    @Test
    void stoppingWhileWaitingForTheFolderEndsTheWait() throws Exception {
        Path recordings = tmp.resolve("recordings");
        new SegmentFiles(recordings).write("cam1", T0, 0, 100);
        open(recordings).reconcileAtStart();
        catalog.close();
        Files.move(recordings.resolve("cam1"), tmp.resolve("elsewhere"));

        try (LogCapture log = LogCapture.of(CatalogStartup.class)) {
            open(recordings);
            CompletableFuture<ReconcileReport> start = CompletableFuture.supplyAsync(catalog::reconcileAtStart);
            await().atMost(Duration.ofSeconds(30)).until(() -> !log.messages(Level.ERROR).isEmpty());
            catalog.close();

            assertThatThrownBy(start::get).hasCauseInstanceOf(CatalogException.class)
                    .hasMessageContaining("stopped while waiting");
        }
    }

    @Test
    void anOverwrittenDatabaseIsMovedAsideWithOneErrorAndRebuiltByTheKeeper() throws Exception {
        Path recordings = tmp.resolve("recordings");
        Segment segment = new SegmentFiles(recordings).write("cam1", T0, 0, 100);
        open(recordings).reconcileAtStart();
        catalog.close();
        Path database = Catalog.databaseFile(recordings);
        Files.writeString(database, "garbage ".repeat(1000), StandardCharsets.UTF_8);

        try (LogCapture log = LogCapture.of(CatalogOpener.class)) {
            open(recordings);
            assertThat(catalog.reconcileAtStart().filesOnDisk()).as("not scanned before recording starts").isZero();
            assertThat(catalog.segment(segment.relativePath())).isEmpty();
            new CatalogKeeper(catalog, session -> false).runOnce();

            assertThat(catalog.segment(segment.relativePath()).orElseThrow().state()).isEqualTo(SegmentState.PENDING);
            assertThat(catalog.mayBeInS3Already(catalog.segment(segment.relativePath()).orElseThrow())).isTrue();
            assertThat(log.messages(Level.ERROR)).singleElement().asString()
                    .contains(database.toString(), "moved aside to " + database.resolveSibling("corrupt-"));
        }
        try (var folders = Files.list(database.getParent())) {
            Path aside = folders.filter(path -> path.getFileName().toString().startsWith("corrupt-")).findFirst().orElseThrow();
            assertThat(Files.readString(aside.resolve("catalog.db"))).startsWith("garbage");
        }
    }

    @Test
    void theRebuiltDatabaseHasTheWholeSchemaAndEndsTheSessionsFoundAtStart() throws Exception {
        Path recordings = tmp.resolve("recordings");
        Segment earlier = new SegmentFiles(recordings).write("cam1", T0, 0, 100);
        Path database = Catalog.databaseFile(recordings);
        Files.createDirectories(database.getParent());
        Files.writeString(database, "garbage ".repeat(1000), StandardCharsets.UTF_8);

        open(recordings).reconcileAtStart();
        // a session of this run, begun after the start, that the rebuild must not end
        Segment current = new Segment("cam2", clock.instant().plusSeconds(5), 0, "cam2/x/segment_000.mp4",
                clock.instant().plusSeconds(5), Duration.ofSeconds(2), 10);
        catalog.segmentFinished(current);
        new CatalogKeeper(catalog, session -> false).runOnce();
        catalog.storeFragmentIndexes(List.of(new StoredIndex(earlier.relativePath(), 100, new byte[] {1})));

        assertThat(catalog.fragmentIndexes(List.of(earlier.relativePath()))).containsKey(earlier.relativePath());
        try (PlaylistCatalog playlists = new PlaylistCatalog(recordings, clock);
                WebhookOutbox outbox = new WebhookOutbox(recordings, clock)) {
            playlists.start();
            assertThat(outbox.start(true)).isZero();
            assertThat(playlists.outOfDateSessions(10)).singleElement().satisfies(session -> {
                assertThat(session.stream()).isEqualTo("cam1");
                assertThat(session.sessionStart()).isEqualTo(earlier.sessionStart());
                assertThat(session.ended()).as("over: its playlist is completed").isTrue();
            });
        }
    }

    @Test
    void aDatabaseWithADamagedPageFailsItsCheckAndIsMovedAside() throws Exception {
        Path recordings = tmp.resolve("recordings");
        SegmentFiles files = new SegmentFiles(recordings);
        for (int i = 0; i < 200; i++) {
            files.write("cam1", T0, i, 10);
        }
        open(recordings).reconcileAtStart();
        catalog.close();
        Path database = Catalog.databaseFile(recordings);
        try (var channel = java.nio.channels.FileChannel.open(database, StandardOpenOption.WRITE)) {
            // the header stays intact; a table page in the middle is overwritten
            channel.write(java.nio.ByteBuffer.wrap(new byte[4096]), 3 * 4096 + 100);
        }

        open(recordings);
        catalog.reconcileAtStart();
        new CatalogKeeper(catalog, session -> false).runOnce();

        assertThat(catalog.countByState()).containsEntry(SegmentState.PENDING, 200L);
    }

    @Test
    void aCommandBesideTheRecorderReportsAnUnreadableDatabaseAndLeavesItWhereItIs() throws Exception {
        Path recordings = tmp.resolve("recordings");
        Path database = Catalog.databaseFile(recordings);
        Files.createDirectories(database.getParent());
        Files.writeString(database, "garbage ".repeat(1000), StandardCharsets.UTF_8);

        Catalog beside = new Catalog(recordings, clock, Tunings.fast());
        assertThatThrownBy(beside::startBeside).isInstanceOf(CatalogException.class).hasMessageContaining("not a database");
        beside.close();
        assertThat(Files.readString(database)).startsWith("garbage");
    }
}
