package io.github.mediamtxvod.catalog;

import static io.github.mediamtxvod.catalog.CatalogTest.T0;
import static io.github.mediamtxvod.catalog.CatalogTest.confirmation;
import static io.github.mediamtxvod.catalog.CatalogTest.finished;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.github.mediamtxvod.recording.DiskSpace;
import io.github.mediamtxvod.testing.LogCapture;
import io.github.mediamtxvod.testing.MutableClock;
import io.github.mediamtxvod.testing.Tmpfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk (a 4 MiB tmpfs): SQLite reports SQLITE_FULL and the reserve (its production
 * size) makes room at once, enough for the write-ahead log to reach the size at which it is
 * reused in place, so the catalogue goes on working on the full disk. Without the reserve it
 * keeps what it cannot write and records it when space returns, on a connection that works (the
 * old one failed with "cannot commit - no transaction is active" after SQLITE_FULL).
 */
class CatalogFullDiskTest {
    @TempDir
    Path tmp;

    final MutableClock clock = new MutableClock(T0);
    Tmpfs disk;
    Catalog catalog;
    CatalogKeeper keeper;

    @BeforeEach
    void mount() throws Exception {
        disk = Tmpfs.mount(tmp.resolve("disk"), 4 * 1024 * 1024);
        catalog = new Catalog(disk.path(), clock,
                Tunings.fast(DiskSpace.fileStore(), clock::nanoTime, CatalogReserve.DEFAULT_BYTES));
        catalog.start();
        keeper = new CatalogKeeper(catalog, session -> false, CatalogKeeper.TICK, CatalogKeeper.RECONCILE_PERIOD,
                clock::nanoTime);
        keeper.runOnce();
        assertThat(catalog.reserve().present()).isTrue();
    }

    @AfterEach
    void unmount() throws Exception {
        if (catalog != null) {
            catalog.close();
        }
        if (disk != null) {
            disk.close();
        }
    }

    @Test
    void onAFullDiskTheReserveKeepsTheCatalogueWorking() throws Exception {
        disk.fill("filler");
        try (LogCapture reserveLog = LogCapture.of(CatalogReserve.class)) {
            for (int i = 0; i < 300; i++) {
                catalog.recordFinished(finished("cam1", T0, i, 1000 + i));
                Entry claimed = catalog.claimNextPending().orElseThrow();
                assertThat(catalog.markUploaded(claimed, confirmation(claimed))).isTrue();
                assertThat(catalog.markLocalDeleted(catalog.segment(claimed.relativePath()).orElseThrow())).isTrue();
            }
            assertThat(catalog.countByState()).containsEntry(SegmentState.LOCAL_DELETED, 300L);
            assertThat(catalog.writeWait()).isZero();
            assertThat(catalog.reserve().present()).isFalse();
            assertThat(reserveLog.messages(Level.INFO)).singleElement().asString().contains("released its reserve");
        }
    }

    @Test
    void whatTheFullDiskRefusesIsRecordedWhenSpaceReturns() throws Exception {
        Path filler = disk.fill("filler");
        catalog.reserve().release();
        Path more = disk.fill("more");
        try (LogCapture gateLog = LogCapture.of(WriteGate.class)) {
            for (int i = 0; i < 80; i++) {
                catalog.segmentFinished(finished("cam1", T0, i, 1000 + i));
                if (i % 10 == 0) {
                    clock.advance(Duration.ofSeconds(2)); // the gate opens now and then: the writes are tried again
                }
            }
            assertThat(gateLog.messages(Level.WARN)).as("the first failure, once").hasSize(1);

            Files.delete(more);
            Files.delete(filler);
            clock.advance(Duration.ofMinutes(2));
            keeper.runOnce();

            assertThat(catalog.countByState()).containsEntry(SegmentState.PENDING, 80L);
            assertThat(gateLog.messages(Level.INFO)).singleElement().asString().contains("written again");
        }
        assertThat(catalog.reserve().present()).as("written again once there is room").isTrue();
        Entry claimed = catalog.claimNextPending().orElseThrow();
        assertThat(catalog.markUploaded(claimed, confirmation(claimed))).isTrue();
        assertThat(integrityCheck()).isEqualTo("ok");
    }

    private String integrityCheck() throws Exception {
        try (Connection connection = CatalogSchema.open(CatalogSchema.databaseFile(disk.path()));
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("PRAGMA integrity_check")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
