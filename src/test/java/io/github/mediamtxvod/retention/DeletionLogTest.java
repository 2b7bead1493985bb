package io.github.mediamtxvod.retention;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.github.mediamtxvod.testing.LogCapture;
import io.github.mediamtxvod.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class DeletionLogTest {
    final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    final DeletionLog deletions = new DeletionLog(LoggerFactory.getLogger(DeletionLogTest.class), clock::nanoTime);

    @Test
    void oneDeletionAfterEachUploadMakesOneLineAMinuteNotOneEach() {
        try (LogCapture log = LogCapture.of(DeletionLogTest.class)) {
            for (int i = 0; i < 90; i++) {
                deletions.add(1, 0, 1024 * 1024);
                clock.advance(Duration.ofSeconds(2));
            }
            deletions.flush();

            assertThat(log.messages(Level.INFO)).containsExactly(
                    "Retention deleted 1 local files confirmed in S3 (1 by age, 0 for free space), 1 MB freed",
                    "Retention deleted 30 local files confirmed in S3 (30 by age, 0 for free space), 30 MB freed since"
                            + " the last report",
                    "Retention deleted 30 local files confirmed in S3 (30 by age, 0 for free space), 30 MB freed since"
                            + " the last report",
                    "Retention deleted 29 local files confirmed in S3 (29 by age, 0 for free space), 29 MB freed since"
                            + " the last report");
            assertThat(log.messages(Level.DEBUG)).hasSize(90);
        }
    }

    @Test
    void deletingForFreeSpaceIsLoggedAtOnce() {
        try (LogCapture log = LogCapture.of(DeletionLogTest.class)) {
            deletions.add(1, 0, 10);
            deletions.add(2, 0, 10);
            deletions.add(0, 3, 10);
            deletions.add(0, 0, 0);

            assertThat(log.messages(Level.INFO)).hasSize(2);
            assertThat(log.messages(Level.INFO).getLast()).contains("5 local files", "2 by age, 3 for free space");
        }
    }
}
