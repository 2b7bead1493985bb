package io.github.mediamtxvod.catalog;

import java.sql.SQLException;
import java.util.Locale;
import org.sqlite.SQLiteException;

/**
 * The catalogue database could not be read or written. The message names the database file and
 * the operation; the cause is the driver's exception, and {@link #kind()} says what kind of
 * trouble it is, which decides how the catalogue heals (a full disk releases the reserve, a
 * corrupt file is set aside, at start or by the {@link CatalogKeeper} while recording).
 */
public final class CatalogException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, as far as SQLite tells. */
    public enum Kind {
        /** SQLITE_FULL: the disk (or a size limit) is full. */
        FULL,
        /** SQLITE_BUSY or SQLITE_LOCKED: another connection held the lock past the busy timeout. */
        BUSY,
        /** SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_READONLY, SQLITE_PROTOCOL: the file system failed. */
        IO,
        /** SQLITE_CORRUPT or SQLITE_NOTADB: the file is damaged or not a database. */
        CORRUPT,
        /** The catalogue is closed (shutdown) or was never opened. */
        CLOSED,
        /** Anything else (a bug, a constraint). */
        OTHER;

        /** The kind of a driver failure; {@link #CLOSED} without a cause. */
        static Kind of(Throwable cause) {
            if (cause == null) {
                return CLOSED;
            }
            if (!(cause instanceof SQLiteException sqlite) || sqlite.getResultCode() == null) {
                return cause instanceof SQLException && String.valueOf(cause.getMessage())
                        .toLowerCase(Locale.ROOT).contains("closed") ? CLOSED : OTHER;
            }
            String code = sqlite.getResultCode().name();
            if (code.startsWith("SQLITE_FULL")) {
                return FULL;
            }
            if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
                return BUSY;
            }
            if (code.startsWith("SQLITE_IOERR") || code.startsWith("SQLITE_CANTOPEN")
                    || code.startsWith("SQLITE_READONLY") || code.startsWith("SQLITE_PROTOCOL")) {
                return IO;
            }
            if (code.startsWith("SQLITE_CORRUPT") || code.startsWith("SQLITE_NOTADB")) {
                return CORRUPT;
            }
            return OTHER;
        }
    }

    private final Kind kind;

    public CatalogException(String message, Throwable cause) {
        super(message, cause);
        this.kind = Kind.of(cause);
    }

    public Kind kind() {
        return kind;
    }
}
