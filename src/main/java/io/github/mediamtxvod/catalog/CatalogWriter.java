package io.github.mediamtxvod.catalog;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The catalogue's one write connection. Every write is a statement or a transaction committed
 * before the call returns (WAL, {@code synchronous=FULL}); a failed transaction is rolled back
 * whole. Synchronised: writes from several threads are serialised.
 *
 * <p>A connection that failed a write is closed and the next write opens a fresh one. After
 * SQLITE_FULL or an I/O error SQLite may already have rolled the transaction back on its own, so
 * the driver's idea of the transaction no longer matches SQLite's ("cannot commit - no
 * transaction is active"); a new connection has no such history. The first failure is the one
 * reported; a failing rollback is attached to it as suppressed.
 */
final class CatalogWriter {
    private final Path databaseFile;
    private final Duration busyTimeout;
    private final int walCheckpointPages;
    // @GuardedBy("this")
    private Connection connection;
    // @GuardedBy("this")
    private SegmentUpsert upsert;
    // @GuardedBy("this")
    private boolean closed;
    /** The identity of the file the connection was opened on ({@link CatalogSchema#fileKey}). */
    // @GuardedBy("this")
    private Object openedFile;

    CatalogWriter(Path databaseFile, Duration busyTimeout, int walCheckpointPages) {
        this.databaseFile = databaseFile;
        this.busyTimeout = busyTimeout;
        this.walCheckpointPages = walCheckpointPages;
    }

    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection, SegmentUpsert upsert) throws SQLException;
    }

    /** Takes over a connection opened (and migrated) at start. */
    synchronized void adopt(Connection opened) throws SQLException {
        connection = opened;
        openedFile = CatalogSchema.fileKey(databaseFile);
        upsert = new SegmentUpsert(opened);
        closed = false;
    }

    /** Opens the connection a writer takes over (a checked and migrated one). */
    @FunctionalInterface
    interface Opener {
        Connection open() throws IOException, SQLException;
    }

    /**
     * Closes the connection and takes over the one {@code opener} opens in its place, while
     * every write waits: the opener may move the database file aside. When the opener fails the
     * next write opens a fresh connection, as after any failure.
     */
    synchronized void replace(Opener opener) throws IOException, SQLException {
        if (closed) {
            throw new CatalogException("catalogue " + databaseFile + " is not open (closed): cannot replace it", null);
        }
        if (connection != null) {
            // what closing it throws is of no use: the file is being replaced
            discard(connection, new SQLException("closing the connection to " + databaseFile));
        }
        adopt(opener.open());
    }

    synchronized <T> T inTransaction(String what, Work<T> work) {
        Connection open = connection(what);
        try {
            open.setAutoCommit(false);
            T result = work.run(open, upsert);
            open.commit();
            open.setAutoCommit(true);
            return result;
        } catch (SQLException e) {
            discard(open, e);
            throw failed("catalogue " + databaseFile + ": cannot " + what, e);
        } catch (RuntimeException e) {
            discard(open, e);
            throw e;
        }
    }

    /** One statement, committed on its own. */
    synchronized int update(String what, String sql, Object... parameters) {
        Connection open = connection(what);
        try {
            return execute(open, sql, parameters);
        } catch (SQLException e) {
            discard(open, e);
            throw failed("catalogue " + databaseFile + ": cannot " + what, e);
        }
    }

    synchronized void close() {
        closed = true;
        Connection open = connection;
        if (open == null) {
            return;
        }
        connection = null;
        try {
            upsert.close();
            open.close();
        } catch (SQLException e) {
            throw new CatalogException("cannot close catalogue " + databaseFile, e);
        } finally {
            upsert = null;
        }
    }

    static int execute(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement.executeUpdate();
        }
    }

    /**
     * The open connection, opening a fresh one after a failure, and when the file at the path is
     * no longer the one it was opened on (set aside as damaged, and replaced).
     */
    private Connection connection(String what) {
        if (closed) {
            throw new CatalogException("catalogue " + databaseFile + " is not open (closed): cannot " + what, null);
        }
        if (connection != null && replaced()) {
            discard(connection, new SQLException("the database file " + databaseFile + " was replaced"));
        }
        if (connection == null) {
            Connection fresh = null;
            try {
                fresh = CatalogSchema.open(databaseFile, busyTimeout, walCheckpointPages);
                upsert = new SegmentUpsert(fresh);
                connection = fresh;
                openedFile = CatalogSchema.fileKey(databaseFile);
            } catch (SQLException e) {
                closeQuietly(fresh, e);
                throw failed("catalogue " + databaseFile + ": cannot reopen to " + what, e);
            }
        }
        return connection;
    }

    /** The failure to throw; a damaged file is reported ({@link DamageReports}). */
    private CatalogException failed(String message, SQLException cause) {
        CatalogException failure = new CatalogException(message, cause);
        if (failure.kind() == CatalogException.Kind.CORRUPT) {
            DamageReports.report(databaseFile);
        }
        return failure;
    }

    /** Whether another file is at the path now; a missing one is not taken for that (it is being replaced). */
    private boolean replaced() {
        Object now = CatalogSchema.fileKey(databaseFile);
        return now != null && openedFile != null && !now.equals(openedFile);
    }

    /** Rolls back what may be left of the transaction and drops the connection. */
    private void discard(Connection failed, Exception failure) {
        try {
            if (!failed.getAutoCommit()) {
                failed.rollback();
            }
        } catch (SQLException rollback) {
            failure.addSuppressed(rollback);
        }
        try {
            upsert.close();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
        closeQuietly(failed, failure);
        connection = null;
        upsert = null;
    }

    private static void closeQuietly(Connection connection, Exception failure) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }
}
