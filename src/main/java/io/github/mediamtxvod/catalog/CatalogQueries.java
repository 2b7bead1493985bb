package io.github.mediamtxvod.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
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

    private final Connection connection;

    CatalogQueries(Connection connection) {
        this.connection = connection;
    }

    synchronized List<CatalogView.StreamSummary> streams() {
        String sql = "SELECT stream, count(*), sum(size_bytes), min(start_ms), max(start_ms)"
                + " FROM segment GROUP BY stream ORDER BY stream";
        return query("list streams", sql, List.of(), rs -> new CatalogView.StreamSummary(
                rs.getString(1), rs.getLong(2), rs.getLong(3),
                Instant.ofEpochMilli(rs.getLong(4)), Instant.ofEpochMilli(rs.getLong(5))));
    }

    synchronized CatalogView.Page<Segment> segments(CatalogView.Query q) {
        List<Object> parameters = new ArrayList<>();
        String where = where(q, parameters);
        long total = count("count segments", "SELECT count(*) FROM segment" + where, parameters);
        String order = q.newestFirst() ? " ORDER BY start_ms DESC, relative_path DESC" : " ORDER BY start_ms, relative_path";
        List<Object> paged = new ArrayList<>(parameters);
        paged.add(q.limit());
        paged.add(q.offset());
        List<Segment> items = query("list segments", SELECT + where + order + " LIMIT ? OFFSET ?", paged, SegmentRows::read);
        return new CatalogView.Page<>(items, total, q.offset(), q.limit());
    }

    synchronized CatalogView.Page<CatalogView.SessionSummary> sessions(CatalogView.Query q) {
        List<Object> parameters = new ArrayList<>();
        String where = where(q, parameters);
        long total = count("count sessions",
                "SELECT count(*) FROM (SELECT 1 FROM segment" + where + " GROUP BY stream, session_start)", parameters);
        String sql = "SELECT stream, session_start, min(relative_path), min(start_ms), sum(coalesce(duration_ms, 0)),"
                + " count(*), sum(size_bytes),"
                + " sum(state IN ('UPLOADED', 'LOCAL_DELETED')), sum(local_present)"
                + " FROM segment" + where + " GROUP BY stream, session_start"
                + (q.newestFirst() ? " ORDER BY session_start DESC, stream" : " ORDER BY session_start, stream")
                + " LIMIT ? OFFSET ?";
        List<Object> paged = new ArrayList<>(parameters);
        paged.add(q.limit());
        paged.add(q.offset());
        List<CatalogView.SessionSummary> items = query("list sessions", sql, paged, rs -> {
            String firstPath = rs.getString(3);
            int slash = firstPath.lastIndexOf('/');
            return new CatalogView.SessionSummary(
                    rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)),
                    slash < 0 ? "" : firstPath.substring(0, slash),
                    Instant.ofEpochMilli(rs.getLong(4)), Duration.ofMillis(rs.getLong(5)),
                    rs.getInt(6), rs.getLong(7), rs.getInt(8), rs.getInt(9));
        });
        return new CatalogView.Page<>(items, total, q.offset(), q.limit());
    }

    synchronized List<Segment> sessionSegments(String streamName, Instant sessionStart) {
        return query("list session segments", SELECT + " WHERE stream = ? AND session_start = ? ORDER BY segment_index",
                List.of(streamName, sessionStart.toEpochMilli()), SegmentRows::read);
    }

    synchronized Optional<Segment> segment(String relativePath) {
        return query("find segment", SELECT + " WHERE relative_path = ?", List.of(relativePath), SegmentRows::read)
                .stream().findFirst();
    }

    synchronized Map<SegmentState, Long> countByState() {
        Map<SegmentState, Long> counts = new EnumMap<>(SegmentState.class);
        for (SegmentState state : SegmentState.values()) {
            counts.put(state, 0L);
        }
        query("count by state", "SELECT state, count(*) FROM segment GROUP BY state", List.of(), rs -> {
            for (SegmentState state : SegmentState.values()) {
                if (state.name().equals(rs.getString(1))) {
                    counts.put(state, rs.getLong(2));
                }
            }
            return null;
        });
        return Map.copyOf(counts);
    }

    synchronized List<Segment> uploadedStartingBefore(Instant cutoff, int limit) {
        return query("list uploaded segments",
                SELECT + " WHERE state = 'UPLOADED' AND start_ms < ? ORDER BY start_ms, relative_path LIMIT ?",
                List.of(cutoff.toEpochMilli(), limit), SegmentRows::read);
    }

    synchronized List<Segment> unconfirmedStartingBefore(Instant cutoff, int limit) {
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

    synchronized List<Segment> all() {
        return query("list all segments", SELECT, List.of(), SegmentRows::read);
    }

    synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new CatalogException("cannot close catalogue reader", e);
        }
    }

    private static String where(CatalogView.Query q, List<Object> parameters) {
        List<String> conditions = new ArrayList<>();
        if (q.streamName() != null) {
            conditions.add("stream = ?");
            parameters.add(q.streamName());
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
    private interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private <T> List<T> query(String what, String sql, List<Object> parameters, RowMapper<T> mapper) {
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
