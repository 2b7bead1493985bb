package io.github.mediamtxvod.mediamtx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PollDelayTest {

    @Test
    void normalIntervalWithoutFailures() {
        assertThat(PathPoller.pollDelay(Duration.ofSeconds(10), 0)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void doublesPerFailureUpToOneMinute() {
        Duration interval = Duration.ofSeconds(10);

        assertThat(PathPoller.pollDelay(interval, 1)).isEqualTo(Duration.ofSeconds(20));
        assertThat(PathPoller.pollDelay(interval, 2)).isEqualTo(Duration.ofSeconds(40));
        assertThat(PathPoller.pollDelay(interval, 3)).isEqualTo(Duration.ofSeconds(60));
        assertThat(PathPoller.pollDelay(interval, 4)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void oneSecondIntervalReachesTheCapAfterSixFailures() {
        Duration interval = Duration.ofSeconds(1);

        assertThat(PathPoller.pollDelay(interval, 5)).isEqualTo(Duration.ofSeconds(32));
        assertThat(PathPoller.pollDelay(interval, 6)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void intervalLongerThanAMinuteIsItsOwnCap() {
        Duration interval = Duration.ofMinutes(5);

        assertThat(PathPoller.pollDelay(interval, 1)).isEqualTo(interval);
        assertThat(PathPoller.pollDelay(interval, 50)).isEqualTo(interval);
    }

    @Test
    void hugeFailureCountsDoNotOverflow() {
        assertThat(PathPoller.pollDelay(Duration.ofMillis(1), Long.MAX_VALUE))
                .isEqualTo(Duration.ofSeconds(60));
        assertThat(PathPoller.pollDelay(Duration.ofNanos(1), 1_000)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void refusesNonPositiveIntervalAndNegativeFailures() {
        assertThatThrownBy(() -> PathPoller.pollDelay(Duration.ZERO, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PathPoller.pollDelay(Duration.ofSeconds(1), -1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
