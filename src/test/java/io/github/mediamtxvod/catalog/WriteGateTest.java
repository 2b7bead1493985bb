package io.github.mediamtxvod.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.github.mediamtxvod.runtime.Backoff;
import io.github.mediamtxvod.testing.LogCapture;
import io.github.mediamtxvod.testing.MutableClock;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

class WriteGateTest {
    final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    final WriteGate gate = new WriteGate(Path.of("/rec/.vod-recorder/catalog.db"),
            Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30)), clock::nanoTime);

    static CatalogException full() {
        return new CatalogException("catalogue: cannot record x",
                new SQLiteException("[SQLITE_FULL] database or disk is full", SQLiteErrorCode.SQLITE_FULL));
    }

    @Test
    void eachFailureClosesTheGateForALongerWaitUpToTheCap() {
        assertThat(gate.waitLeft()).isZero();
        assertThat(gate.failed(full())).isEqualTo(Duration.ofSeconds(1));
        assertThat(gate.waitLeft()).isEqualTo(Duration.ofSeconds(1));
        clock.advance(Duration.ofMillis(400));
        assertThat(gate.waitLeft()).isEqualTo(Duration.ofMillis(600));
        clock.advance(Duration.ofMillis(600));
        assertThat(gate.waitLeft()).isZero();

        assertThat(gate.failed(full())).isEqualTo(Duration.ofSeconds(2));
        assertThat(gate.failed(full())).isEqualTo(Duration.ofSeconds(4));
        for (int i = 0; i < 10; i++) {
            gate.failed(full());
        }
        assertThat(gate.failed(full())).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aSuccessOpensTheGateAndEndsTheRun() {
        gate.failed(full());
        gate.failed(full());

        assertThat(gate.succeeded(3)).isTrue();
        assertThat(gate.waitLeft()).isZero();
        assertThat(gate.failing()).isFalse();
        assertThat(gate.succeeded(0)).isFalse();
        assertThat(gate.failed(full())).as("a new run starts from the first step").isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aLastingFailureLogsOnceThenASummaryAMinuteThenTheRecovery() {
        try (LogCapture log = LogCapture.of(WriteGate.class)) {
            for (int i = 0; i < 1000; i++) {
                gate.failed(full());
                clock.advance(Duration.ofMillis(150));
            }
            gate.succeeded(7);

            // 1000 failures over 150 s: the first, two summaries, the recovery
            assertThat(log.messages(Level.WARN)).hasSize(3);
            assertThat(log.messages(Level.WARN).getFirst())
                    .contains("/rec/.vod-recorder/catalog.db", "FULL", "database or disk is full", "next in 1 s");
            assertThat(log.messages(Level.WARN).get(1)).contains("still failing");
            assertThat(log.messages(Level.INFO)).singleElement().asString()
                    .contains("can be written again after 1000 failed attempts", "7 changes");
        }
    }

    @Test
    void failuresAreClassifiedFromSqlitesResultCode() {
        assertThat(full().kind()).isEqualTo(CatalogException.Kind.FULL);
        assertThat(new CatalogException("x", new SQLiteException("busy", SQLiteErrorCode.SQLITE_BUSY)).kind())
                .isEqualTo(CatalogException.Kind.BUSY);
        assertThat(new CatalogException("x", new SQLiteException("io", SQLiteErrorCode.SQLITE_IOERR)).kind())
                .isEqualTo(CatalogException.Kind.IO);
        assertThat(new CatalogException("x", new SQLiteException("bad", SQLiteErrorCode.SQLITE_NOTADB)).kind())
                .isEqualTo(CatalogException.Kind.CORRUPT);
        assertThat(new CatalogException("not open", null).kind()).isEqualTo(CatalogException.Kind.CLOSED);
        assertThat(new CatalogException("x", new SQLException("odd")).kind()).isEqualTo(CatalogException.Kind.OTHER);
    }
}
