package io.github.mediamtxvod.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.catalog.CatalogView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Spans of /list: consecutive segments merged across millisecond jitter, gaps kept, the range clipped. */
class PlaybackSpansTest {
    private static final Instant T = Instant.parse("2024-05-01T10:00:00Z");

    @Test
    void segmentsThatTouchWithinMillisecondsAreOneSpan() {
        List<CatalogView.Extent> extents = List.of(extent(0, 60_000), extent(60_001, 120_000),
                extent(119_999, 180_000), extent(180_000, 240_002));

        assertThat(PlaybackSpans.of(extents, null, null)).containsExactly(span(0, 240_002));
    }

    @Test
    void aGapLongerThanTheToleranceStartsANewSpan() {
        long tolerance = PlaybackSpans.TOLERANCE.toMillis();
        List<CatalogView.Extent> extents = List.of(extent(0, 60_000), extent(60_000 + tolerance, 70_000),
                extent(70_000 + tolerance + 1, 80_000), extent(90_000, 95_000));

        assertThat(PlaybackSpans.of(extents, null, null))
                .containsExactly(span(0, 70_000), span(70_000 + tolerance + 1, 80_000), span(90_000, 95_000));
    }

    @Test
    void spansAreClippedToTheRangeAndEmptyOnesLeftOut() {
        List<CatalogView.Extent> extents = List.of(extent(0, 60_000), extent(60_000, 120_000),
                extent(200_000, 260_000), extent(300_000, 300_000));

        assertThat(PlaybackSpans.of(extents, at(30_000), at(230_000)))
                .containsExactly(span(30_000, 120_000), span(200_000, 230_000));
        assertThat(PlaybackSpans.of(extents, at(-5_000), null))
                .as("a range starting before the first recording leaves it whole")
                .containsExactly(span(0, 120_000), span(200_000, 260_000));
        assertThat(PlaybackSpans.of(extents, at(120_000), at(200_000))).isEmpty();
        assertThat(PlaybackSpans.of(List.of(), null, null)).isEmpty();
    }

    @Test
    void aSegmentInsideThePreviousOneDoesNotShortenTheSpan() {
        assertThat(PlaybackSpans.of(List.of(extent(0, 60_000), extent(10_000, 20_000)), null, null))
                .containsExactly(span(0, 60_000));
        assertThat(span(0, 1500).duration()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void urlsAreBuiltAsMediaMtxBuildsThem() {
        assertThat(PlaybackUrl.get("localhost:9996", "mypath", T.plusMillis(500), Duration.ofSeconds(66)))
                .isEqualTo("http://localhost:9996/get?duration=66&path=mypath&start=2024-05-01T10%3A00%3A00.5Z");
        assertThat(PlaybackUrl.queryEscape("lobby/cam 1*~é")).isEqualTo("lobby%2Fcam+1%2A~%C3%A9");
    }

    private static Instant at(long millis) {
        return T.plusMillis(millis);
    }

    private static CatalogView.Extent extent(long start, long end) {
        return new CatalogView.Extent(at(start), at(end));
    }

    private static PlaybackSpans.Span span(long start, long end) {
        return new PlaybackSpans.Span(at(start), at(end));
    }
}
