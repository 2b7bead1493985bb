package io.github.mediamtxvod.upload;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.runtime.Backoff;
import io.github.mediamtxvod.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MissingFilesTest {
    final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    final MissingFiles missing = new MissingFiles(Backoff.exponential(Duration.ofSeconds(10), Duration.ofMinutes(10)),
            Duration.ofMinutes(15), clock::nanoTime);

    @Test
    void aMissingFileIsTriedAgainAfterGrowingWaitsAndQuarantinedOnlyAfterTheGracePeriod() {
        assertThat(missing.missing("a")).contains(Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(10));
        assertThat(missing.missing("a")).contains(Duration.ofSeconds(20));
        clock.advance(Duration.ofSeconds(20));
        assertThat(missing.missing("a")).contains(Duration.ofSeconds(40));
        clock.advance(Duration.ofMinutes(14));
        assertThat(missing.missing("a")).as("14.5 min missing: not yet").isPresent();
        clock.advance(Duration.ofSeconds(30));

        assertThat(missing.missing("a")).as("15 min missing: quarantine").isEmpty();
        assertThat(missing.any()).isFalse();
    }

    @Test
    void aFileThatIsBackStartsAfreshTheNextTimeItIsMissing() {
        missing.missing("a");
        clock.advance(Duration.ofMinutes(10));
        missing.missing("a");

        assertThat(missing.found("a")).isTrue();
        assertThat(missing.found("a")).isFalse();
        clock.advance(Duration.ofMinutes(10));
        assertThat(missing.missing("a")).contains(Duration.ofSeconds(10));
    }

    @Test
    void filesAreCountedEachOnTheirOwn() {
        missing.missing("a");
        clock.advance(Duration.ofMinutes(15));
        assertThat(missing.missing("b")).isPresent();
        assertThat(missing.missing("a")).isEmpty();
        assertThat(missing.any()).isTrue();
    }
}
