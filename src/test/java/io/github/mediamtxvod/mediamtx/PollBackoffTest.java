package io.github.mediamtxvod.mediamtx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PollBackoffTest {

    @Test
    void normalIntervalWithoutFailures() {
        assertThat(PollBackoff.delay(Duration.ofSeconds(10), 0)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void doublesPerFailureUpToOneMinute() {
        Duration interval = Duration.ofSeconds(10);

        assertThat(PollBackoff.delay(interval, 1)).isEqualTo(Duration.ofSeconds(20));
        assertThat(PollBackoff.delay(interval, 2)).isEqualTo(Duration.ofSeconds(40));
        assertThat(PollBackoff.delay(interval, 3)).isEqualTo(Duration.ofSeconds(60));
        assertThat(PollBackoff.delay(interval, 4)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void oneSecondIntervalReachesTheCapAfterSixFailures() {
        Duration interval = Duration.ofSeconds(1);

        assertThat(PollBackoff.delay(interval, 5)).isEqualTo(Duration.ofSeconds(32));
        assertThat(PollBackoff.delay(interval, 6)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void intervalLongerThanAMinuteIsItsOwnCap() {
        Duration interval = Duration.ofMinutes(5);

        assertThat(PollBackoff.delay(interval, 1)).isEqualTo(interval);
        assertThat(PollBackoff.delay(interval, 50)).isEqualTo(interval);
    }

    @Test
    void hugeFailureCountsDoNotOverflow() {
        assertThat(PollBackoff.delay(Duration.ofMillis(1), Long.MAX_VALUE))
                .isEqualTo(Duration.ofSeconds(60));
        assertThat(PollBackoff.delay(Duration.ofNanos(1), 1_000)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void refusesNonPositiveIntervalAndNegativeFailures() {
        assertThatThrownBy(() -> PollBackoff.delay(Duration.ZERO, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PollBackoff.delay(Duration.ofSeconds(1), -1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
