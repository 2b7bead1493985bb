package io.github.mediamtxvod.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RestartBackoffTest {
    private static final Duration QUICK = Duration.ofSeconds(3);
    private static final Duration HEALTHY = Duration.ofSeconds(10);
    private static final Duration LONG = Duration.ofHours(5);

    private final RestartBackoff backoff = new RestartBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), HEALTHY);

    @Test
    void aCrashOrStallAfterAHealthyRunRestartsAtOnce() {
        for (int i = 0; i < 5; i++) {
            assertThat(backoff.nextDelay(LONG, true)).isZero();
        }
        assertThat(backoff.quickFailures()).isZero();
    }

    @Test
    void quickFailuresInARowBackOffFromZeroThenOneSecondDoublingToTheCap() {
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            delays.add(backoff.nextDelay(QUICK, false).toSeconds());
        }

        assertThat(delays).containsExactly(0L, 1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L);
        assertThat(backoff.quickFailures()).isEqualTo(9);
    }

    @Test
    void aHealthyRunResetsTheBackoff() {
        backoff.nextDelay(QUICK, false);
        backoff.nextDelay(QUICK, false);
        backoff.nextDelay(QUICK, false);

        assertThat(backoff.nextDelay(HEALTHY, true)).isZero();
        assertThat(backoff.nextDelay(QUICK, false)).isZero();
        assertThat(backoff.nextDelay(QUICK, false)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aLongRunWithoutMediaIsAQuickFailure() {
        // e.g. 20 s in RTSP DESCRIBE, then 503: no progress block, so it counts as a failed start
        backoff.nextDelay(Duration.ofSeconds(20), false);

        assertThat(backoff.nextDelay(Duration.ofSeconds(20), false)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aRunJustShorterThanHealthyIsQuick() {
        backoff.nextDelay(QUICK, false);

        assertThat(backoff.nextDelay(HEALTHY.minusNanos(1), true)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.nextDelay(HEALTHY, true)).isZero();
    }

    @Test
    void aCapSmallerThanTheInitialDelayWins() {
        RestartBackoff capped = new RestartBackoff(Duration.ofSeconds(10), Duration.ofSeconds(3), HEALTHY);
        capped.nextDelay(QUICK, false);

        assertThat(capped.nextDelay(QUICK, false)).isEqualTo(Duration.ofSeconds(3));
        assertThat(capped.nextDelay(QUICK, false)).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void thousandsOfFailuresNeitherOverflowNorExceedTheCap() {
        RestartBackoff hourly = new RestartBackoff(Duration.ofSeconds(1), Duration.ofHours(1), HEALTHY);

        Duration last = Duration.ZERO;
        for (int i = 0; i < 10_000; i++) {
            last = hourly.nextDelay(Duration.ZERO, false);
        }

        assertThat(last).isEqualTo(Duration.ofHours(1));
    }
}
