package io.github.mediamtxvod.mediamtx;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The order of polls and single-path answers, with send times given explicitly (nanoseconds). */
class LiveSetTest {
    private final Answers answers = new Answers();
    private final LiveSet live = liveSet(null);

    @Test
    void aPollIsPassedOnAsItIs() {
        live.polled(10, List.of(path("cam1"), path("cam2")));

        assertThat(answers.drain()).containsExactly("polled [cam1, cam2]");
    }

    @Test
    void aCheckSentAfterAPollCorrectsThatPoll() {
        live.polled(0, List.of(path("cam1")));
        assertThat(live.checked(5, "cam1", Optional.empty(), true)).isTrue();
        assertThat(live.checked(6, "cam2", Optional.of(path("cam2")), true)).isTrue();

        // a poll sent before both checks arrives after them
        live.polled(3, List.of(path("cam1"), path("cam3")));

        assertThat(answers.drain()).containsExactly(
                "polled [cam1]", "gone cam1", "live cam2", "polled [cam2, cam3]");
    }

    @Test
    void aPollSentAfterTheCheckWinsAndTheCheckIsForgotten() {
        live.checked(5, "cam1", Optional.empty(), true);
        live.polled(7, List.of(path("cam1")));
        live.polled(9, List.of(path("cam1")));

        assertThat(answers.drain()).containsExactly("gone cam1", "polled [cam1]", "polled [cam1]");
    }

    @Test
    void aCheckSentBeforeTheLatestPollIsDroppedWhenThePollDisagrees() {
        live.polled(10, List.of(path("cam1")));

        assertThat(live.checked(8, "cam1", Optional.empty(), true)).isFalse();
        assertThat(live.checked(8, "cam2", Optional.of(path("cam2")), true)).isFalse();
        assertThat(live.checked(8, "cam1", Optional.of(path("cam1")), true)).isTrue();
        assertThat(live.checked(8, "cam3", Optional.empty(), true)).isTrue();

        assertThat(answers.drain()).containsExactly("polled [cam1]", "live cam1", "gone cam3");
    }

    @Test
    void anAnswerNotToPassOnIsNotHeardButStillCorrectsAnOlderPoll() {
        assertThat(live.checked(5, "cam1", Optional.empty(), false)).isFalse();

        live.polled(3, List.of(path("cam1"), path("cam2")));

        assertThat(answers.drain()).containsExactly("polled [cam2]");
    }

    @Test
    void aPathListedButNotAvailableIsGone() {
        MediaMtxPath idle = new MediaMtxPath("cam1", false, List.of(), null, null);

        live.checked(1, "cam1", Optional.of(idle), true);

        assertThat(answers.drain()).containsExactly("gone cam1");
    }

    @Test
    void filteredPathsAreNeverPassedOnAsLiveButAlwaysAsGone() {
        LiveSet filtered = liveSet(Pattern.compile("cam.*"));

        assertThat(filtered.checked(1, "private", Optional.of(path("private")), true)).isFalse();
        assertThat(filtered.checked(2, "other", Optional.empty(), true)).isTrue();
        filtered.polled(0, List.of(path("cam1")));

        assertThat(answers.drain()).containsExactly("gone other", "polled [cam1]");
    }

    @Test
    void onlyTheNewestChecksAreRememberedForTheNextPoll() {
        live.checked(1, "first", Optional.empty(), true);
        for (int i = 0; i < LiveSet.MAX_RECENT_CHECKS; i++) {
            live.checked(2 + i, "other" + i, Optional.empty(), true);
        }
        answers.drain();

        live.polled(0, List.of(path("first"), path("other0")));

        assertThat(answers.drain()).as("'first' was forgotten, 'other0' corrects the poll")
                .containsExactly("polled [first]");
    }

    @Test
    void sendTimesCompareAcrossTheWrapOfTheNanosecondClock() {
        live.polled(Long.MAX_VALUE - 1, List.of(path("cam1")));

        assertThat(live.checked(Long.MIN_VALUE + 1, "cam1", Optional.empty(), true)).as("sent after the poll").isTrue();
        live.polled(Long.MAX_VALUE, List.of(path("cam1")));

        assertThat(answers.drain()).containsExactly("polled [cam1]", "gone cam1", "polled []");
    }

    private LiveSet liveSet(Pattern include) {
        LiveSet set = new LiveSet(new MediaMtxConfig(URI.create("http://127.0.0.1:9997"),
                URI.create("rtsp://127.0.0.1:8554"), null, null, Duration.ofSeconds(10), Duration.ofSeconds(5),
                include, null), () -> 0);
        set.whenAnswered(answers);
        return set;
    }

    private static MediaMtxPath path(String name) {
        return new MediaMtxPath(name, true, List.of("H264"), null, "rtspSession");
    }
}
