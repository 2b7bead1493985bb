package io.github.mediamtxvod.catalog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The catalogue's one write connection. Every write is a statement or a transaction committed
 * before the call returns (WAL, {@code synchronous=FULL}); a failed transaction is rolled back
 * whole. Synchronised: writes from several threads are serialised.
 */
final class CatalogWriter {
    private final Path databaseFile;
    // @GuardedBy("this")
    private Connection connection;
    // @GuardedBy("this")
    private SegmentUpsert upsert;

    CatalogWriter(Path databaseFile) {
        this.databaseFile = databaseFile;
    }

    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection, SegmentUpsert upsert) throws SQLException;
    }

    synchronized void open() throws IOException, SQLException {
        Files.createDirectories(databaseFile.getParent());
        connection = CatalogSchema.open(databaseFile);
        CatalogSchema.migrate(connection, databaseFile);
        upsert = new SegmentUpsert(connection);
    }

    synchronized <T> T inTransaction(String what, Work<T> work) {
        Connection open = openConnection(what);
        try {
            open.setAutoCommit(false);
            try {
                T result = work.run(open, upsert);
                open.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                open.rollback();
                throw e;
            } finally {
                open.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new CatalogException("catalogue " + databaseFile + ": cannot " + what, e);
        }
    }

    /** One statement, committed on its own. */
    synchronized int update(String what, String sql, Object... parameters) {
        try {
            return execute(openConnection(what), sql, parameters);
        } catch (SQLException e) {
            throw new CatalogException("catalogue " + databaseFile + ": cannot " + what, e);
        }
    }

    synchronized void close() {
        if (connection == null) {
            return;
        }
        try {
            upsert.close();
            connection.close();
        } catch (SQLException e) {
            throw new CatalogException("cannot close catalogue " + databaseFile, e);
        } finally {
            connection = null;
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

    private Connection openConnection(String what) {
        if (connection == null) {
            throw new CatalogException("catalogue " + databaseFile + " is not open: cannot " + what, null);
        }
        return connection;
    }
}
