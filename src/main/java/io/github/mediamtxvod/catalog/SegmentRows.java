package io.github.mediamtxvod.catalog;

import io.github.mediamtxvod.recording.Segment;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;

/** Maps rows of the {@code segment} table to {@link Entry} snapshots and back. */
final class SegmentRows {
    static final String COLUMNS = "relative_path, stream, session_start, segment_index, start_ms, duration_ms,"
            + " size_bytes, state, local_present, attempts, last_error, version,"
            + " s3_key, confirmed_size, etag, checksum, confirmed_at_ms";

    private SegmentRows() {}

    static Entry read(ResultSet rs) throws SQLException {
        String stateName = rs.getString("state");
        SegmentState state = parseState(stateName);
        String lastError = rs.getString("last_error");
        if (state == null) {
            // the CHECK constraint makes this unreachable, but a hand-edited file must not crash readers
            state = SegmentState.QUARANTINED;
            lastError = "unknown state in catalogue: " + stateName;
        }
        long duration = rs.getLong("duration_ms");
        Duration durationOrNull = rs.wasNull() ? null : Duration.ofMillis(duration);
        Segment segment = new Segment(
                rs.getString("stream"),
                Instant.ofEpochMilli(rs.getLong("session_start")),
                rs.getInt("segment_index"),
                rs.getString("relative_path"),
                Instant.ofEpochMilli(rs.getLong("start_ms")),
                durationOrNull,
                rs.getLong("size_bytes"));
        return new Entry(
                segment,
                state,
                rs.getInt("local_present") != 0,
                rs.getInt("attempts"),
                lastError,
                readConfirmation(rs),
                rs.getLong("version"));
    }

    private static Confirmation readConfirmation(ResultSet rs) throws SQLException {
        String key = rs.getString("s3_key");
        String etag = rs.getString("etag");
        long confirmedAt = rs.getLong("confirmed_at_ms");
        if (key == null || etag == null || rs.wasNull()) {
            return null;
        }
        return new Confirmation(
                key, rs.getLong("confirmed_size"), etag, rs.getString("checksum"), Instant.ofEpochMilli(confirmedAt));
    }

    /** The state of a row; an unknown one (a hand-edited file) reads as QUARANTINED. */
    static SegmentState state(String name) {
        SegmentState state = parseState(name);
        return state == null ? SegmentState.QUARANTINED : state;
    }

    private static SegmentState parseState(String name) {
        for (SegmentState state : SegmentState.values()) {
            if (state.name().equals(name)) {
                return state;
            }
        }
        return null;
    }

    static void setNullableLong(PreparedStatement statement, int index, Long value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setLong(index, value);
        }
    }

    static Long millisOrNull(Duration duration) {
        return duration == null ? null : duration.toMillis();
    }
}
