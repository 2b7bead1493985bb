package io.github.mediamtxvod.retention;

import io.github.mediamtxvod.catalog.Catalog;
import io.github.mediamtxvod.catalog.CatalogException;
import io.github.mediamtxvod.catalog.Entry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code clean DAYS [--include-unuploaded]} command: deletes the local files of segments
 * that started more than DAYS days ago and are confirmed in S3; with {@code
 * --include-unuploaded} also those S3 has not confirmed (after a warning: they are lost for
 * good). Prints each deleted file and the space freed. Safe while the recorder runs: it goes
 * through the same catalogue (SQLite WAL, busy timeout) and the same checks as retention, and
 * never touches a file changed in the last minute.
 */
public final class CleanCommand {
    static final String USAGE = "Usage: clean DAYS [--include-unuploaded]\n"
            + "  Deletes local recordings older than DAYS days (0..36500) that are confirmed in S3.\n"
            + "  --include-unuploaded  also delete those NOT confirmed in S3 (they are lost for good)";
    private static final Duration STILL_WRITTEN = Duration.ofMinutes(1);
    private static final int MAX_DAYS = 36_500;

    private final Catalog catalog;
    private final InstantSource clock;
    private final PrintStream out;
    private final Set<String> sessions = new LinkedHashSet<>();
    private int deleted;
    private long freed;

    private CleanCommand(Catalog catalog, InstantSource clock, PrintStream out) {
        this.catalog = catalog;
        this.clock = clock;
        this.out = out;
    }

    /** Exit code 0 on success, 1 when cleaning failed, 2 on bad arguments (usage printed). */
    public static int run(Path recordingsDir, List<String> args, PrintStream out, PrintStream err) {
        return run(recordingsDir, args, out, err, InstantSource.system());
    }

    static int run(Path recordingsDir, List<String> args, PrintStream out, PrintStream err, InstantSource clock) {
        Integer days = null;
        boolean includeUnuploaded = false;
        for (String arg : args) {
            if (arg.equals("--include-unuploaded") && !includeUnuploaded) {
                includeUnuploaded = true;
            } else if (days == null && arg.matches("\\d{1,5}") && Integer.parseInt(arg) <= MAX_DAYS) {
                days = Integer.parseInt(arg);
            } else {
                err.println("clean: unexpected argument '" + arg + "'");
                err.println(USAGE);
                return 2;
            }
        }
        if (days == null) {
            err.println("clean: DAYS is missing");
            err.println(USAGE);
            return 2;
        }
        if (!Files.isDirectory(recordingsDir)) {
            out.println("Nothing to clean: " + recordingsDir + " does not exist");
            return 0;
        }
        if (includeUnuploaded) {
            err.println("WARNING: --include-unuploaded deletes recordings that are NOT confirmed in S3;"
                    + " they are lost for good.");
        }
        try (Catalog catalog = new Catalog(recordingsDir, clock)) {
            catalog.startBeside();
            new CleanCommand(catalog, clock, out).clean(days, includeUnuploaded);
            return 0;
        } catch (IOException | CatalogException e) {
            err.println("clean failed: " + e.getMessage());
            return 1;
        }
    }

    private void clean(int days, boolean includeUnuploaded) throws IOException {
        Instant now = clock.instant();
        Instant cutoff = now.minus(Duration.ofDays(days));
        LocalDeleter deleter = new LocalDeleter(catalog);
        int skipped = 0;
        for (Entry segment : catalog.uploadedStartingBefore(cutoff, Integer.MAX_VALUE)) {
            if (isStillWritten(segment, now)) {
                skipped++;
                continue;
            }
            report(segment, deleter.deleteConfirmed(segment), "");
        }
        List<Entry> unconfirmed = catalog.unconfirmedStartingBefore(cutoff, Integer.MAX_VALUE);
        if (includeUnuploaded) {
            for (Entry segment : unconfirmed) {
                if (isStillWritten(segment, now)) {
                    skipped++;
                    continue;
                }
                report(segment, deleter.deleteUnconfirmed(segment), " (NOT in S3)");
            }
        }
        FolderPruner pruner = new FolderPruner(catalog.recordingsDir(), RetentionJanitor.FOLDER_QUIET_PERIOD);
        for (String session : sessions) {
            pruner.pruneSession(session, now);
        }
        out.printf(Locale.ROOT, "Deleted %d files, %d bytes (%.1f MB) freed.%n", deleted, freed, freed / (1024.0 * 1024.0));
        if (!includeUnuploaded && !unconfirmed.isEmpty()) {
            out.println("Kept " + unconfirmed.size() + " files older than " + days + " days that are not confirmed"
                    + " in S3 (yet); --include-unuploaded deletes them too.");
        }
        if (skipped > 0) {
            out.println("Skipped " + skipped + " files changed in the last minute (still being written).");
        }
    }

    private boolean isStillWritten(Entry segment, Instant now) throws IOException {
        Path file = catalog.localFile(segment);
        return Files.exists(file) && Files.getLastModifiedTime(file).toInstant().isAfter(now.minus(STILL_WRITTEN));
    }

    private void report(Entry segment, long bytes, String note) {
        sessions.add(segment.segment().sessionPath());
        if (bytes > 0) {
            deleted++;
            freed += bytes;
            out.println("deleted " + segment.relativePath() + " (" + bytes + " bytes)" + note);
        }
    }
}
