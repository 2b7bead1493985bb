package io.github.mediamtxvod.catalog;

import java.sql.SQLException;
import java.sql.Statement;

/**
 * The tables behind HLS playlists and webhooks (schema version 2), next to the {@code segment}
 * table they describe:
 *
 * <ul>
 *   <li>{@code segment_media}: what a playlist needs to know of a segment file and can only read
 *       from the file itself (init section length, length of its complete fragments, media
 *       duration), read once while the local file exists.
 *   <li>{@code recording_session} and {@code day_playlist}: one row per session and per stream and
 *       UTC day; a playlist is out of date while {@code generation > published_generation}.
 *   <li>{@code webhook_event}: the webhook outbox, in delivery order ({@code seq}) per stream.
 * </ul>
 *
 * <p>The trigger {@code playlist_segment_settled} makes a session's playlist out of date in the same
 * transaction in which one of its segments is confirmed in S3 or quarantined, so no confirmation
 * is ever missed, whatever happens after the commit. Idempotent: runs at every open.
 */
final class PublicationSchema {
    static final String SESSION_TABLE = "recording_session";

    private static final String[] DDL = {
        """
        CREATE TABLE IF NOT EXISTS segment_media (
            relative_path   TEXT PRIMARY KEY NOT NULL,
            size_bytes      INTEGER NOT NULL,
            init_length     INTEGER NOT NULL,
            media_length    INTEGER NOT NULL,
            duration_us     INTEGER NOT NULL
        )""",
        """
        CREATE TABLE IF NOT EXISTS recording_session (
            stream               TEXT NOT NULL,
            session_start        INTEGER NOT NULL,
            ended                INTEGER NOT NULL DEFAULT 0,
            generation           INTEGER NOT NULL DEFAULT 1,
            published_generation INTEGER NOT NULL DEFAULT 0,
            published_sha256     TEXT,
            final                INTEGER NOT NULL DEFAULT 0,
            finished_logged      INTEGER NOT NULL DEFAULT 0,
            last_error           TEXT,
            updated_at_ms        INTEGER NOT NULL,
            PRIMARY KEY (stream, session_start)
        )""",
        """
        CREATE TABLE IF NOT EXISTS day_playlist (
            stream               TEXT NOT NULL,
            day                  TEXT NOT NULL,
            generation           INTEGER NOT NULL DEFAULT 1,
            published_generation INTEGER NOT NULL DEFAULT 0,
            published_sha256     TEXT,
            final                INTEGER NOT NULL DEFAULT 0,
            last_error           TEXT,
            updated_at_ms        INTEGER NOT NULL,
            PRIMARY KEY (stream, day)
        )""",
        """
        CREATE TABLE IF NOT EXISTS webhook_event (
            seq             INTEGER PRIMARY KEY AUTOINCREMENT,
            id              TEXT NOT NULL,
            type            TEXT NOT NULL,
            stream          TEXT NOT NULL,
            session_start   INTEGER NOT NULL,
            relative_path   TEXT NOT NULL,
            segment_index   INTEGER,
            start_ms        INTEGER NOT NULL,
            end_ms          INTEGER,
            duration_ms     INTEGER,
            segments        INTEGER,
            missing         INTEGER,
            size_bytes      INTEGER,
            s3_key          TEXT,
            etag            TEXT,
            checksum        TEXT,
            playlist        TEXT,
            created_at_ms   INTEGER NOT NULL,
            body            TEXT,
            attempts        INTEGER NOT NULL DEFAULT 0,
            retry_at_ms     INTEGER NOT NULL DEFAULT 0,
            last_error      TEXT
        )""",
        "CREATE INDEX IF NOT EXISTS webhook_event_stream ON webhook_event (stream, seq)",
        "CREATE INDEX IF NOT EXISTS segment_stream_session ON segment (stream, session_start, segment_index)",
        // partial indexes: the out-of-date rows are found without reading every session ever recorded
        "CREATE INDEX IF NOT EXISTS recording_session_dirty ON recording_session (stream, session_start)"
                + " WHERE generation > published_generation",
        "CREATE INDEX IF NOT EXISTS day_playlist_dirty ON day_playlist (stream, day) WHERE generation > published_generation",
        """
        CREATE TRIGGER IF NOT EXISTS playlist_segment_settled AFTER UPDATE OF state ON segment
        WHEN NEW.state <> OLD.state AND NEW.state IN ('UPLOADED', 'QUARANTINED')
        BEGIN
            INSERT INTO recording_session (stream, session_start, updated_at_ms)
            VALUES (NEW.stream, NEW.session_start, NEW.updated_at_ms)
            ON CONFLICT (stream, session_start)
            DO UPDATE SET generation = generation + 1, updated_at_ms = excluded.updated_at_ms;
        END""",
    };

    private PublicationSchema() {}

    static void create(Statement statement) throws SQLException {
        for (String ddl : DDL) {
            statement.executeUpdate(ddl);
        }
    }
}
