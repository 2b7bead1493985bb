package io.github.mediamtxvod.catalog;

import io.github.mediamtxvod.recording.FinishedSegment;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Records a finished segment file: a new one becomes PENDING; a known one whose file changed
 * size goes back to PENDING (the confirmation, if any, no longer describes the file); a known
 * one with the same bytes only gets its metadata refreshed. Runs inside the caller's
 * transaction.
 */
final class SegmentUpsert {

    /** What to do with a finished segment given what the catalogue already holds. */
    enum Action {
        INSERT,
        /** The file changed: PENDING again (an UPLOADING row stays UPLOADING, with a new version). */
        REQUEUE,
        /** Same bytes: refresh start/duration; a LOCAL_DELETED row whose file is back is UPLOADED. */
        REFRESH
    }

    private SegmentUpsert() {}

    /** Pure decision; {@code existing} is null for an unknown path. */
    static Action decide(Segment existing, long newSize) {
        if (existing == null) {
            return Action.INSERT;
        }
        return switch (existing.state()) {
            case PENDING, UPLOADING -> existing.sizeBytes() == newSize ? Action.REFRESH : Action.REQUEUE;
            case UPLOADED, LOCAL_DELETED -> existing.confirmation() != null
                            && existing.confirmation().sizeBytes() == newSize
                    ? Action.REFRESH
                    : Action.REQUEUE;
            case QUARANTINED -> Action.REQUEUE;
        };
    }

    static Action apply(Connection connection, FinishedSegment segment, long nowMillis) throws SQLException {
        Segment existing = find(connection, segment.relativePath());
        Action action = decide(existing, segment.sizeBytes());
        switch (action) {
            case INSERT -> insert(connection, segment, nowMillis);
            case REQUEUE -> requeue(connection, segment, nowMillis);
            case REFRESH -> refresh(connection, segment, nowMillis);
        }
        return action;
    }

    static Segment find(Connection connection, String relativePath) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + SegmentRows.COLUMNS + " FROM segment WHERE relative_path = ?")) {
            select.setString(1, relativePath);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? SegmentRows.read(rs) : null;
            }
        }
    }

    private static void insert(Connection connection, FinishedSegment segment, long now) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO segment (relative_path, stream, session_start, segment_index, start_ms, duration_ms,"
                        + " size_bytes, state, local_present, queued_at_ms, updated_at_ms)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, 'PENDING', 1, ?, ?)")) {
            insert.setString(1, segment.relativePath());
            insert.setString(2, segment.streamName());
            insert.setLong(3, segment.sessionStart().toEpochMilli());
            insert.setInt(4, segment.index());
            insert.setLong(5, segment.start().toEpochMilli());
            SegmentRows.setNullableLong(insert, 6, SegmentRows.millisOrNull(segment.duration()));
            insert.setLong(7, segment.sizeBytes());
            insert.setLong(8, now);
            insert.setLong(9, now);
            insert.executeUpdate();
        }
    }

    private static void requeue(Connection connection, FinishedSegment segment, long now) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE segment SET stream = ?, session_start = ?, segment_index = ?, start_ms = ?,"
                        + " duration_ms = COALESCE(?, duration_ms), size_bytes = ?,"
                        + " queued_at_ms = CASE WHEN state IN ('PENDING', 'UPLOADING') THEN queued_at_ms ELSE ? END,"
                        + " state = CASE WHEN state = 'UPLOADING' THEN 'UPLOADING' ELSE 'PENDING' END,"
                        + " local_present = 1, version = version + 1, retry_at_ms = 0,"
                        + " s3_key = NULL, confirmed_size = NULL, etag = NULL, checksum = NULL,"
                        + " confirmed_at_ms = NULL, updated_at_ms = ? WHERE relative_path = ?")) {
            update.setString(1, segment.streamName());
            update.setLong(2, segment.sessionStart().toEpochMilli());
            update.setInt(3, segment.index());
            update.setLong(4, segment.start().toEpochMilli());
            SegmentRows.setNullableLong(update, 5, SegmentRows.millisOrNull(segment.duration()));
            update.setLong(6, segment.sizeBytes());
            update.setLong(7, now);
            update.setLong(8, now);
            update.setString(9, segment.relativePath());
            update.executeUpdate();
        }
    }

    private static void refresh(Connection connection, FinishedSegment segment, long now) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE segment SET start_ms = ?, duration_ms = COALESCE(?, duration_ms), local_present = 1,"
                        + " state = CASE WHEN state = 'LOCAL_DELETED' THEN 'UPLOADED' ELSE state END,"
                        + " updated_at_ms = ? WHERE relative_path = ?")) {
            update.setLong(1, segment.start().toEpochMilli());
            SegmentRows.setNullableLong(update, 2, SegmentRows.millisOrNull(segment.duration()));
            update.setLong(3, now);
            update.setString(4, segment.relativePath());
            update.executeUpdate();
        }
    }
}
