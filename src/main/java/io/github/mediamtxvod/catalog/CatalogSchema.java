package io.github.mediamtxvod.catalog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Opens the catalogue database and keeps its schema current. WAL mode with {@code
 * synchronous=FULL} makes every commit durable before it returns (one fsync of the WAL), and a
 * reader never blocks the writer; the busy timeout lets the clean command work while the
 * recorder runs. The write-ahead log is checkpointed every {@value #WAL_CHECKPOINT_PAGES} pages
 * and never truncated, so once it has grown to that size it is reused in place: on a full disk
 * the catalogue then needs new space only for new rows.
 */
final class CatalogSchema {
    private static final Logger log = LoggerFactory.getLogger(CatalogSchema.class);

    /**
     * 1: segments; 2: playlists and the webhook outbox ({@link PublicationSchema}); 3: running totals
     * ({@link SummarySchema}).
     */
    static final int VERSION = 3;
    static final Duration BUSY_TIMEOUT = Duration.ofSeconds(15);
    /** About 400 KiB of log: SQLite's default of 1000 pages (4 MiB) would fill a small disk by itself. */
    static final int WAL_CHECKPOINT_PAGES = 100;

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
        // the segments with a local file, which the reconciliation reads every 10 minutes and the
        // fragment indexer at each start: a few days' worth, among every segment ever recorded;
        // partial, so only queries that say local_present = 1 are planned over it
        "CREATE INDEX IF NOT EXISTS segment_local ON segment (start_ms, relative_path) WHERE local_present = 1",
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

    /**
     * What identifies the database file on its file system (device and inode), or null when it is
     * missing or cannot be read: a connection to a file that was since moved aside and replaced
     * goes on with the old file, so its owner compares this with what it opened.
     */
    static Object fileKey(Path databaseFile) {
        try {
            return Files.readAttributes(databaseFile, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    static Connection open(Path databaseFile) throws SQLException {
        return open(databaseFile, BUSY_TIMEOUT, WAL_CHECKPOINT_PAGES);
    }

    static Connection open(Path databaseFile, Duration busyTimeout, int walCheckpointPages) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(Math.toIntExact(busyTimeout.toMillis()));
        config.setWalAutocheckpoint(walCheckpointPages);
        // sorts and temporary indexes in memory: a temporary file could not be written on a full disk
        config.setTempStore(SQLiteConfig.TempStore.MEMORY);
        // take the write lock at BEGIN, so two processes never deadlock upgrading a read lock
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl("jdbc:sqlite:" + databaseFile);
        return dataSource.getConnection();
    }

    /**
     * Opens the database and brings its schema up to date, and with {@code check} also {@link
     * #check checks} it, before anything is written, and its running totals; the connection is
     * closed when that fails.
     */
    static Connection openMigrated(Path databaseFile, Duration busyTimeout, int walCheckpointPages, boolean check)
            throws SQLException {
        Connection connection = open(databaseFile, busyTimeout, walCheckpointPages);
        try {
            if (check) {
                check(connection, databaseFile);
            }
            migrate(connection, databaseFile, check);
            if (check) {
                checkTable(connection, databaseFile);
            }
            return connection;
        } catch (SQLException | RuntimeException e) {
            try {
                connection.close();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /**
     * Creates or upgrades the schema in one transaction on a connection in auto-commit mode;
     * refuses a database written by a newer version. An upgrade to version 3 computes the running
     * totals from the rows (about 1 s per million segments), as does {@code verifyTotals} when it
     * finds them wrong.
     */
    static void migrate(Connection connection, Path databaseFile, boolean verifyTotals) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            // explicit statements: the driver's own transactions begin the next one at each commit
            statement.executeUpdate("BEGIN IMMEDIATE");
            try {
                int found;
                try (ResultSet rs = statement.executeQuery("PRAGMA user_version")) {
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
                SummarySchema.create(statement);
                if (found > 0 && found < SummarySchema.SINCE_VERSION) {
                    log.info("Catalogue {}: computing the running totals of its segments (schema {} to {}), once",
                            databaseFile, found, VERSION);
                    SummarySchema.fill(statement);
                } else if (found == VERSION && verifyTotals && !SummarySchema.consistent(statement)) {
                    log.warn("Catalogue {}: its running totals disagree with its segments; computed again", databaseFile);
                    SummarySchema.fill(statement);
                }
                if (found != VERSION) {
                    statement.executeUpdate("PRAGMA user_version = " + VERSION);
                }
                statement.executeUpdate("COMMIT");
            } catch (SQLException | RuntimeException e) {
                try {
                    statement.executeUpdate("ROLLBACK");
                } catch (SQLException rollingBack) {
                    // SQLite may have rolled back by itself (a full disk, an I/O error)
                    e.addSuppressed(rollingBack);
                }
                throw e;
            }
        }
    }

    /**
     * Throws a {@link CatalogSchema.Unreadable} when the database is damaged ({@code PRAGMA
     * quick_check}, a few milliseconds per thousand rows).
     */
    static void check(Connection connection, Path databaseFile) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("PRAGMA quick_check")) {
            String verdict = rs.next() ? rs.getString(1) : "no answer";
            if (!"ok".equals(verdict)) {
                throw new Unreadable(databaseFile + " fails its integrity check: " + verdict);
            }
        }
    }

    /**
     * Throws a {@link CatalogSchema.Unreadable} when the segment table is not the one this
     * recorder writes (a file overwritten by something else).
     */
    static void checkTable(Connection connection, Path databaseFile) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT " + SegmentRows.COLUMNS + " FROM segment LIMIT 1")) {
            rs.next();
        } catch (SQLException e) {
            throw new Unreadable(databaseFile + " does not hold the recorder's segment table: " + e.getMessage());
        }
    }

    /** The database file is damaged or is not a catalogue; it cannot be used as it is. */
    static final class Unreadable extends SQLException {
        private static final long serialVersionUID = 1L;

        Unreadable(String message) {
            super(message);
        }
    }
}
