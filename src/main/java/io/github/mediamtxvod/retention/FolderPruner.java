package io.github.mediamtxvod.retention;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Removes a session folder once retention deleted its last segment file, then its day and
 * stream folders when they are empty. A session folder goes only when it holds nothing but
 * {@code .session.json}, {@code .segments.csv} and its playlist {@code index.m3u8} and none of
 * its entries changed for a quiet period (so a session FFmpeg is still writing is never
 * touched); any other file keeps it. A day folder holding only its playlist counts as empty.
 * Non-empty folders are never removed: the file system refuses, and that is the guard.
 */
final class FolderPruner {
    /** The HLS playlist of a session or day folder: it only describes the folder's segments. */
    private static final String PLAYLIST = "index.m3u8";
    private static final Set<String> SESSION_BOOKKEEPING = Set.of(".session.json", ".segments.csv", PLAYLIST);

    private final Path recordingsDir;
    private final Duration quietPeriod;

    FolderPruner(Path recordingsDir, Duration quietPeriod) {
        this.recordingsDir = recordingsDir;
        this.quietPeriod = quietPeriod;
    }

    /**
     * Prunes one session folder (relative to RECORDINGS_DIR, '/' separated) and then its day and
     * stream folders when they are empty and quiet. Returns true when nothing is left to do for
     * this session (its folder is gone and each parent is gone or in use), false when a later
     * call should try again.
     */
    boolean pruneSession(String sessionPath, Instant now) throws IOException {
        Path sessionDir = recordingsDir.resolve(sessionPath).normalize();
        if (!sessionDir.startsWith(recordingsDir) || sessionDir.getNameCount() - recordingsDir.getNameCount() != 3) {
            throw new IllegalArgumentException("not a session folder below " + recordingsDir + ": " + sessionPath);
        }
        if (Files.isDirectory(sessionDir) && !removeSession(sessionDir, now)) {
            return false;
        }
        Path dayDir = sessionDir.getParent();
        return removeQuietEmpty(dayDir, now) && removeQuietEmpty(dayDir.getParent(), now);
    }

    private boolean removeSession(Path sessionDir, Instant now) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(sessionDir)) {
            for (Path entry : entries) {
                if (!SESSION_BOOKKEEPING.contains(entry.getFileName().toString()) || isRecent(entry, now)) {
                    return false;
                }
            }
        }
        if (isRecent(sessionDir, now)) {
            return false;
        }
        for (String name : SESSION_BOOKKEEPING) {
            Files.deleteIfExists(sessionDir.resolve(name));
        }
        try {
            Files.delete(sessionDir);
            return true;
        } catch (DirectoryNotEmptyException e) {
            // a file appeared meanwhile: the folder is in use again
            return false;
        }
    }

    /** True when {@code dir} is gone now or holds something (so it stays); false when it must wait. */
    private boolean removeQuietEmpty(Path dir, Instant now) throws IOException {
        if (!Files.isDirectory(dir)) {
            return true;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (!entry.getFileName().toString().equals(PLAYLIST)) {
                    return true;
                }
            }
        }
        // a recorder may have just created it for a new session: leave it a quiet period
        if (isRecent(dir, now)) {
            return false;
        }
        try {
            Files.deleteIfExists(dir.resolve(PLAYLIST));
            Files.delete(dir);
        } catch (DirectoryNotEmptyException | NoSuchFileException e) {
            // in use again, or someone else removed it: either way nothing is left to do
        }
        return true;
    }

    private boolean isRecent(Path path, Instant now) throws IOException {
        Instant modified = Files.getLastModifiedTime(path).toInstant();
        return modified.isAfter(now.minus(quietPeriod));
    }
}
