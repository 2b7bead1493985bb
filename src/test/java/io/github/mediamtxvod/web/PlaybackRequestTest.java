package io.github.mediamtxvod.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The playback API's parameters: what MediaMTX accepts is accepted, the rest is a 400 naming the parameter. */
class PlaybackRequestTest {
    private static final Duration HOUR = Duration.ofHours(1);
    private static final Instant T = Instant.parse("2024-05-01T10:00:00Z");

    @Test
    void listTakesAPathAndAnOptionalRange() {
        assertThat(list("path=cam1")).isEqualTo(new PlaybackRequest.ListQuery("cam1", null, null));
        assertThat(list("path=lobby%2Fcam+1&start=2024-05-01T10%3A00%3A00Z&end=2024-05-01T12:00:00.5%2B02:00"))
                .isEqualTo(new PlaybackRequest.ListQuery("lobby/cam 1", T, T.plusMillis(500)));
        assertThat(list("path=cam1&start=&end=")).isEqualTo(new PlaybackRequest.ListQuery("cam1", null, null));
    }

    @Test
    void anOffsetWhosePlusArrivedAsASpaceIsStillRead() {
        assertThat(list("path=cam1&start=2024-05-01T12:00:00+02:00").start()).isEqualTo(T);
    }

    @Test
    void listRefusesAMissingPathABadTimeAndAnEmptyRange() {
        assertRefused(() -> list(""), "parameter 'path' is required");
        assertRefused(() -> list("path="), "parameter 'path' must be 1 to 1024 characters long");
        assertRefused(() -> list("path=a%0Ab"), "parameter 'path' must not contain control characters");
        assertRefused(() -> list("path=cam1&start=yesterday"), "parameter 'start' must be an RFC 3339 time");
        assertRefused(() -> list("path=cam1&start=2024-05-01T10:00:00"), "parameter 'start' must be an RFC 3339 time");
        assertRefused(() -> list("path=cam1&start=2024-05-01T10:00:00Z&end=2024-05-01T10:00:00Z"),
                "parameter 'end' must be after parameter 'start'");
        assertRefused(() -> list("path=a&path=b"), "parameter 'path' is given more than once");
    }

    @Test
    void getReadsSecondsAndGoDurationsAndTheFormat() {
        PlaybackRequest.GetQuery query = get("path=cam1&start=2024-05-01T10:00:00Z&duration=200.5");
        assertThat(query.duration()).isEqualTo(Duration.ofMillis(200_500));
        assertThat(query.format()).isEqualTo(PlaybackRequest.Format.FMP4);
        assertThat(query.end()).isEqualTo(T.plusMillis(200_500));
        assertThat(query.origin()).isNull();

        assertThat(get("path=cam1&start=2024-05-01T10:00:00Z&duration=1m30s&format=mp4"))
                .extracting(PlaybackRequest.GetQuery::duration, PlaybackRequest.GetQuery::format)
                .containsExactly(Duration.ofSeconds(90), PlaybackRequest.Format.MP4);
        assertThat(get("path=cam1&start=2024-05-01T10:00:00Z&duration=60&format=fmp4&origin=2024-05-01T09:59:00Z")
                .origin()).isEqualTo(T.minusSeconds(60));
        assertThat(duration("1h")).isEqualTo(HOUR);
        assertThat(duration("1.5m")).isEqualTo(Duration.ofSeconds(90));
        assertThat(duration("2s500ms")).isEqualTo(Duration.ofMillis(2500));
        assertThat(duration("1e2")).isEqualTo(Duration.ofSeconds(100));
        assertThat(duration(".25")).isEqualTo(Duration.ofMillis(250));
        assertThat(duration("0.000000001")).isEqualTo(Duration.ofNanos(1));
    }

    @Test
    void getRefusesMissingOrBadValuesAndARangeOverTheCap() {
        String start = "path=cam1&start=2024-05-01T10:00:00Z";
        assertRefused(() -> get("path=cam1&duration=60"), "parameter 'start' is required");
        assertRefused(() -> get(start), "parameter 'duration' is required");
        for (String bad : new String[] {"abc", "1d", "NaN", "Infinity", "0x10", "1m30", "5 s", "1e999999999"}) {
            assertRefused(() -> get(start + "&duration=" + bad), "parameter 'duration' must be a number of seconds");
        }
        assertRefused(() -> get(start + "&duration=0"), "parameter 'duration' must be more than 0 seconds");
        assertRefused(() -> get(start + "&duration=-5"), "parameter 'duration' must be more than 0 seconds");
        assertRefused(() -> get(start + "&duration=-1m"), "parameter 'duration' must be more than 0 seconds");
        assertRefused(() -> get(start + "&duration=3600.001"), "parameter 'duration' is 3600.001 s, over the maximum"
                + " of 3600 s (PLAYBACK_MAX_DURATION_SECONDS); ask for at most 3600 s");
        assertRefused(() -> get(start + "&duration=60&format=mkv"), "parameter 'format' must be fmp4 (the default) or mp4");
        assertRefused(() -> get(start + "&duration=60&origin=2024-05-01T10:00:01Z"),
                "parameter 'origin' must not be after parameter 'start'");
        assertThat(get(start + "&duration=3600").duration()).isEqualTo(HOUR);
    }

    @Test
    void timesAreWrittenLikeGoRfc3339NanoInUtc() {
        assertThat(PlaybackTime.format(T)).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(PlaybackTime.format(T.plusMillis(500))).isEqualTo("2024-05-01T10:00:00.5Z");
        assertThat(PlaybackTime.format(T.plusNanos(120_000))).isEqualTo("2024-05-01T10:00:00.00012Z");
        assertThat(PlaybackTime.parseInstant("start", PlaybackTime.format(T.plusNanos(123_456_789))))
                .isEqualTo(T.plusNanos(123_456_789));
        assertThat(PlaybackTime.seconds(Duration.ofSeconds(66))).isEqualTo("66");
        assertThat(PlaybackTime.seconds(Duration.ofMillis(65_500))).isEqualTo("65.5");
        assertThat(PlaybackTime.seconds(Duration.ofSeconds(100))).isEqualTo("100");
        assertThat(PlaybackTime.seconds(Duration.ofNanos(1))).isEqualTo("0.000000001");
    }

    private static PlaybackRequest.ListQuery list(String query) {
        return PlaybackRequest.list(QueryParameters.of(query));
    }

    private static PlaybackRequest.GetQuery get(String query) {
        return PlaybackRequest.get(QueryParameters.of(query), HOUR);
    }

    private static Duration duration(String text) {
        return PlaybackTime.parseDuration("duration", text);
    }

    private static void assertRefused(Runnable request, String message) {
        assertThatThrownBy(request::run).isInstanceOfSatisfying(HttpProblem.class, problem -> {
            assertThat(problem.status()).isEqualTo(400);
            assertThat(problem.getMessage()).startsWith(message);
        });
    }
}
