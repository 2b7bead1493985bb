package io.github.mediamtxvod.catalog;

import io.github.mediamtxvod.recording.OutputFormat;
import io.github.mediamtxvod.recording.Session;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The read side of the catalogue on its own connection. In WAL mode a reader sees the last
 * committed state and never waits for the writer. Synchronised because a JDBC connection is not
 * thread-safe.
 */
final class CatalogQueries {
    private static final String SELECT = "SELECT " + SegmentRows.COLUMNS + " FROM segment";
    private static final String MARK_COLUMNS = "session_start, start_ms, duration_ms, state, local_present";
    // the status page, the metrics and the stream list read the running totals (SummarySchema),
    // never every segment row
    static final String COUNT_BY_STATE = "SELECT state, segments FROM state_total";
    static final String COUNT_ALL = "SELECT coalesce(sum(segments), 0) FROM state_total";
    static final String LIST_DAYS =
            "SELECT DISTINCT stream, session_start / 86400000 AS day FROM session_total ORDER BY stream, day DESC";
    // the segments with a local file, through the partial index segment_local (CatalogSchema)
    static final String LOCAL = SELECT + " WHERE local_present = 1";
    static final String COUNT_LOCAL = "SELECT count(*) FROM segment WHERE local_present = 1";
    static final String WITHOUT_FRAGMENT_INDEX = SELECT + " WHERE local_present = 1"
            + " AND relative_path LIKE '%.mp4' AND (start_ms, relative_path) > (?, ?)"
            + " AND NOT EXISTS (SELECT 1 FROM fragment_index f WHERE f.relative_path = segment.relative_path)"
            + " ORDER BY start_ms, relative_path LIMIT ?";
    static final String LIST_STREAMS = "SELECT stream, count(*), sum(segments), sum(size_bytes), min(first_start_ms),"
            + " max(session_start) FROM session_total GROUP BY stream ORDER BY stream";

    private final Connection connection;

    CatalogQueries(Connection connection) {
        this.connection = connection;
    }

    synchronized List<CatalogView.StreamSummary> streams() {
        Map<String, List<LocalDate>> days = new HashMap<>();
        query("list days", LIST_DAYS, List.of(), rs -> days.computeIfAbsent(rs.getString(1), stream -> new ArrayList<>())
                .add(LocalDate.ofEpochDay(rs.getLong(2))));
        return query("list streams", LIST_STREAMS, List.of(), rs -> new CatalogView.StreamSummary(
                rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4),
                Instant.ofEpochMilli(rs.getLong(5)), Instant.ofEpochMilli(rs.getLong(6)),
                days.getOrDefault(rs.getString(1), List.of())));
    }

    synchronized CatalogView.Page<Entry> segments(CatalogView.Query q) {
        List<Object> parameters = new ArrayList<>();
        String where = where(q, parameters);
        long total = where.isEmpty() ? count("count segments", COUNT_ALL, parameters)
                : count("count segments", "SELECT count(*) FROM segment" + where, parameters);
        return new CatalogView.Page<>(segmentPage(q, where, parameters), total, q.offset(), q.limit());
    }

    /** A page of {@link #segments} without the count of all, which reads every row in range. */
    synchronized List<Entry> segmentsWithoutTotal(CatalogView.Query q) {
        List<Object> parameters = new ArrayList<>();
        return segmentPage(q, where(q, parameters), parameters);
    }

    private List<Entry> segmentPage(CatalogView.Query q, String where, List<Object> parameters) {
        String order = q.newestFirst() ? " ORDER BY start_ms DESC, relative_path DESC" : " ORDER BY start_ms, relative_path";
        List<Object> paged = new ArrayList<>(parameters);
        paged.add(q.limit());
        paged.add(q.offset());
        return query("list segments", SELECT + where + order + " LIMIT ? OFFSET ?", paged, SegmentRows::read);
    }

    /**
     * The sessions of the query, each with its first segment: with {@code from} or {@code to}, the
     * sessions that have a segment overlapping {@code [from, to)} (whose time span overlaps it),
     * described by all their segments.
     */
    synchronized CatalogView.Page<Session> sessions(CatalogView.Query q) {
        List<Object> parameters = new ArrayList<>();
        String where = q.stream() == null ? "" : " WHERE stream = ?";
        if (q.stream() != null) {
            parameters.add(q.stream());
        }
        String sessions;
        long total;
        if (q.from() != null || q.to() != null) {
            // the sessions with a segment in range (an index range), then their totals
            String candidates = "SELECT DISTINCT stream, session_start FROM segment"
                    + overlappingOnly(where.isEmpty() ? " WHERE true" : where, q.from(), q.to(), parameters);
            sessions = "(" + candidates + ") c JOIN session_total s ON s.stream = c.stream AND s.session_start = c.session_start";
            total = count("count sessions", "SELECT count(*) FROM (" + candidates + ")", parameters);
        } else {
            sessions = "session_total s" + where;
            total = count("count sessions", "SELECT count(*) FROM session_total" + where, parameters);
        }
        String sql = "SELECT s.stream, s.session_start, s.first_path, s.first_start_ms FROM " + sessions
                + (q.newestFirst() ? " ORDER BY s.session_start DESC, s.stream" : " ORDER BY s.session_start, s.stream")
                + " LIMIT ? OFFSET ?";
        List<Object> paged = new ArrayList<>(parameters);
        paged.add(q.limit());
        paged.add(q.offset());
        List<Session> items = query("list sessions", sql, paged, rs -> {
            String firstPath = rs.getString(3);
            int slash = firstPath.lastIndexOf('/');
            OutputFormat format = OutputFormat.fromFileName(firstPath);
            return new Session(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), Instant.ofEpochMilli(rs.getLong(4)),
                    format == null ? OutputFormat.MP4 : format, slash < 0 ? "" : firstPath.substring(0, slash));
        });
        return new CatalogView.Page<>(items, total, q.offset(), q.limit());
    }

    synchronized List<Entry> sessionSegments(String streamName, Instant sessionStart) {
        return query("list session segments", SELECT + " WHERE stream = ? AND session_start = ? ORDER BY segment_index",
                List.of(streamName, sessionStart.toEpochMilli()), SegmentRows::read);
    }

    synchronized List<CatalogView.Mark> marks(String stream, Instant from, Instant to) {
        List<CatalogView.Mark> marks = new ArrayList<>(query("find the segment before a range", "SELECT " + MARK_COLUMNS
                + " FROM segment WHERE stream = ? AND start_ms < ? ORDER BY start_ms DESC, relative_path DESC LIMIT 1",
                List.of(stream, from.toEpochMilli()), CatalogQueries::mark));
        marks.addAll(query("list segments in a range", "SELECT " + MARK_COLUMNS
                + " FROM segment WHERE stream = ? AND start_ms >= ? AND start_ms < ? ORDER BY start_ms, relative_path",
                List.of(stream, from.toEpochMilli(), to.toEpochMilli()), CatalogQueries::mark));
        return marks;
    }

    private static CatalogView.Mark mark(ResultSet rs) throws SQLException {
        long duration = rs.getLong(3);
        Duration durationOrNull = rs.wasNull() ? null : Duration.ofMillis(duration);
        return new CatalogView.Mark(Instant.ofEpochMilli(rs.getLong(1)), Instant.ofEpochMilli(rs.getLong(2)), durationOrNull,
                SegmentRows.state(rs.getString(4)), rs.getInt(5) != 0);
    }

    synchronized Optional<Entry> segment(String relativePath) {
        return query("find segment", SELECT + " WHERE relative_path = ?", List.of(relativePath), SegmentRows::read)
                .stream().findFirst();
    }

    synchronized Map<SegmentState, Long> countByState() {
        Map<SegmentState, Long> counts = new EnumMap<>(SegmentState.class);
        for (SegmentState state : SegmentState.values()) {
            counts.put(state, 0L);
        }
        query("count by state", COUNT_BY_STATE, List.of(), rs -> {
            for (SegmentState state : SegmentState.values()) {
                if (state.name().equals(rs.getString(1))) {
                    counts.put(state, rs.getLong(2));
                }
            }
            return null;
        });
        return Map.copyOf(counts);
    }

    synchronized List<Entry> uploadedStartingBefore(Instant cutoff, int limit) {
        return query("list uploaded segments",
                SELECT + " WHERE state = 'UPLOADED' AND start_ms < ? ORDER BY start_ms, relative_path LIMIT ?",
                List.of(cutoff.toEpochMilli(), limit), SegmentRows::read);
    }

    synchronized List<Entry> unconfirmedStartingBefore(Instant cutoff, int limit) {
        return query("list unconfirmed segments",
                SELECT + " WHERE state IN ('PENDING', 'UPLOADING', 'QUARANTINED') AND local_present = 1"
                        + " AND start_ms < ? ORDER BY start_ms, relative_path LIMIT ?",
                List.of(cutoff.toEpochMilli(), limit), SegmentRows::read);
    }

    synchronized Optional<Instant> nextRetryAt() {
        return minimum("find next retry", "SELECT min(retry_at_ms) FROM segment WHERE state = 'PENDING'");
    }

    synchronized Optional<Instant> oldestQueuedAt() {
        return minimum("find oldest queued",
                "SELECT min(queued_at_ms) FROM segment WHERE state IN ('PENDING', 'UPLOADING')");
    }

    synchronized List<Entry> all() {
        return query("list all segments", SELECT, List.of(), SegmentRows::read);
    }

    synchronized List<Entry> local() {
        return query("list segments with a local file", LOCAL, List.of(), SegmentRows::read);
    }

    synchronized long countLocal() {
        return count("count segments with a local file", COUNT_LOCAL, List.of());
    }

    /** Entries S3 confirmed, starting at or after {@code from}, after {@code afterPath} in path order. */
    synchronized List<Entry> confirmedFrom(Instant from, String afterPath, int limit) {
        return query("list confirmed segments",
                SELECT + " WHERE state IN ('UPLOADED', 'LOCAL_DELETED') AND start_ms >= ? AND relative_path > ?"
                        + " ORDER BY relative_path LIMIT ?",
                List.of(from.toEpochMilli(), afterPath, limit), SegmentRows::read);
    }

    /**
     * Start and end of each segment of a stream in one format that overlaps {@code [from, to)},
     * oldest first.
     * For MP4 from the partial covering index (stream, start, duration, path) alone, in its order, so
     * SQLite neither reads table rows nor sorts: a stream's history of 100,000 segments takes about 20 ms.
     */
    synchronized List<CatalogView.Extent> extents(String stream, OutputFormat format, Instant from, Instant to) {
        List<Object> parameters = new ArrayList<>();
        // the extension as a literal (an enum's constant): only then may SQLite use the partial index
        String sql = "SELECT start_ms, duration_ms FROM segment" + overlapping(stream, from, to, parameters)
                + " AND relative_path LIKE '%." + format.extension() + "' ORDER BY start_ms";
        return query("list extents", sql, parameters, rs -> {
            long start = rs.getLong(1);
            long duration = rs.getLong(2);
            return new CatalogView.Extent(Instant.ofEpochMilli(start), Instant.ofEpochMilli(start + duration));
        });
    }

    /** The entries of a stream whose segments overlap {@code [from, to)}, oldest first. */
    synchronized List<Entry> overlapping(String stream, Instant from, Instant to) {
        List<Object> parameters = new ArrayList<>();
        return query("list overlapping segments", SELECT + overlapping(stream, from, to, parameters)
                + " ORDER BY start_ms, relative_path", parameters, SegmentRows::read);
    }

    /** The stored fragment indexes of the given segments, by relative path; absent ones are left out. */
    synchronized Map<String, StoredIndex> fragmentIndexes(List<String> relativePaths) {
        Map<String, StoredIndex> found = new HashMap<>();
        for (String path : relativePaths) {
            query("read fragment index", "SELECT size_bytes, index_bytes FROM fragment_index WHERE relative_path = ?",
                    List.of(path), rs -> found.put(path, new StoredIndex(path, rs.getLong(1), rs.getBytes(2))));
        }
        return found;
    }

    /**
     * Up to {@code limit} MP4 segments with a local file and no stored fragment index, after
     * {@code (afterStartMs, afterPath)} in (start, path) order: one pass over the catalogue in pages.
     */
    synchronized List<Entry> withoutFragmentIndex(long afterStartMs, String afterPath, int limit) {
        return query("list segments without fragment index", WITHOUT_FRAGMENT_INDEX, List.of(afterStartMs, afterPath, limit),
                SegmentRows::read);
    }

    /**
     * WHERE for segments overlapping {@code [from, to)}: the lower bound on start_ms keeps the
     * index range small (no segment is longer than {@link CatalogView#LONGEST_SEGMENT}); a segment
     * of unknown duration counts as one instant.
     */
    private static String overlapping(String stream, Instant from, Instant to, List<Object> parameters) {
        parameters.add(stream);
        return overlappingOnly(" WHERE stream = ?", from, to, parameters);
    }

    /** {@code where} (a WHERE clause whose parameters are in {@code parameters}) narrowed to segments overlapping {@code [from, to)}. */
    private static String overlappingOnly(String where, Instant from, Instant to, List<Object> parameters) {
        StringBuilder clause = new StringBuilder(where);
        if (to != null) {
            clause.append(" AND start_ms < ?");
            parameters.add(to.toEpochMilli());
        }
        if (from != null) {
            clause.append(" AND start_ms >= ? AND start_ms + coalesce(duration_ms, 0) > ?");
            parameters.add(from.minus(CatalogView.LONGEST_SEGMENT).toEpochMilli());
            parameters.add(from.toEpochMilli());
        }
        return clause.toString();
    }

    synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new CatalogException("cannot close catalogue reader", e);
        }
    }

    /** Closes the reader of a file that was replaced: nothing of it is needed any more, a failure included. */
    void closeReplaced() {
        try {
            close();
        } catch (CatalogException e) {
            // the file was set aside: what closing its reader says is of no use
        }
    }

    private static String where(CatalogView.Query q, List<Object> parameters) {
        List<String> conditions = new ArrayList<>();
        if (q.stream() != null) {
            conditions.add("stream = ?");
            parameters.add(q.stream());
        }
        if (q.from() != null) {
            conditions.add("start_ms >= ?");
            parameters.add(q.from().toEpochMilli());
        }
        if (q.to() != null) {
            conditions.add("start_ms < ?");
            parameters.add(q.to().toEpochMilli());
        }
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    private Optional<Instant> minimum(String what, String sql) {
        return query(what, sql, List.of(), rs -> {
            long value = rs.getLong(1);
            return rs.wasNull() ? null : Instant.ofEpochMilli(value);
        }).stream().filter(java.util.Objects::nonNull).findFirst();
    }

    private long count(String what, String sql, List<Object> parameters) {
        return query(what, sql, parameters, rs -> rs.getLong(1)).getFirst();
    }

    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    synchronized <T> List<T> query(String what, String sql, List<Object> parameters, RowMapper<T> mapper) {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
            List<T> rows = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    rows.add(mapper.map(rs));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new CatalogException("catalogue: cannot " + what, e);
        }
    }
}
