package io.github.mediamtxvod.web;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.catalog.CatalogView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The time spans {@code /list} answers: consecutive segments merged into one span, a gap starting
 * a new one, each span clipped to the requested range (as MediaMTX does). Pure.
 *
 * <p>Consecutive segments of one recording session do not quite touch in the catalogue: starts and
 * durations are kept to the millisecond and rounded separately, so a segment may begin a
 * millisecond after or before the previous one ends. {@link #TOLERANCE} absorbs that and more; a real
 * gap is longer (a new session begins after FFmpeg's restart back-off of at least a second, or when
 * the stream is published again). MediaMTX uses one second for its own recordings.
 */
final class PlaybackSpans {
    /** Segments closer than this are one span. */
    static final Duration TOLERANCE = Duration.ofMillis(250);

    private PlaybackSpans() {}

    /** A recorded time span. */
    record Span(Instant start, Instant end) {
        Span {
            requireNonNull(start, "start is null");
            requireNonNull(end, "end is null");
        }

        Duration duration() {
            return Duration.between(start, end);
        }
    }

    /**
     * The spans of {@code extents} (oldest start first), clipped to {@code [from, to]}; spans that
     * end up empty (outside the range, or a lone segment of unknown duration) are left out.
     *
     * @param from start of the range, or null for no lower bound
     * @param to end of the range, or null for no upper bound
     */
    static List<Span> of(List<CatalogView.Extent> extents, Instant from, Instant to) {
        List<Span> spans = new ArrayList<>();
        Instant start = null;
        Instant end = null;
        for (CatalogView.Extent extent : extents) {
            if (start != null && extent.start().isAfter(end.plus(TOLERANCE))) {
                add(spans, start, end, from, to);
                start = null;
            }
            if (start == null) {
                start = extent.start();
                end = extent.end();
            } else if (extent.end().isAfter(end)) {
                end = extent.end();
            }
        }
        if (start != null) {
            add(spans, start, end, from, to);
        }
        return spans;
    }

    private static void add(List<Span> spans, Instant start, Instant end, Instant from, Instant to) {
        Instant clippedStart = from != null && from.isAfter(start) ? from : start;
        Instant clippedEnd = to != null && to.isBefore(end) ? to : end;
        if (clippedEnd.isAfter(clippedStart)) {
            spans.add(new Span(clippedStart, clippedEnd));
        }
    }
}
