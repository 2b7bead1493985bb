package io.github.mediamtxvod.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    static final Duration INITIAL = Duration.ofMillis(500);
    static final Duration MAX = Duration.ofSeconds(30);

    @Test
    void noFailureMeansNoWait() {
        assertThat(new Backoff(INITIAL, MAX, () -> 0.5).delay(0)).isZero();
    }

    @Test
    void theCeilingDoublesPerFailureUpToTheMax() {
        Backoff backoff = new Backoff(INITIAL, MAX, () -> 0.0);
        assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(backoff.ceiling(2)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.ceiling(3)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.ceiling(7)).isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.ceiling(8)).isEqualTo(MAX);
        assertThat(backoff.ceiling(Integer.MAX_VALUE)).isEqualTo(MAX);
    }

    @Test
    void jitterSpreadsTheWaitBetweenHalfAndAllOfTheCeiling() {
        assertThat(new Backoff(INITIAL, MAX, () -> 0.0).delay(3)).isEqualTo(Duration.ofSeconds(1));
        assertThat(new Backoff(INITIAL, MAX, () -> 0.5).delay(3)).isEqualTo(Duration.ofMillis(1500));
        assertThat(new Backoff(INITIAL, MAX, () -> 0.999_999_999).delay(3)).isBetween(
                Duration.ofMillis(1999), Duration.ofSeconds(2));
        assertThat(new Backoff(INITIAL, MAX, () -> 0.0).delay(100)).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void aRandomSourceOutOfRangeCannotBreakTheBounds() {
        assertThat(new Backoff(INITIAL, MAX, () -> 7.0).delay(100)).isEqualTo(MAX);
        assertThat(new Backoff(INITIAL, MAX, () -> -3.0).delay(1)).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void refusesBoundsThatMakeNoSense() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, MAX, () -> 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(MAX, INITIAL, () -> 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
