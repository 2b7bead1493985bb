package io.github.mediamtxvod.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {
    static final Duration INITIAL = Duration.ofMillis(500);
    static final Duration MAX = Duration.ofSeconds(30);

    @Test
    void noFailureMeansNoWait() {
        assertThat(Backoff.withJitter(INITIAL, MAX, () -> 0.5).delay(0)).isZero();
        assertThat(Backoff.exponential(INITIAL, MAX).delay(0)).isZero();
    }

    @Test
    void theCeilingDoublesPerFailureUpToTheMax() {
        Backoff backoff = Backoff.withJitter(INITIAL, MAX, () -> 0.0);
        assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(backoff.ceiling(2)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.ceiling(3)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.ceiling(7)).isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.ceiling(8)).isEqualTo(MAX);
        assertThat(backoff.ceiling(Integer.MAX_VALUE)).isEqualTo(MAX);
    }

    @Test
    void withoutJitterTheWaitIsTheCeiling() {
        Backoff backoff = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30));
        List<Long> delays = new ArrayList<>();
        for (int failures = 1; failures <= 9; failures++) {
            delays.add(backoff.delay(failures).toSeconds());
        }
        assertThat(delays).containsExactly(1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L, 30L);
    }

    @Test
    void aCapThatIsNotAPowerOfTwoIsReachedExactly() {
        Backoff backoff = Backoff.exponential(Duration.ofMillis(300), Duration.ofSeconds(1));
        assertThat(List.of(backoff.delay(1), backoff.delay(2), backoff.delay(3), backoff.delay(4)))
                .containsExactly(Duration.ofMillis(300), Duration.ofMillis(600), Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    @Test
    void jitterSpreadsTheWaitBetweenHalfAndAllOfTheCeiling() {
        assertThat(Backoff.withJitter(INITIAL, MAX, () -> 0.0).delay(3)).isEqualTo(Duration.ofSeconds(1));
        assertThat(Backoff.withJitter(INITIAL, MAX, () -> 0.5).delay(3)).isEqualTo(Duration.ofMillis(1500));
        assertThat(Backoff.withJitter(INITIAL, MAX, () -> 0.999_999_999).delay(3)).isBetween(
                Duration.ofMillis(1999), Duration.ofSeconds(2));
        assertThat(Backoff.withJitter(INITIAL, MAX, () -> 0.0).delay(100)).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void aRandomSourceOutOfRangeCannotBreakTheBounds() {
        assertThat(Backoff.withJitter(INITIAL, MAX, () -> 7.0).delay(100)).isEqualTo(MAX);
        assertThat(Backoff.withJitter(INITIAL, MAX, () -> -3.0).delay(1)).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void hugeFailureCountsNeitherOverflowNorExceedTheCap() {
        assertThat(Backoff.exponential(Duration.ofNanos(1), Duration.ofHours(1)).delay(Long.MAX_VALUE))
                .isEqualTo(Duration.ofHours(1));
        assertThat(Backoff.exponential(Duration.ofMillis(1), Duration.ofSeconds(60)).delay(1_000))
                .isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void refusesBoundsThatMakeNoSenseAndNegativeFailures() {
        assertThatThrownBy(() -> Backoff.withJitter(Duration.ZERO, MAX, () -> 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Backoff.exponential(MAX, INITIAL)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Backoff.exponential(INITIAL, MAX).delay(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
