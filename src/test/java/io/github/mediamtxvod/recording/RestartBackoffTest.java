package io.github.mediamtxvod.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RestartBackoffTest {
    private static final Duration SHORT_RUN = Duration.ofSeconds(3);
    private static final Duration HEALTHY = Duration.ofMinutes(5);

    @Test
    void doublesFromTheInitialDelayUpToTheCap() {
        RestartBackoff backoff = new RestartBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), HEALTHY);

        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            delays.add(backoff.nextDelay(SHORT_RUN).toSeconds());
        }

        assertThat(delays).containsExactly(1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L, 30L);
        assertThat(backoff.consecutiveFailures()).isEqualTo(9);
    }

    @Test
    void aHealthyRunResetsTheBackoff() {
        RestartBackoff backoff = new RestartBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), HEALTHY);
        backoff.nextDelay(SHORT_RUN);
        backoff.nextDelay(SHORT_RUN);
        backoff.nextDelay(SHORT_RUN);

        assertThat(backoff.nextDelay(HEALTHY)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.consecutiveFailures()).isEqualTo(1);
        assertThat(backoff.nextDelay(SHORT_RUN)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aRunJustShorterThanHealthyDoesNotReset() {
        RestartBackoff backoff = new RestartBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), HEALTHY);
        backoff.nextDelay(SHORT_RUN);

        assertThat(backoff.nextDelay(HEALTHY.minusNanos(1))).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aCapSmallerThanTheInitialDelayWins() {
        RestartBackoff backoff = new RestartBackoff(Duration.ofSeconds(10), Duration.ofSeconds(3), HEALTHY);

        assertThat(backoff.nextDelay(SHORT_RUN)).isEqualTo(Duration.ofSeconds(3));
        assertThat(backoff.nextDelay(SHORT_RUN)).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void aCapThatIsNotAPowerOfTwoIsReachedExactly() {
        RestartBackoff backoff = new RestartBackoff(Duration.ofMillis(300), Duration.ofSeconds(1), HEALTHY);

        assertThat(List.of(
                        backoff.nextDelay(SHORT_RUN), backoff.nextDelay(SHORT_RUN),
                        backoff.nextDelay(SHORT_RUN), backoff.nextDelay(SHORT_RUN)))
                .containsExactly(
                        Duration.ofMillis(300), Duration.ofMillis(600), Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    @Test
    void thousandsOfFailuresNeitherOverflowNorExceedTheCap() {
        RestartBackoff backoff = new RestartBackoff(Duration.ofSeconds(1), Duration.ofHours(1), HEALTHY);

        Duration last = Duration.ZERO;
        for (int i = 0; i < 10_000; i++) {
            last = backoff.nextDelay(Duration.ZERO);
        }

        assertThat(last).isEqualTo(Duration.ofHours(1));
    }
}
