package io.github.mediamtxvod.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.catalog.CatalogView;
import io.github.mediamtxvod.catalog.Confirmation;
import io.github.mediamtxvod.catalog.Entry;
import io.github.mediamtxvod.catalog.SegmentState;
import io.github.mediamtxvod.recording.Segment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimelineTest {
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

    private static Entry entry(Instant session, int index, Instant start, Duration duration, SegmentState state,
            boolean local) {
        String path = "cam1/2024-05-01/" + session.getEpochSecond() + "/segment_" + index + ".mp4";
        Confirmation confirmation = state.confirmedInS3() ? new Confirmation(path, 10, "etag", null, T0) : null;
        return new Entry(new Segment("cam1", session, index, path, start, duration, 10), state, local, 0, null,
                confirmation, 1);
    }

    private static Entry local(int index, double startSeconds, double seconds) {
        return entry(T0, index, at(startSeconds), Duration.ofMillis(Math.round(seconds * 1000)), SegmentState.PENDING,
                true);
    }

    private static Instant at(double seconds) {
        return T0.plusMillis(Math.round(seconds * 1000));
    }

    @Test
    void consecutiveSegmentsWithTheSameStorageAreOneSpanAndAGapStartsANewOne() {
        List<Entry> entries = List.of(local(0, 0, 2.0), local(1, 2.0, 2.04), local(2, 4.3, 1.7), local(3, 7.0, 2));

        List<Timeline.Span> spans = Timeline.spans(Timeline.pieces(entries));

        assertThat(spans).containsExactly(
                new Timeline.Span(at(0), at(6.0), Timeline.Storage.LOCAL, 3),
                new Timeline.Span(at(7.0), at(9.0), Timeline.Storage.LOCAL, 1));
    }

    /** One session in every storage: S3 only (two), both, local only, missing. */
    private static List<Entry> everyStorage() {
        return List.of(
                entry(T0, 0, at(0), Duration.ofSeconds(2), SegmentState.LOCAL_DELETED, false),
                entry(T0, 1, at(2), Duration.ofSeconds(2), SegmentState.LOCAL_DELETED, false),
                entry(T0, 2, at(4), Duration.ofSeconds(2), SegmentState.UPLOADED, true),
                entry(T0, 3, at(6), Duration.ofSeconds(2), SegmentState.PENDING, true),
                entry(T0, 4, at(8), Duration.ofSeconds(2), SegmentState.QUARANTINED, false));
    }

    /** Unknown durations in a session, its last one among them, and a second session. */
    private static List<Entry> unknownDurations() {
        Instant other = T0.plusSeconds(100);
        return List.of(
                entry(T0, 0, at(0), null, SegmentState.PENDING, true),
                entry(T0, 1, at(2), Duration.ofSeconds(2), SegmentState.PENDING, true),
                entry(T0, 2, at(4), null, SegmentState.PENDING, true),
                entry(other, 0, other, Duration.ofSeconds(2), SegmentState.PENDING, true));
    }

    @Test
    void storageSplitsSpansIntoLocalBothS3AndMissing() {
        List<Timeline.Span> spans = Timeline.spans(Timeline.pieces(everyStorage()));

        assertThat(spans).extracting(Timeline.Span::storage).containsExactly(
                Timeline.Storage.S3, Timeline.Storage.BOTH, Timeline.Storage.LOCAL, Timeline.Storage.MISSING);
        assertThat(spans.get(0).segments()).isEqualTo(2);
        assertThat(spans.get(0).end()).isEqualTo(at(4));
        assertThat(Timeline.Storage.MISSING.playable()).isFalse();
        assertThat(Timeline.Storage.S3.json()).isEqualTo("s3");
    }

    @Test
    void theTimelinesSpotsArePiecesWithoutTheirEntries() {
        for (List<Entry> entries : List.of(everyStorage(), unknownDurations())) {
            List<CatalogView.Mark> marks = entries.stream().map(entry -> new CatalogView.Mark(entry.segment().sessionStart(),
                    entry.segment().start(), entry.segment().duration(), entry.state(), entry.localPresent())).toList();

            List<Timeline.Spot> spots = Timeline.spots(marks);

            assertThat(spots).isEqualTo(Timeline.pieces(entries).stream()
                    .map(piece -> new Timeline.Spot(piece.start(), piece.end(), piece.storage())).toList());
            assertThat(Timeline.spans(spots)).isEqualTo(Timeline.spans(Timeline.pieces(entries)));
        }
        assertThat(Timeline.spots(List.of())).isEmpty();
    }

    @Test
    void aSegmentOfUnknownDurationEndsWhereTheNextOfItsSessionStarts() {
        List<Timeline.Piece> pieces = Timeline.pieces(unknownDurations());

        assertThat(pieces.get(0).end()).isEqualTo(at(2));
        assertThat(pieces.get(2).end()).as("last of its session: nothing tells its end").isEqualTo(at(4));
        assertThat(Timeline.spans(pieces)).hasSize(2);
    }

    @Test
    void coveringFindsTheSegmentHoldingAnInstantWithinTheTolerance() {
        List<Timeline.Piece> pieces = Timeline.pieces(List.of(local(0, 0, 2), local(1, 2, 2), local(2, 10, 2)));

        assertThat(Timeline.covering(pieces, at(0)).segment().index()).isZero();
        assertThat(Timeline.covering(pieces, at(2)).segment().index()).isEqualTo(1);
        assertThat(Timeline.covering(pieces, at(3.99)).segment().index()).isEqualTo(1);
        assertThat(Timeline.covering(pieces, at(4.3)).segment().index()).as("within the tolerance").isEqualTo(1);
        assertThat(Timeline.covering(pieces, at(6))).as("in the gap").isNull();
        assertThat(Timeline.covering(pieces, at(-1))).as("before everything").isNull();
    }

    @Test
    void anInstantFromABrowserStandsForItsWholeMillisecond() {
        Instant start = T0.plusNanos(421_567_000); // FFmpeg's segment list gives microseconds
        Entry entry = entry(T0, 0, start, Duration.ofSeconds(2), SegmentState.PENDING, true);
        List<Timeline.Piece> pieces = Timeline.pieces(List.of(entry));

        assertThat(Timeline.covering(pieces, T0.plusMillis(421))).as("the span's start as JavaScript sends it")
                .isNotNull();
        assertThat(Timeline.covering(pieces, T0.plusMillis(420))).as("the millisecond before").isNull();
    }
}
