package io.github.mediamtxvod.catalog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A pair of connections of its own to the catalogue database, for a store beside {@link Catalog}:
 * a writer (serialised with every other writer by SQLite) and a reader that sees the last commit
 * and never waits for a writer. Opened once, closed once; thread-safe.
 */
final class CatalogConnections implements AutoCloseable {
    private final Path databaseFile;
    private final CatalogWriter writer;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile CatalogQueries reader;
    private volatile Object readerFile;

    CatalogConnections(Path recordingsDir) {
        this.databaseFile = CatalogSchema.databaseFile(recordingsDir);
        this.writer = new CatalogWriter(databaseFile, CatalogSchema.BUSY_TIMEOUT, CatalogSchema.WAL_CHECKPOINT_PAGES);
    }

    /** Opens both (the writer brings the schema up to date first); {@code purpose} names the user in errors. */
    void open(String purpose) {
        open(purpose, true);
    }

    /**
     * As {@link #open(String)}; with {@code syncEachCommit} false the writer's commits are not
     * fsynced ({@code synchronous=NORMAL}, WAL): each survives a crash of the process at once and a
     * power loss as soon as any later commit of another connection is fsynced (it syncs the whole
     * WAL); a power loss can only roll back the last few, in order. For a store whose every write
     * can be lost that way without harm.
     */
    void open(String purpose, boolean syncEachCommit) {
        try {
            Files.createDirectories(databaseFile.getParent());
            Connection connection = CatalogSchema.openMigrated(databaseFile, CatalogSchema.BUSY_TIMEOUT,
                    CatalogSchema.WAL_CHECKPOINT_PAGES, false);
            if (!syncEachCommit) {
                try (Statement statement = connection.createStatement()) {
                    statement.executeUpdate("PRAGMA synchronous = NORMAL");
                } catch (SQLException e) {
                    connection.close();
                    throw e;
                }
            }
            writer.adopt(connection);
            readerFile = CatalogSchema.fileKey(databaseFile);
            reader = new CatalogQueries(CatalogSchema.open(databaseFile));
        } catch (IOException | SQLException e) {
            throw new CatalogException("cannot open catalogue " + databaseFile + " for " + purpose, e);
        }
    }

    CatalogWriter writer() {
        return writer;
    }

    /** The reader; a fresh one when the file at the path is no longer the one it was opened on (replaced). */
    CatalogQueries reader() {
        CatalogQueries current = reader;
        if (current == null) {
            throw new CatalogException("catalogue " + databaseFile + " is not open", null);
        }
        Object now = CatalogSchema.fileKey(databaseFile);
        if (now == null || now.equals(readerFile)) {
            return current;
        }
        synchronized (this) {
            if (reader != current || closed.get()) {
                return reader();
            }
            try {
                reader = new CatalogQueries(CatalogSchema.open(databaseFile));
                readerFile = now;
            } catch (SQLException e) {
                throw new CatalogException("cannot open catalogue " + databaseFile + " again after it was replaced", e);
            }
        }
        current.closeReplaced();
        return reader;
    }

    boolean isClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        CatalogQueries current = reader;
        reader = null;
        try {
            if (current != null) {
                current.close();
            }
        } finally {
            writer.close();
        }
    }
}
