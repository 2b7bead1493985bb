package io.github.mediamtxvod.catalog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the catalogue at start. A database that cannot be read (damaged pages, a file that is not
 * SQLite, a foreign table) is moved aside, whole, into {@code .vod-recorder/corrupt-<UTC time>/}
 * (kept for inspection, named in one ERROR line) and a new, empty one takes its place: the
 * segment files are the truth and the catalogue is rebuilt from them. A database written by a
 * newer recorder is not damaged and is refused. While the recorder runs, the keeper replaces a
 * database a write found damaged the same way ({@link #unreadable}, {@link #replace}).
 */
final class CatalogOpener {
    private static final Logger log = LoggerFactory.getLogger(CatalogOpener.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final List<String> SIDE_FILES = List.of("-wal", "-shm");

    /**
     * An open, checked write connection.
     *
     * @param created the database did not exist before (first start, deleted, or moved aside)
     * @param movedAside the folder an unreadable database was moved to, or null
     */
    record Opened(Connection connection, boolean created, Path movedAside) {}

    private CatalogOpener() {}

    /**
     * Opens the database; with {@code setAsideUnreadable} (the recorder) an unreadable one is
     * moved aside and replaced, without it (a command beside a running recorder) the failure is
     * thrown. The write-ahead log and its index are created at open: when that fails, the reserve
     * is released (a full disk) and the open tried once more.
     */
    static Opened open(Path databaseFile, CatalogTuning tuning, Instant now, boolean setAsideUnreadable,
            CatalogReserve reserve) throws IOException, SQLException {
        try {
            return open(databaseFile, tuning, now, setAsideUnreadable);
        } catch (IOException | SQLException e) {
            if (e instanceof SQLException sql && unreadable(sql) || !reserve.release()) {
                throw e;
            }
            return open(databaseFile, tuning, now, setAsideUnreadable);
        }
    }

    private static Opened open(Path databaseFile, CatalogTuning tuning, Instant now, boolean setAsideUnreadable)
            throws IOException, SQLException {
        Files.createDirectories(databaseFile.getParent());
        boolean existed = Files.exists(databaseFile);
        try {
            return new Opened(openChecked(databaseFile, tuning), !existed, null);
        } catch (SQLException e) {
            if (!setAsideUnreadable || !unreadable(e)) {
                throw e;
            }
            Path aside = moveAside(databaseFile, now);
            log.error("Catalogue {} cannot be read ({}); moved aside to {} and rebuilt from the segment files on disk,"
                    + " while recording goes on", databaseFile, e.getMessage(), aside);
            return new Opened(openChecked(databaseFile, tuning), true, aside);
        }
    }

    /**
     * Why the database cannot be used as it is (the check at start: SQLite's quick check and the
     * segment table), on a connection of its own; null when it can.
     *
     * @throws SQLException when it cannot be checked (locked, an I/O error)
     */
    static String unreadable(Path databaseFile, CatalogTuning tuning) throws SQLException {
        try (Connection connection = CatalogSchema.open(databaseFile, tuning.busyTimeout(), tuning.walCheckpointPages())) {
            CatalogSchema.check(connection, databaseFile);
            CatalogSchema.checkTable(connection, databaseFile);
            return null;
        } catch (SQLException e) {
            if (unreadable(e)) {
                return e.getMessage();
            }
            throw e;
        }
    }

    /**
     * Moves the database aside (one ERROR line with the reason): for a file found unreadable while
     * the recorder runs, or whose writes SQLite keeps answering as damaged although it passed its
     * check (an index that disagrees with its table passes a quick check). Returns the folder.
     */
    static Path setAside(Path databaseFile, Instant now, String reason) throws IOException {
        Path aside = moveAside(databaseFile, now);
        log.error("Catalogue {} is damaged ({}); moved aside to {} and rebuilt from the segment files on disk, while"
                + " recording goes on", databaseFile, reason, aside);
        return aside;
    }

    /**
     * Opens (creating or completing) the database at the path with its whole schema; when that
     * fails, the reserve is released (a full disk) and the open tried once more.
     */
    static Connection openNew(Path databaseFile, CatalogTuning tuning, CatalogReserve reserve) throws SQLException {
        try {
            return openChecked(databaseFile, tuning);
        } catch (SQLException e) {
            if (unreadable(e) || !reserve.release()) {
                throw e;
            }
            return openChecked(databaseFile, tuning);
        }
    }

    private static Connection openChecked(Path databaseFile, CatalogTuning tuning) throws SQLException {
        return CatalogSchema.openMigrated(databaseFile, tuning.busyTimeout(), tuning.walCheckpointPages(), true);
    }

    static boolean unreadable(SQLException e) {
        return e instanceof CatalogSchema.Unreadable || CatalogException.Kind.of(e) == CatalogException.Kind.CORRUPT;
    }

    /** Moves the database and its log files into a new folder beside it; returns the folder. */
    private static Path moveAside(Path databaseFile, Instant now) throws IOException {
        Path folder = databaseFile.resolveSibling("corrupt-" + STAMP.format(now));
        for (int n = 2; Files.exists(folder); n++) {
            folder = databaseFile.resolveSibling("corrupt-" + STAMP.format(now) + "-" + n);
        }
        Files.createDirectory(folder);
        List<Path> files = new ArrayList<>();
        files.add(databaseFile);
        for (String suffix : SIDE_FILES) {
            files.add(databaseFile.resolveSibling(databaseFile.getFileName() + suffix));
        }
        for (Path file : files) {
            if (Files.exists(file)) {
                Files.move(file, folder.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        return folder;
    }
}
