package io.github.mediamtxvod.catalog;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
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

    /** Sessions with at least one segment starting in the query's range. */
    Page<SessionSummary> sessions(Query query);

    /** Segments starting in the query's range. */
    Page<Segment> segments(Query query);

    /** Every segment of one session, in index order. */
    List<Segment> sessionSegments(String streamName, Instant sessionStart);

    /** The segment at a relative path (untrusted input is fine: it is only a lookup key). */
    Optional<Segment> segment(String relativePath);

    /** How many segments are in each state; states with none are present with 0. */
    Map<SegmentState, Long> countByState();

    /**
     * A page request.
     *
     * @param streamName only this stream, or null for all
     * @param from inclusive lower bound of the segment start, or null
     * @param to exclusive upper bound of the segment start, or null
     * @param offset items to skip, at least 0
     * @param limit page size, 1..1000
     * @param newestFirst order by start descending instead of ascending
     */
    record Query(String streamName, Instant from, Instant to, int offset, int limit, boolean newestFirst) {
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
    record Page<T>(List<T> items, long total, int offset, int limit) {
        public Page {
            items = List.copyOf(items);
        }

        public boolean hasMore() {
            return offset + items.size() < total;
        }
    }

    /**
     * A recording session (one FFmpeg run) of a stream.
     *
     * @param sessionPath the session folder below RECORDINGS_DIR
     * @param firstStart start of its first segment
     * @param totalDuration sum of the known segment durations
     * @param segments number of segments
     * @param sizeBytes sum of the segment sizes
     * @param confirmed segments confirmed in S3
     * @param localSegments segments whose local file is present
     */
    record SessionSummary(
            String streamName,
            Instant sessionStart,
            String sessionPath,
            Instant firstStart,
            Duration totalDuration,
            int segments,
            long sizeBytes,
            int confirmed,
            int localSegments) {
        public SessionSummary {
            requireNonNull(streamName, "streamName is null");
            requireNonNull(sessionStart, "sessionStart is null");
            requireNonNull(sessionPath, "sessionPath is null");
            requireNonNull(firstStart, "firstStart is null");
            requireNonNull(totalDuration, "totalDuration is null");
        }
    }

    /** A stream and the extent of its recordings. */
    record StreamSummary(String streamName, long segments, long sizeBytes, Instant firstStart, Instant lastStart) {
        public StreamSummary {
            requireNonNull(streamName, "streamName is null");
            requireNonNull(firstStart, "firstStart is null");
            requireNonNull(lastStart, "lastStart is null");
        }
    }
}
