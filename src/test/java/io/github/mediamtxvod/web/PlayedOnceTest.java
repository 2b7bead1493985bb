package io.github.mediamtxvod.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.catalog.Entry;
import io.github.mediamtxvod.catalog.SegmentState;
import io.github.mediamtxvod.recording.Segment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which segments a /get plays where two sessions overlap at the change of day. */
class PlayedOnceTest {
    private static final Instant DAY_ONE = Instant.parse("2026-12-06T10:00:00Z");
    private static final Instant DAY_TWO = Instant.parse("2026-12-07T00:00:00Z");

    @Test
    void aSegmentOfTheEarlierSessionBegunAfterTheLaterOneIsLeftOut() {
        // the previous day's FFmpeg began a segment while the next day's was already recording
        Entry lastFull = entry(DAY_ONE, 5, DAY_TWO.minusSeconds(8), 10);
        Entry next = entry(DAY_TWO, 0, DAY_TWO, 10);
        Entry tail = entry(DAY_ONE, 6, DAY_TWO.plusMillis(1500), 1);
        Entry nextAfter = entry(DAY_TWO, 1, DAY_TWO.plusSeconds(10), 10);

        assertThat(PlaybackHandler.playedOnce(List.of(lastFull, next, tail, nextAfter)))
                .containsExactly(lastFull, next, nextAfter);
    }

    @Test
    void sessionsOneAfterTheOtherKeepEverySegment() {
        List<Entry> entries = List.of(entry(DAY_ONE, 0, DAY_ONE, 10), entry(DAY_ONE, 1, DAY_ONE.plusSeconds(10), 10),
                entry(DAY_ONE.plusSeconds(60), 0, DAY_ONE.plusSeconds(60), 10));

        assertThat(PlaybackHandler.playedOnce(entries)).isEqualTo(entries);
    }

    private static Entry entry(Instant session, int index, Instant start, int seconds) {
        String path = "cam1/" + session.getEpochSecond() + "/segment_" + index + ".mp4";
        return new Entry(new Segment("cam1", session, index, path, start, Duration.ofSeconds(seconds), 10),
                SegmentState.PENDING, true, 0, null, null, 1);
    }
}
