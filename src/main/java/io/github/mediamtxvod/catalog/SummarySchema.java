package io.github.mediamtxvod.catalog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Running totals of the {@code segment} table (schema version 3), so that what the status page,
 * the metrics and the stream list ask for costs the same after a year as after a day: counting
 * the segments by state or summing a stream's sessions used to read every row ever recorded
 * (about 0.3 s and 1.6 s for 2 million rows, a month of 50 streams in one-minute segments).
 *
 * <ul>
 *   <li>{@code state_total}: segments per state.
 *   <li>{@code session_total}: per session, its segments, their bytes, and its earliest segment
 *       (start, then path when two start together).
 * </ul>
 *
 * <p>Triggers keep both in the transaction that changes a segment row, so they are as durable as
 * the rows and never drift after a crash. Adding a segment adds it; removing one removes it and,
 * when it was its session's earliest, looks up the next through the session index (a session's
 * rows only, through its index). {@link #fill} computes both from the rows when a catalogue of an
 * earlier version is opened, or when {@link #consistent} finds them wrong at the recorder's start.
 * Idempotent: {@link #create} runs at every open.
 */
final class SummarySchema {
    /** The schema version that brought the totals: a catalogue of an earlier one gets them computed. */
    static final int SINCE_VERSION = 3;

    /**
     * Over a session's rows: its earliest segment's path, by start, then by path, in one pass (a
     * start is never negative, so its zero-padded digits sort as numbers).
     */
    private static final String EARLIEST_PATH = "substr(min(printf('%020d', start_ms) || relative_path), 21)";

    private static final String ADD_STATE = """
            INSERT INTO state_total (state, segments) VALUES (NEW.state, 1)
            ON CONFLICT (state) DO UPDATE SET segments = segments + 1;""";

    private static final String REMOVE_STATE = "UPDATE state_total SET segments = segments - 1 WHERE state = OLD.state;";

    private static final String ADD_TO_SESSION = """
            INSERT INTO session_total (stream, session_start, segments, size_bytes, first_start_ms, first_path)
            VALUES (NEW.stream, NEW.session_start, 1, NEW.size_bytes, NEW.start_ms, NEW.relative_path)
            ON CONFLICT (stream, session_start) DO UPDATE SET
                segments = segments + 1,
                size_bytes = size_bytes + excluded.size_bytes,
                first_path = CASE
                    WHEN excluded.first_start_ms < first_start_ms THEN excluded.first_path
                    WHEN excluded.first_start_ms = first_start_ms THEN min(first_path, excluded.first_path)
                    ELSE first_path END,
                first_start_ms = min(first_start_ms, excluded.first_start_ms);""";

    /**
     * Takes a row's old values out of its session; the session's earliest is looked up again when
     * the row was it (the table already holds the row's new values, or none).
     */
    private static final String REMOVE_FROM_SESSION = """
            UPDATE session_total SET segments = segments - 1, size_bytes = size_bytes - OLD.size_bytes
            WHERE stream = OLD.stream AND session_start = OLD.session_start;
            DELETE FROM session_total WHERE stream = OLD.stream AND session_start = OLD.session_start AND segments <= 0;
            UPDATE session_total SET (first_start_ms, first_path) = (
                SELECT coalesce(min(start_ms), session_total.first_start_ms), coalesce(%s, session_total.first_path)
                FROM segment WHERE stream = OLD.stream AND session_start = OLD.session_start)
            WHERE stream = OLD.stream AND session_start = OLD.session_start AND first_path = OLD.relative_path;"""
            .formatted(EARLIEST_PATH);

    private static final String[] DDL = {
        """
        CREATE TABLE IF NOT EXISTS state_total (
            state           TEXT PRIMARY KEY NOT NULL,
            segments        INTEGER NOT NULL
        ) WITHOUT ROWID""",
        """
        CREATE TABLE IF NOT EXISTS session_total (
            stream          TEXT NOT NULL,
            session_start   INTEGER NOT NULL,
            segments        INTEGER NOT NULL,
            size_bytes      INTEGER NOT NULL,
            first_start_ms  INTEGER NOT NULL,
            first_path      TEXT NOT NULL,
            PRIMARY KEY (stream, session_start)
        ) WITHOUT ROWID""",
        // the newest sessions of all streams, a page at a time
        "CREATE INDEX IF NOT EXISTS session_total_start ON session_total (session_start)",
        "CREATE TRIGGER IF NOT EXISTS segment_added AFTER INSERT ON segment BEGIN " + ADD_STATE + ADD_TO_SESSION + " END",
        "CREATE TRIGGER IF NOT EXISTS segment_removed AFTER DELETE ON segment BEGIN " + REMOVE_STATE
                + REMOVE_FROM_SESSION + " END",
        "CREATE TRIGGER IF NOT EXISTS segment_state_changed AFTER UPDATE OF state ON segment"
                + " WHEN NEW.state IS NOT OLD.state BEGIN " + REMOVE_STATE + ADD_STATE + " END",
        // the requeue writes every column again: only a real change moves the row's share
        "CREATE TRIGGER IF NOT EXISTS segment_moved AFTER UPDATE OF stream, session_start, start_ms, size_bytes ON segment"
                + " WHEN NEW.stream IS NOT OLD.stream OR NEW.session_start IS NOT OLD.session_start"
                + " OR NEW.start_ms IS NOT OLD.start_ms OR NEW.size_bytes IS NOT OLD.size_bytes"
                + " BEGIN " + REMOVE_FROM_SESSION + ADD_TO_SESSION + " END",
    };

    private SummarySchema() {}

    static void create(Statement statement) throws SQLException {
        for (String ddl : DDL) {
            statement.executeUpdate(ddl);
        }
    }

    /**
     * Whether the totals agree with the rows: the segments per state, and their sum per session
     * (one pass over the state index, about 0.15 s per million segments). They always do unless
     * something wrote the database without the triggers; {@link #fill} then repairs them.
     */
    static boolean consistent(Statement statement) throws SQLException {
        String differing = "SELECT count(*) FROM ("
                + "SELECT * FROM (SELECT state, count(*) FROM segment GROUP BY state"
                + " EXCEPT SELECT state, segments FROM state_total WHERE segments <> 0)"
                + " UNION ALL SELECT * FROM (SELECT state, segments FROM state_total WHERE segments <> 0"
                + " EXCEPT SELECT state, count(*) FROM segment GROUP BY state)"
                + " UNION ALL SELECT 'sessions', 0 WHERE (SELECT coalesce(sum(segments), 0) FROM session_total)"
                + " <> (SELECT coalesce(sum(segments), 0) FROM state_total))";
        try (ResultSet rs = statement.executeQuery(differing)) {
            return rs.next() && rs.getLong(1) == 0;
        }
    }

    /** Computes both tables from the segment rows (one pass); in the caller's transaction. */
    static void fill(Statement statement) throws SQLException {
        statement.executeUpdate("DELETE FROM state_total");
        statement.executeUpdate("DELETE FROM session_total");
        statement.executeUpdate("INSERT INTO state_total (state, segments) SELECT state, count(*) FROM segment GROUP BY state");
        statement.executeUpdate("INSERT INTO session_total (stream, session_start, segments, size_bytes, first_start_ms,"
                + " first_path) SELECT stream, session_start, count(*), sum(size_bytes), min(start_ms), " + EARLIEST_PATH
                + " FROM segment GROUP BY stream, session_start");
    }
}
