package io.github.mediamtxvod.catalog;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Opens the catalogue database and keeps its schema current. WAL mode with {@code
 * synchronous=FULL} makes every commit durable before it returns (one fsync of the WAL), and a
 * reader never blocks the writer; the busy timeout lets the clean command work while the
 * recorder runs.
 */
final class CatalogSchema {
    /** 1: segments; 2: playlists and the webhook outbox ({@link PublicationSchema}). */
    static final int VERSION = 2;
    static final int BUSY_TIMEOUT_MILLIS = 15_000;

    private static final String[] DDL = {
        """
        CREATE TABLE IF NOT EXISTS segment (
            relative_path   TEXT PRIMARY KEY NOT NULL,
            stream          TEXT NOT NULL,
            session_start   INTEGER NOT NULL,
            segment_index   INTEGER NOT NULL,
            start_ms        INTEGER NOT NULL,
            duration_ms     INTEGER,
            size_bytes      INTEGER NOT NULL,
            state           TEXT NOT NULL CHECK (state IN
                                ('PENDING','UPLOADING','UPLOADED','LOCAL_DELETED','QUARANTINED')),
            local_present   INTEGER NOT NULL DEFAULT 1,
            attempts        INTEGER NOT NULL DEFAULT 0,
            last_error      TEXT,
            retry_at_ms     INTEGER NOT NULL DEFAULT 0,
            queued_at_ms    INTEGER NOT NULL,
            version         INTEGER NOT NULL DEFAULT 0,
            s3_key          TEXT,
            confirmed_size  INTEGER,
            etag            TEXT,
            checksum        TEXT,
            confirmed_at_ms INTEGER,
            updated_at_ms   INTEGER NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS segment_stream_start ON segment (stream, start_ms)",
        "CREATE INDEX IF NOT EXISTS segment_state_start ON segment (state, start_ms)",
        "CREATE INDEX IF NOT EXISTS segment_start ON segment (start_ms)",
        // covers the playback API's extents query, so /list reads no table row (about a third faster);
        // partial, so no other query (they lack the LIKE term) is planned over this wider index
        "CREATE INDEX IF NOT EXISTS segment_mp4_extent ON segment (stream, start_ms, duration_ms, relative_path)"
                + " WHERE relative_path LIKE '%.mp4'",
        // fragment indexes read for playback (a cache: rows may be missing or outlive their segment)
        """
        CREATE TABLE IF NOT EXISTS fragment_index (
            relative_path   TEXT PRIMARY KEY NOT NULL,
            size_bytes      INTEGER NOT NULL,
            index_bytes     BLOB NOT NULL
        )""",
    };

    private CatalogSchema() {}

    /** The database file below RECORDINGS_DIR. */
    static Path databaseFile(Path recordingsDir) {
        return recordingsDir.resolve(".vod-recorder").resolve("catalog.db");
    }

    static Connection open(Path databaseFile) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        // take the write lock at BEGIN, so two processes never deadlock upgrading a read lock
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl("jdbc:sqlite:" + databaseFile);
        return dataSource.getConnection();
    }

    /** Creates or upgrades the schema; refuses a database written by a newer version. */
    static void migrate(Connection connection, Path databaseFile) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            int found;
            try (java.sql.ResultSet rs = statement.executeQuery("PRAGMA user_version")) {
                found = rs.next() ? rs.getInt(1) : 0;
            }
            if (found > VERSION) {
                throw new SQLException(databaseFile + " has schema version " + found
                        + " but this recorder knows only up to " + VERSION + "; run a newer recorder");
            }
            for (String ddl : DDL) {
                statement.executeUpdate(ddl);
            }
            PublicationSchema.create(statement);
            statement.executeUpdate("PRAGMA user_version = " + VERSION);
        }
    }
}
