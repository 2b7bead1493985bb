package io.github.mediamtxvod.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.github.mediamtxvod.testing.LogCapture;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class TransitionLogTest {
    private final AtomicLong nanos = new AtomicLong(1_000);
    private final TransitionLog log = new TransitionLog(
            LoggerFactory.getLogger(TransitionLogTest.class), org.slf4j.event.Level.WARN, Duration.ofMinutes(1), nanos::get);

    @Test
    void logsTheFirstFailureAPeriodicSummaryAndTheRecoveryNotEveryRepeat() {
        try (LogCapture logs = LogCapture.of(TransitionLogTest.class)) {
            assertThat(log.failed("S3 upload failed: {}", "503")).isTrue();
            for (int i = 0; i < 1_000; i++) {
                nanos.addAndGet(Duration.ofMillis(50).toNanos());
                assertThat(log.failed("S3 upload failed: {}", "503")).isFalse();
            }
            // 50 s passed: no summary yet; 10 s more and the next failure summarises
            nanos.addAndGet(Duration.ofSeconds(10).toNanos());
            log.failed("S3 upload failed: {}", "500");
            assertThat(log.failures()).isEqualTo(1_002);
            assertThat(log.failingFor()).isEqualTo(Duration.ofSeconds(60));
            assertThat(log.recovered("S3 works again after {} failures", log.failures())).isTrue();
            assertThat(log.recovered("again")).isFalse();

            assertThat(logs.messages(Level.WARN)).containsExactly(
                    "S3 upload failed: 503",
                    "S3 upload failed: 500 (still failing: 1002 failures in 1 min 0 s)");
            assertThat(logs.messages(Level.INFO)).containsExactly("S3 works again after 1002 failures");
            assertThat(log.failing()).isFalse();
            assertThat(log.failingFor()).isZero();
        }
    }

    @Test
    void aNewRunOfFailuresIsLoggedAgainAfterARecovery() {
        try (LogCapture logs = LogCapture.of(TransitionLogTest.class)) {
            log.failed("down");
            log.recovered("up");
            log.failed("down");
            assertThat(logs.messages(Level.WARN)).containsExactly("down", "down");
        }
    }

    @Test
    void aThrowableIsLoggedWithTheFirstFailureAndAsTextInSummaries() {
        try (LogCapture logs = LogCapture.of(TransitionLogTest.class)) {
            IllegalStateException failure = new IllegalStateException("boom");
            log.failed("worker failed", failure);
            nanos.addAndGet(Duration.ofMinutes(2).toNanos());
            log.failed("worker failed: {}", failure);
            assertThat(logs.messages(Level.WARN)).containsExactly(
                    "worker failed", "worker failed: java.lang.IllegalStateException: boom (still failing: 2 failures in 2 min 0 s)");
        }
    }
}
