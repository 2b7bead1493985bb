package io.github.mediamtxvod.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StallWatchdogTest {
    private static final long SECOND = 1_000_000_000L;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** An arbitrary, large clock origin: nanoTime has no meaningful zero. */
    private static final long T0 = 987_654_321_000L;

    @Test
    void growingOutputIsNeverStalled() {
        StallWatchdog watchdog = new StallWatchdog(TIMEOUT, T0);

        for (int i = 1; i <= 100; i++) {
            assertThat(watchdog.stalled(i * 1000L, T0 + i * 29 * SECOND)).isFalse();
        }
    }

    @Test
    void noGrowthForTheTimeoutIsAStall() {
        StallWatchdog watchdog = new StallWatchdog(TIMEOUT, T0);
        assertThat(watchdog.stalled(5000, T0 + 10 * SECOND)).isFalse();

        assertThat(watchdog.stalled(5000, T0 + 20 * SECOND)).isFalse();
        assertThat(watchdog.stalled(5000, T0 + 39 * SECOND)).isFalse();
        assertThat(watchdog.stalled(5000, T0 + 40 * SECOND)).isTrue();
        assertThat(watchdog.quietFor(T0 + 40 * SECOND)).isEqualTo(TIMEOUT);
    }

    @Test
    void growthResetsTheTimer() {
        StallWatchdog watchdog = new StallWatchdog(TIMEOUT, T0);
        watchdog.stalled(100, T0);

        assertThat(watchdog.stalled(100, T0 + 29 * SECOND)).isFalse();
        assertThat(watchdog.stalled(101, T0 + 29 * SECOND)).isFalse();
        assertThat(watchdog.stalled(101, T0 + 58 * SECOND)).isFalse();
        assertThat(watchdog.quietFor(T0 + 58 * SECOND)).isEqualTo(Duration.ofSeconds(29));
        assertThat(watchdog.stalled(101, T0 + 59 * SECOND)).isTrue();
    }

    @Test
    void nothingWrittenSinceStartIsAStallAfterTheTimeout() {
        StallWatchdog watchdog = new StallWatchdog(TIMEOUT, T0);

        assertThat(watchdog.stalled(0, T0 + SECOND)).isFalse();
        assertThat(watchdog.stalled(0, T0 + 29 * SECOND)).isFalse();
        assertThat(watchdog.stalled(0, T0 + 30 * SECOND)).isTrue();
    }

    @Test
    void aFirstLookLateWithNothingWrittenIsAlreadyAStall() {
        StallWatchdog watchdog = new StallWatchdog(TIMEOUT, T0);

        assertThat(watchdog.stalled(0, T0 + 31 * SECOND)).isTrue();
    }

    @Test
    void theFirstBytesCountAsGrowth() {
        StallWatchdog watchdog = new StallWatchdog(TIMEOUT, T0);
        assertThat(watchdog.stalled(0, T0 + 25 * SECOND)).isFalse();

        assertThat(watchdog.stalled(1, T0 + 29 * SECOND)).isFalse();
        assertThat(watchdog.stalled(1, T0 + 58 * SECOND)).isFalse();
        assertThat(watchdog.stalled(1, T0 + 59 * SECOND)).isTrue();
    }

    @Test
    void exactlyAtTheTimeoutIsStalledOneNanosecondBeforeIsNot() {
        StallWatchdog early = new StallWatchdog(TIMEOUT, T0);
        early.stalled(10, T0);
        assertThat(early.stalled(10, T0 + TIMEOUT.toNanos() - 1)).isFalse();

        StallWatchdog exact = new StallWatchdog(TIMEOUT, T0);
        exact.stalled(10, T0);
        assertThat(exact.stalled(10, T0 + TIMEOUT.toNanos())).isTrue();
    }

    @Test
    void progressBelowTheHighestSeenIsNotGrowth() {
        StallWatchdog watchdog = new StallWatchdog(TIMEOUT, T0);
        watchdog.stalled(1000, T0);

        assertThat(watchdog.stalled(500, T0 + 10 * SECOND)).isFalse();
        assertThat(watchdog.stalled(900, T0 + 20 * SECOND)).isFalse();
        assertThat(watchdog.stalled(1000, T0 + 30 * SECOND)).isTrue();
    }

    @Test
    void worksAcrossTheNanoTimeWrap() {
        long start = Long.MAX_VALUE - 10 * SECOND;
        StallWatchdog watchdog = new StallWatchdog(TIMEOUT, start);
        watchdog.stalled(10, start);

        assertThat(watchdog.stalled(10, start + 29 * SECOND)).isFalse();
        assertThat(watchdog.stalled(10, start + 30 * SECOND)).isTrue();
        assertThat(watchdog.quietFor(start + 30 * SECOND)).isEqualTo(TIMEOUT);
    }

    @Test
    void quietForIsZeroRightAfterGrowth() {
        StallWatchdog watchdog = new StallWatchdog(TIMEOUT, T0);
        watchdog.stalled(10, T0 + 5 * SECOND);

        assertThat(watchdog.quietFor(T0 + 5 * SECOND)).isZero();
        assertThat(watchdog.quietFor(T0)).isZero();
    }
}
