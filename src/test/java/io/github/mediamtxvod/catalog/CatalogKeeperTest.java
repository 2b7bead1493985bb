package io.github.mediamtxvod.catalog;

import static io.github.mediamtxvod.catalog.CatalogTest.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.ArrayList;
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
