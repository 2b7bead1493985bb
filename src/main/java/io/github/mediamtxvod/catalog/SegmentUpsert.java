package io.github.mediamtxvod.catalog;

import io.github.mediamtxvod.recording.Segment;
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
final class SegmentUpsert implements AutoCloseable {

    /** What to do with a finished segment given what the catalogue already holds. */
    enum Action {
        INSERT,
        /** The file changed: PENDING again (an UPLOADING row stays UPLOADING, with a new version). */
        REQUEUE,
        /** Same bytes: refresh start/duration; a LOCAL_DELETED row whose file is back is UPLOADED. */
        REFRESH
    }

    private final PreparedStatement select;
    private final PreparedStatement insert;
    private final PreparedStatement requeue;
    private final PreparedStatement refresh;

    /** Prepares the statements once: a start-up scan may record a hundred thousand files. */
    SegmentUpsert(Connection connection) throws SQLException {
        this.select = connection.prepareStatement(
                "SELECT " + SegmentRows.COLUMNS + " FROM segment WHERE relative_path = ?");
        this.insert = connection.prepareStatement(
                "INSERT INTO segment (relative_path, stream, session_start, segment_index, start_ms, duration_ms,"
                        + " size_bytes, state, local_present, queued_at_ms, updated_at_ms)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, 'PENDING', 1, ?, ?)");
        this.requeue = connection.prepareStatement(
                "UPDATE segment SET stream = ?, session_start = ?, segment_index = ?, start_ms = ?,"
                        + " duration_ms = COALESCE(?, duration_ms), size_bytes = ?,"
                        + " queued_at_ms = CASE WHEN state IN ('PENDING', 'UPLOADING') THEN queued_at_ms ELSE ? END,"
                        + " state = CASE WHEN state = 'UPLOADING' THEN 'UPLOADING' ELSE 'PENDING' END,"
                        + " local_present = 1, version = version + 1, retry_at_ms = 0,"
                        + " s3_key = NULL, confirmed_size = NULL, etag = NULL, checksum = NULL,"
                        + " confirmed_at_ms = NULL, updated_at_ms = ? WHERE relative_path = ?");
        this.refresh = connection.prepareStatement(
                "UPDATE segment SET start_ms = ?, duration_ms = COALESCE(?, duration_ms), local_present = 1,"
                        + " state = CASE WHEN state = 'LOCAL_DELETED' THEN 'UPLOADED' ELSE state END,"
                        + " updated_at_ms = ? WHERE relative_path = ?");
    }

    /** Pure decision; {@code existing} is null for an unknown path. */
    static Action decide(Entry existing, long newSize) {
        if (existing == null) {
            return Action.INSERT;
        }
        return switch (existing.state()) {
            case PENDING, UPLOADING -> existing.segment().sizeBytes() == newSize ? Action.REFRESH : Action.REQUEUE;
            case UPLOADED, LOCAL_DELETED -> existing.confirmation() != null
                            && existing.confirmation().sizeBytes() == newSize
                    ? Action.REFRESH
                    : Action.REQUEUE;
            case QUARANTINED -> Action.REQUEUE;
        };
    }

    Action apply(Segment segment, long nowMillis) throws SQLException {
        Entry existing = find(segment.relativePath());
        Action action = decide(existing, segment.sizeBytes());
        switch (action) {
            case INSERT -> insert(segment, nowMillis);
            case REQUEUE -> requeue(segment, nowMillis);
            case REFRESH -> refresh(segment, nowMillis);
        }
        return action;
    }

    Entry find(String relativePath) throws SQLException {
        select.setString(1, relativePath);
        try (ResultSet rs = select.executeQuery()) {
            return rs.next() ? SegmentRows.read(rs) : null;
        }
    }

    private void insert(Segment segment, long now) throws SQLException {
        insert.setString(1, segment.relativePath());
        insert.setString(2, segment.stream());
        insert.setLong(3, segment.sessionStart().toEpochMilli());
        insert.setInt(4, segment.index());
        insert.setLong(5, segment.start().toEpochMilli());
        SegmentRows.setNullableLong(insert, 6, SegmentRows.millisOrNull(segment.duration()));
        insert.setLong(7, segment.sizeBytes());
        insert.setLong(8, now);
        insert.setLong(9, now);
        insert.executeUpdate();
    }

    private void requeue(Segment segment, long now) throws SQLException {
        requeue.setString(1, segment.stream());
        requeue.setLong(2, segment.sessionStart().toEpochMilli());
        requeue.setInt(3, segment.index());
        requeue.setLong(4, segment.start().toEpochMilli());
        SegmentRows.setNullableLong(requeue, 5, SegmentRows.millisOrNull(segment.duration()));
        requeue.setLong(6, segment.sizeBytes());
        requeue.setLong(7, now);
        requeue.setLong(8, now);
        requeue.setString(9, segment.relativePath());
        requeue.executeUpdate();
    }

    private void refresh(Segment segment, long now) throws SQLException {
        refresh.setLong(1, segment.start().toEpochMilli());
        SegmentRows.setNullableLong(refresh, 2, SegmentRows.millisOrNull(segment.duration()));
        refresh.setLong(3, now);
        refresh.setString(4, segment.relativePath());
        refresh.executeUpdate();
    }

    @Override
    public void close() throws SQLException {
        select.close();
        insert.close();
        requeue.close();
        refresh.close();
    }
}
