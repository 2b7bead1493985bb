package io.github.mediamtxvod.catalog;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.recording.OutputFormat;
import io.github.mediamtxvod.recording.Session;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Read-only queries over the catalogue, for the web UI and API. Thread-safe; every answer is an
 * immutable snapshot. Queries by stream and time use an index on (stream, start) and stay fast
 * with hundreds of thousands of segments. Throws {@link CatalogException} when the database
 * cannot be read (for example after {@link Catalog#close()}).
 */
public interface CatalogView {

    /** Every stream with at least one catalogued segment, sorted by name. */
    List<StreamSummary> streams();

    /**
     * Sessions whose time span overlaps the query's range (one of their segments overlaps it),
     * each with the start of its first segment.
     */
    Page<Session> sessions(Query query);

    /** Segments starting in the query's range. */
    Page<Entry> segments(Query query);

    /**
     * The items of {@link #segments} without their total, for readers that need no page count: the
     * total reads every segment in range, for an open range a stream's whole history.
     */
    List<Entry> segmentsWithoutTotal(Query query);

    /** Every segment of one session, in index order. */
    List<Entry> sessionSegments(String stream, Instant sessionStart);

    /**
     * What the timeline draws of each segment of a stream that starts in {@code [from, to)}, oldest
     * first, after the stream's newest segment that starts before {@code from} (it may reach into
     * the range); five columns instead of a whole {@link Entry}. For a bounded range: every
     * segment in it is read.
     */
    List<Mark> marks(String stream, Instant from, Instant to);

    /** The segment at a relative path (untrusted input is fine: it is only a lookup key). */
    Optional<Entry> segment(String relativePath);

    /** How many segments are in each state; states with none are present with 0. */
    Map<SegmentState, Long> countByState();

    /** When the longest-waiting PENDING or UPLOADING segment was queued, if any. */
    Optional<Instant> oldestQueuedAt();

    /**
     * The longest a segment can be: SEGMENT_DURATION's maximum (a day) and a long GOP. Queries by
     * overlap look this far back from the start of their range.
     */
    Duration LONGEST_SEGMENT = Duration.ofDays(2);

    /**
     * When each segment of a stream in {@code format} that overlaps {@code [from, to)} starts and
     * ends (end = start when its duration is unknown), oldest first; for the playback API's {@code
     * /list}.
     *
     * @param from inclusive lower bound of the segment end, or null
     * @param to exclusive upper bound of the segment start, or null
     */
    List<Extent> extents(String stream, OutputFormat format, Instant from, Instant to);

    /** The entries of a stream whose segments overlap {@code [from, to)} (bounds as in {@link #extents}), oldest first. */
    List<Entry> overlapping(String stream, Instant from, Instant to);

    /** The fragment indexes stored for these segments (see {@link Catalog#storeFragmentIndexes}), by relative path. */
    Map<String, StoredIndex> fragmentIndexes(List<String> relativePaths);

    /** When a segment starts and ends. */
    record Extent(Instant start, Instant end) {
        public Extent {
            requireNonNull(start, "start is null");
            requireNonNull(end, "end is null");
        }
    }

    /**
     * A page request.
     *
     * @param stream only this stream, or null for all
     * @param from inclusive lower bound of the segment start, or null (sessions: of the segment end)
     * @param to exclusive upper bound of the segment start, or null
     * @param offset items to skip, at least 0
     * @param limit page size, 1..1000
     * @param newestFirst order by start descending instead of ascending
     */
    record Query(String stream, Instant from, Instant to, long offset, int limit, boolean newestFirst) {
        public static final int MAX_LIMIT = 1000;

        public Query {
            if (offset < 0) {
                throw new IllegalArgumentException("offset is negative: " + offset);
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ": " + limit);
            }
        }

        /** All streams, all time, first page of {@code limit}, newest first. */
        public static Query latest(int limit) {
            return new Query(null, null, null, 0, limit, true);
        }
    }

    /**
     * One page of a result.
     *
     * @param total how many items match the query in all
     */
    record Page<T>(List<T> items, long total, long offset, int limit) {
        public Page {
            items = List.copyOf(items);
        }

        public boolean hasMore() {
            return offset + items.size() < total;
        }
    }

    /**
     * A segment as the timeline draws it.
     *
     * @param duration null when unknown
     */
    record Mark(Instant sessionStart, Instant start, Duration duration, SegmentState state, boolean localPresent) {
        public Mark {
            requireNonNull(sessionStart, "sessionStart is null");
            requireNonNull(start, "start is null");
            requireNonNull(state, "state is null");
        }
    }

    /**
     * A stream and the extent of its recordings.
     *
     * @param sessions how many recording sessions it has
     * @param segments how many segments it has
     * @param sizeBytes the size of all its segments
     * @param firstStart start of its first segment
     * @param lastSessionStart start of its newest session
     * @param days the UTC days (folder names) that hold its sessions, newest first
     */
    record StreamSummary(
            String stream,
            long sessions,
            long segments,
            long sizeBytes,
            Instant firstStart,
            Instant lastSessionStart,
            List<LocalDate> days) {
        public StreamSummary {
            requireNonNull(stream, "stream is null");
            requireNonNull(firstStart, "firstStart is null");
            requireNonNull(lastSessionStart, "lastSessionStart is null");
            days = List.copyOf(days);
        }
    }
}
