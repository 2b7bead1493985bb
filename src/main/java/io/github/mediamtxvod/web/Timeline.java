package io.github.mediamtxvod.web;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.catalog.CatalogView;
import io.github.mediamtxvod.catalog.Entry;
import io.github.mediamtxvod.catalog.SegmentState;
import io.github.mediamtxvod.recording.Segment;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The recorded time of one stream as the timeline draws it: each catalogued segment as a piece of
 * wall-clock time with where its bytes are kept, and consecutive pieces merged into spans. Pure.
 *
 * <p>Within a session FFmpeg's segments follow one another exactly (their starts are summed from
 * FFmpeg's own list), so a gap of more than {@link #GAP_TOLERANCE} is a real gap: the stream was
 * down, FFmpeg restarted, or a segment is missing. A segment whose duration is unknown ends where
 * the next segment of its session starts (the last one of a session is then a zero-length piece).
 */
final class Timeline {
    /** Pieces closer than this (or overlapping) belong to one span: it absorbs rounding only. */
    static final Duration GAP_TOLERANCE = Duration.ofMillis(500);

    private Timeline() {}

    /** Where a segment's bytes are kept. */
    enum Storage {
        /** Only on this disk: not (yet) confirmed in S3, or local-only mode. */
        LOCAL,
        /** On this disk and confirmed in S3. */
        BOTH,
        /** Only in S3: the local file was deleted after the confirmed upload. */
        S3,
        /** Neither: the local file vanished before it was uploaded. */
        MISSING;

        /** The name in JSON answers and CSS classes. */
        String json() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Whether the segment can still be played or downloaded. */
        boolean playable() {
            return this != MISSING;
        }

        static Storage of(Entry entry) {
            return of(entry.state(), entry.localPresent());
        }

        static Storage of(SegmentState state, boolean localPresent) {
            boolean inS3 = state.confirmedInS3();
            if (localPresent) {
                return inS3 ? BOTH : LOCAL;
            }
            return inS3 ? S3 : MISSING;
        }
    }

    /** Something on the wall clock that spans are made of. */
    interface Placed {
        Instant start();

        Instant end();

        Storage storage();

        /** Whether it reaches into a window beginning at {@code from} (or begins in it). */
        default boolean reaches(Instant from) {
            return end().isAfter(from) || !start().isBefore(from);
        }
    }

    /** One segment on the wall clock, as the timeline draws it. */
    record Spot(Instant start, Instant end, Storage storage) implements Placed {
        Spot {
            requireNonNull(start, "start is null");
            requireNonNull(end, "end is null");
            requireNonNull(storage, "storage is null");
        }
    }

    /** One segment on the wall clock, with its catalogue entry. */
    record Piece(Entry entry, Instant start, Instant end, Storage storage) implements Placed {
        Piece {
            requireNonNull(entry, "entry is null");
            requireNonNull(start, "start is null");
            requireNonNull(end, "end is null");
            requireNonNull(storage, "storage is null");
        }

        Segment segment() {
            return entry.segment();
        }
    }

    /** Consecutive pieces with the same storage and no gap between them. */
    record Span(Instant start, Instant end, Storage storage, int segments) {
        Span {
            requireNonNull(start, "start is null");
            requireNonNull(end, "end is null");
            requireNonNull(storage, "storage is null");
        }
    }

    /** The pieces of {@code entries} (one stream, sorted by start). */
    static List<Piece> pieces(List<Entry> entries) {
        return placed(entries, entry -> Timed.of(entry.segment()),
                (entry, end) -> new Piece(entry, entry.segment().start(), end, Storage.of(entry)));
    }

    /** The spots of {@code marks} (one stream, sorted by start). */
    static List<Spot> spots(List<CatalogView.Mark> marks) {
        return placed(marks, mark -> new Timed(mark.sessionStart(), mark.start(), mark.duration()),
                (mark, end) -> new Spot(mark.start(), end, Storage.of(mark.state(), mark.localPresent())));
    }

    /** When a segment starts, how long it lasts (null when unknown), and its session. */
    private record Timed(Instant sessionStart, Instant start, Duration duration) {
        static Timed of(Segment segment) {
            return new Timed(segment.sessionStart(), segment.start(), segment.duration());
        }
    }

    /**
     * Each segment with its end: start plus duration, or for an unknown duration the start of the
     * next segment of its session.
     */
    private static <S, P> List<P> placed(List<S> segments, Function<S, Timed> timing, BiFunction<S, Instant, P> place) {
        List<P> placed = new ArrayList<>(segments.size());
        Timed next = segments.isEmpty() ? null : timing.apply(segments.getFirst());
        for (int i = 0; i < segments.size(); i++) {
            Timed segment = next;
            next = i + 1 < segments.size() ? timing.apply(segments.get(i + 1)) : null;
            Instant end = segment.duration() == null ? segment.start() : segment.start().plus(segment.duration());
            if (segment.duration() == null && next != null && next.sessionStart().equals(segment.sessionStart())
                    && next.start().isAfter(segment.start())) {
                end = next.start();
            }
            placed.add(place.apply(segments.get(i), end));
        }
        return placed;
    }

    /** The pieces merged into spans, in time order. */
    static List<Span> spans(List<? extends Placed> pieces) {
        List<Span> spans = new ArrayList<>();
        Instant start = null;
        Instant end = null;
        Storage storage = null;
        int count = 0;
        for (Placed piece : pieces) {
            boolean joins = storage == piece.storage()
                    && !piece.start().isAfter(end.plus(GAP_TOLERANCE));
            if (joins) {
                end = piece.end().isAfter(end) ? piece.end() : end;
                count++;
                continue;
            }
            if (storage != null) {
                spans.add(new Span(start, end, storage, count));
            }
            start = piece.start();
            end = piece.end();
            storage = piece.storage();
            count = 1;
        }
        if (storage != null) {
            spans.add(new Span(start, end, storage, count));
        }
        return spans;
    }

    /**
     * The piece holding {@code at} (its start inclusive, its end plus the tolerance exclusive), if any.
     * {@code at} comes from a browser and stands for its whole millisecond (see {@link #startedBy}).
     */
    static Piece covering(List<Piece> pieces, Instant at) {
        Piece found = null;
        for (Piece piece : pieces) {
            if (startedBy(piece.start(), at) && at.isBefore(piece.end().plus(GAP_TOLERANCE))) {
                found = piece; // the latest one that started: after a gap of less than the tolerance, the next segment
            }
        }
        return found;
    }

    /**
     * Whether something that starts at {@code start} has started by {@code at}, an instant a browser sent:
     * JavaScript's clock has millisecond precision while FFmpeg's segment list gives microseconds, so a
     * span's start sent back as it was shown is truncated below the start it came from.
     */
    static boolean startedBy(Instant start, Instant at) {
        return !start.truncatedTo(ChronoUnit.MILLIS).isAfter(at);
    }
}
