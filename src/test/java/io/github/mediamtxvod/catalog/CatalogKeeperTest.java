package io.github.mediamtxvod.catalog;

import static io.github.mediamtxvod.catalog.CatalogTest.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.github.mediamtxvod.recording.DiskSpace;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.testing.LogCapture;
import io.github.mediamtxvod.testing.MutableClock;
import io.github.mediamtxvod.testing.SegmentFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogKeeperTest {
    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(T0);
    Catalog catalog;
    SegmentFiles files;

    @BeforeEach
    void open() {
        catalog = new Catalog(dir, clock, Tunings.fast(DiskSpace.fileStore(), clock::nanoTime));
        catalog.start();
        files = new SegmentFiles(dir);
    }

    @AfterEach
    void close() {
        catalog.close();
    }

    CatalogKeeper keeper(Predicate<String> activeSession) {
        return new CatalogKeeper(catalog, activeSession, Duration.ofMillis(50), CatalogKeeper.RECONCILE_PERIOD,
                clock::nanoTime);
    }

    @Test
    void segmentsThatDidNotFitInMemoryWhileTheCatalogueWasLockedAreFoundOnDisk() throws Exception {
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < 130; i++) {
            segments.add(files.write("cam1", T0, i, 10));
        }
        SegmentFiles.makeAllOld(dir);
        try (Connection blocker = CatalogSchema.open(CatalogSchema.databaseFile(dir));
                Statement statement = blocker.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
            segments.forEach(catalog::segmentFinished);
        }
        assertThat(catalog.countByState()).containsEntry(SegmentState.PENDING, 0L);

        clock.advance(Duration.ofSeconds(5));
        keeper(session -> false).runOnce();

        assertThat(catalog.countByState()).containsEntry(SegmentState.PENDING, 130L);
    }

    @Test
    void aRoundThatFailsIsLoggedAndTheNextOneStillComes() throws Exception {
        Segment segment = files.write("cam1", T0, 0, 10);
        SegmentFiles.makeAllOld(dir);
        catalog.wantReconcile();
        AtomicBoolean first = new AtomicBoolean(true);
        CatalogKeeper keeper = keeper(session -> {
            if (first.getAndSet(false)) {
                throw new AssertionError("injected failure");
            }
            return false;
        });
        try (LogCapture log = LogCapture.of(CatalogKeeper.class)) {
            keeper.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> catalog.segment(segment.relativePath()).isPresent());
            keeper.close();

            assertThat(log.messages(Level.WARN)).singleElement().asString()
                    .contains("Catalogue upkeep failed", "injected failure");
            assertThat(log.messages(Level.INFO)).anySatisfy(line -> assertThat(line).contains("works again"));
        }
    }

    @Test
    void aDatabaseDamagedWhileRecordingIsSetAsideAndRebuiltWithoutARestart() throws Exception {
        Segment earlier = files.write("cam1", T0, 0, 100);
        Instant liveStart = T0.plus(Duration.ofHours(1));
        Segment live0 = files.write("cam1", liveStart, 0, 100);
        catalog.recordFinished(earlier);
        catalog.recordFinished(live0);
        SegmentFiles.makeAllOld(dir);
        AtomicBoolean recording = new AtomicBoolean(true);
        CatalogKeeper keeper = keeper(session -> recording.get() && session.equals(live0.sessionPath()));
        PlaylistCatalog playlists = new PlaylistCatalog(dir, clock); // stores with connections of their own
        playlists.start();
        WebhookOutbox outbox = new WebhookOutbox(dir, clock);
        outbox.start(true);
        catalog.whenReplaced(outbox::databaseReplaced);
        Path database = CatalogSchema.databaseFile(dir);
        Segment live1 = files.write("cam1", liveStart, 1, 100);
        Segment live2 = files.write("cam1", liveStart, 2, 100);
        // SQLite reads the file again on a fresh connection (or a page it does not hold), one comes
        // after any failed write (here: another process holds the lock); and the pages still in the
        // write-ahead log would hide the damage, so they go into the file first
        try (Connection blocker = CatalogSchema.open(database); Statement statement = blocker.createStatement()) {
            statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            statement.execute("BEGIN IMMEDIATE");
            catalog.segmentFinished(live1);
        }
        byte[] garbage = new byte[(int) Files.size(database)];
        Arrays.fill(garbage, (byte) 'x');
        Files.write(database, garbage);

        try (LogCapture log = LogCapture.of(CatalogOpener.class)) {
            clock.advance(Duration.ofMinutes(1));
            catalog.segmentFinished(live2); // the write finds the damage; both segments are kept in memory
            assertThat(catalog.writeWait()).isPositive();
            for (int round = 0; round < 3; round++) {
                clock.advance(Duration.ofMinutes(1)); // past the write gate's wait
                keeper.runOnce();
            }

            assertThat(log.messages(Level.ERROR)).singleElement().asString()
                    .contains(database.toString(), "moved aside to " + database.resolveSibling("corrupt-"));
        }
        assertThat(catalog.segment(live1.relativePath())).as("kept in memory, then recorded").isPresent();
        assertThat(catalog.segment(live2.relativePath())).as("kept in memory, then recorded").isPresent();
        Entry rebuilt = catalog.segment(earlier.relativePath()).orElseThrow();
        assertThat(rebuilt.state()).isEqualTo(SegmentState.PENDING);
        assertThat(catalog.mayBeInS3Already(rebuilt)).as("S3 is asked before it is uploaded").isTrue();
        assertThat(catalog.segment(live0.relativePath())).as("its session is still being recorded").isEmpty();

        // the store's connections move to the new file: a write lands there and a read sees it
        playlists.segmentFinished("cam1", liveStart);
        try (Connection fresh = CatalogSchema.open(database); Statement statement = fresh.createStatement();
                var rows = statement.executeQuery("SELECT count(*) FROM recording_session WHERE session_start = "
                        + liveStart.toEpochMilli())) {
            assertThat(rows.getLong(1)).as("written into the new file").isOne();
        }
        assertThat(playlists.outOfDateSessions(10)).extracting(PlaylistState::sessionStart).contains(liveStart);
        // and the webhook trigger is in the new file: a confirmed upload logs its event
        Entry claimed = catalog.claimNextPending().orElseThrow();
        catalog.markUploaded(claimed, new Confirmation("site/" + claimed.segment().relativePath(),
                claimed.segment().sizeBytes(), "etag", "CRC32:abc=", clock.instant()));
        assertThat(outbox.waiting()).isOne();
        outbox.close();

        recording.set(false);
        keeper.runOnce();
        assertThat(catalog.segment(live0.relativePath())).as("catalogued once its recording is over").isPresent();
        assertThat(catalog.mayBeInS3Already(catalog.segment(live0.relativePath()).orElseThrow())).isTrue();
        assertThat(playlists.outOfDateSessions(10)).filteredOn(state -> state.sessionStart().equals(liveStart))
                .singleElement().satisfies(state -> assertThat(state.ended()).as("its session is over").isTrue());
        playlists.close();
        try (var folders = Files.list(database.getParent())) {
            assertThat(folders.filter(path -> path.getFileName().toString().startsWith("corrupt-")))
                    .singleElement().satisfies(folder -> assertThat(folder.resolve("catalog.db")).hasBinaryContent(garbage));
        }
    }

    @Test
    void damageThatOnlyAStoreBesideTheCatalogueFindsIsDealtWithToo() throws Exception {
        Segment segment = files.write("cam1", T0, 0, 100);
        catalog.recordFinished(segment);
        SegmentFiles.makeAllOld(dir);
        PlaylistCatalog playlists = new PlaylistCatalog(dir, clock);
        playlists.start();
        Path database = CatalogSchema.databaseFile(dir);
        try (Connection other = CatalogSchema.open(database); Statement statement = other.createStatement()) {
            statement.execute("PRAGMA wal_checkpoint(TRUNCATE)"); // every page in the file, none in the log
        }
        byte[] garbage = new byte[(int) Files.size(database)];
        Arrays.fill(garbage, (byte) 'x');
        Files.write(database, garbage);

        assertThatThrownBy(() -> playlists.segmentFinished("cam1", T0)).isInstanceOf(CatalogException.class)
                .extracting(e -> ((CatalogException) e).kind()).isEqualTo(CatalogException.Kind.CORRUPT);
        try (LogCapture log = LogCapture.of(CatalogOpener.class)) {
            keeper(session -> false).runOnce();

            assertThat(log.messages(Level.ERROR)).singleElement().asString().contains("moved aside to");
        }
        keeper(session -> false).runOnce();
        assertThat(catalog.segment(segment.relativePath())).as("rebuilt from the disk").isPresent();
        playlists.segmentFinished("cam1", T0);
        playlists.close();
    }

    @Test
    void aDatabaseThatPassesItsCheckIsKeptAndSetAsideWithoutOneWhenWritesStillFindItDamaged() throws Exception {
        Segment segment = files.write("cam1", T0, 0, 100);
        catalog.recordFinished(segment);
        Path database = CatalogSchema.databaseFile(dir);

        assertThat(catalog.setAsideIfDamaged(null)).as("kept: it passes its check").isFalse();
        assertThat(catalog.segment(segment.relativePath())).isPresent();
        try (LogCapture log = LogCapture.of(CatalogOpener.class)) {
            assertThat(catalog.setAsideIfDamaged("writes still find it damaged")).isTrue();

            assertThat(log.messages(Level.ERROR)).singleElement().asString()
                    .contains(database.toString(), "writes still find it damaged", "moved aside to");
        }
        assertThat(catalog.segment(segment.relativePath())).as("a new, empty catalogue").isEmpty();
        catalog.recordFinished(segment);
        assertThat(catalog.segment(segment.relativePath())).isPresent();
    }

    @Test
    void theReserveIsWrittenBackByTheKeeper() {
        CatalogKeeper keeper = keeper(session -> false);
        keeper.runOnce();
        assertThat(catalog.reserve().present()).isTrue();
        catalog.reserve().release();
        clock.advance(CatalogReserve.MIN_RELEASED);

        keeper.runOnce();

        assertThat(catalog.reserve().present()).isTrue();
    }
}
