package io.github.mediamtxvod.playlist;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** The coalescing decisions, on a clock moved by hand. */
class PublishScheduleTest {
    private static final LocalDate DAY = LocalDate.parse("2026-03-01");
    private static final PublishSchedule.Key SESSION =
            new PublishSchedule.Key("cam1", DAY, Instant.parse("2026-03-01T10:00:00Z"));
    private static final PublishSchedule.Key OTHER_SESSION =
            new PublishSchedule.Key("cam2", DAY, Instant.parse("2026-03-01T10:00:00Z"));
    private static final PublishSchedule.Key DAY_PLAYLIST = new PublishSchedule.Key("cam1", DAY, null);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final PublishSchedule schedule = PublishSchedule.forSegments(Duration.ofSeconds(10), clock::nanoTime);

    @Test
    void theSessionIntervalIsHalfASegmentWithinTwoAndThirtySeconds() {
        assertThat(PublishSchedule.sessionInterval(Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(5));
        assertThat(PublishSchedule.sessionInterval(Duration.ofSeconds(60))).isEqualTo(Duration.ofSeconds(30));
        assertThat(PublishSchedule.sessionInterval(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(2));
        assertThat(PublishSchedule.sessionInterval(Duration.ofMinutes(10))).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aPlaylistNotPublishedLatelyGoesOutAtOnce() {
        assertThat(schedule.waitFor(SESSION, false)).isZero();
        assertThat(schedule.waitFor(DAY_PLAYLIST, false)).isZero();
    }

    @Test
    void aChangeSoonAfterAPublishWaitsForTheRestOfTheInterval() {
        schedule.published(SESSION, 10);
        schedule.published(DAY_PLAYLIST, 10);
        clock.advance(Duration.ofSeconds(2));

        assertThat(schedule.waitFor(SESSION, false)).isEqualTo(Duration.ofSeconds(3));
        assertThat(schedule.waitFor(DAY_PLAYLIST, false)).isEqualTo(Duration.ofSeconds(28));
        assertThat(schedule.waitFor(OTHER_SESSION, false)).as("each playlist has its own interval").isZero();

        clock.advance(Duration.ofSeconds(3));
        assertThat(schedule.waitFor(SESSION, false)).isZero();
        assertThat(schedule.waitFor(DAY_PLAYLIST, false)).isEqualTo(Duration.ofSeconds(25));
        clock.advance(Duration.ofSeconds(25));
        assertThat(schedule.waitFor(DAY_PLAYLIST, false)).isZero();
    }

    @Test
    void aLongDayPlaylistWaitsLongerUpToFiveMinutes() {
        schedule.published(DAY_PLAYLIST, 1000);
        assertThat(schedule.waitFor(DAY_PLAYLIST, false)).isEqualTo(Duration.ofSeconds(30));

        schedule.published(DAY_PLAYLIST, 4320); // noon, 10 s segments
        assertThat(schedule.waitFor(DAY_PLAYLIST, false)).isEqualTo(Duration.ofSeconds(150));

        schedule.published(DAY_PLAYLIST, 86_400);
        assertThat(schedule.waitFor(DAY_PLAYLIST, false)).isEqualTo(Duration.ofMinutes(5));
        assertThat(schedule.waitFor(DAY_PLAYLIST, true)).isZero();

        schedule.published(SESSION, 86_400);
        assertThat(schedule.waitFor(SESSION, false)).as("a session follows the live edge").isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aPromptPublishNeverWaits() {
        schedule.published(DAY_PLAYLIST, 10);

        assertThat(schedule.waitFor(DAY_PLAYLIST, true)).isZero();
    }

    @Test
    void aBurstOfChangesCostsOnePublishPerInterval() {
        int publishes = 0;
        // 500 changes of one session in 10 s (a backlog confirmed after an outage), looked at every 20 ms
        for (int change = 0; change < 500; change++) {
            if (schedule.waitFor(SESSION, false).isZero()) {
                schedule.published(SESSION, 10);
                publishes++;
            }
            clock.advance(Duration.ofMillis(20));
        }

        assertThat(publishes).isEqualTo(2); // at 0 s and at 5 s
    }

    @Test
    void onlyThePublishesOfTheLastIntervalAreRemembered() {
        schedule.published(SESSION, 10);
        schedule.published(DAY_PLAYLIST, 10);
        clock.advance(Duration.ofSeconds(5));

        schedule.prune();
        assertThat(schedule.remembered()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(25));
        schedule.prune();
        assertThat(schedule.remembered()).isZero();
        assertThat(schedule.waitFor(DAY_PLAYLIST, false)).isZero();
    }
}
