package io.github.mediamtxvod.catalog;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which catalogue files a write found damaged ({@code SQLITE_CORRUPT}, {@code SQLITE_NOTADB}):
 * every {@link CatalogWriter} of the process reports here, the catalogue's own and those of the
 * stores beside it (playlists, webhooks), whose tables may be the damaged part; the {@link
 * CatalogKeeper} takes the report and sets the file aside. Keyed by the absolute path.
 * Thread-safe.
 */
final class DamageReports {
    private static final Set<Path> DAMAGED = ConcurrentHashMap.newKeySet();

    private DamageReports() {}

    static void report(Path databaseFile) {
        DAMAGED.add(databaseFile.toAbsolutePath().normalize());
    }

    /** Whether a write found the file damaged since the last call; resets. */
    static boolean take(Path databaseFile) {
        return DAMAGED.remove(databaseFile.toAbsolutePath().normalize());
    }
}
