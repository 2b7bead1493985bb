package io.github.mediamtxvod.catalog;

import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.recording.SessionFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the catalogue in line with the files on disk, which are the truth: every segment file
 * of a session folder ({@code <stream>/<day>/<session>/}) that the catalogue does not know, or
 * knows with another size, is recorded as PENDING; a catalogued file that is gone is
 * LOCAL_DELETED when S3 confirmed it. The folders are read with {@link SessionFiles#scan}, which
 * makes every file the catalogue does not hold with its size decode cleanly first (it trims and
 * repairs timing), so it never looks into a session FFmpeg may still write; a file handed on
 * before is left byte for byte as it is.
 *
 * <p>{@link Mode#START} runs while no FFmpeg writes into the folders it scans: every file found
 * counts as finished (the one a crash cut off too), and an unconfirmed entry whose file is gone
 * is QUARANTINED (kept, with the expected size, for a human). {@link Mode#RUNNING} runs beside
 * the recording: a session the recording stage calls active is left out whole (its recorder hands
 * its segments on itself), and a missing unconfirmed file is left to the upload stage, which
 * retries before it quarantines.
 */
final class DiskReconciler {
    private static final Logger log = LoggerFactory.getLogger(DiskReconciler.class);
    private static final int MAX_LOGGED_ENTRIES = 20;

    enum Mode { START, RUNNING }

    private final Catalog catalog;
    private final Mode mode;
    private final Predicate<String> activeSession;
    private final Set<String> unknownSessions = new HashSet<>();
    private int unreadableSessions;

    /**
     * @param activeSession whether FFmpeg may still write into a session folder (relative path,
     *     '/' separated); only asked in RUNNING mode
     */
    DiskReconciler(Catalog catalog, Mode mode, Predicate<String> activeSession) {
        this.catalog = catalog;
        this.mode = mode;
        this.activeSession = activeSession;
    }

    /** Reconciles every session folder on disk and every catalogue entry with a local file. */
    ReconcileReport reconcile() {
        return reconcile(sessionFolders(catalog.recordingsDir()), null);
    }

    /**
     * Reconciles the given session folders, and of the catalogue entries only those in {@code
     * scope} (relative session paths), or all when {@code scope} is null.
     */
    ReconcileReport reconcile(List<Path> sessionDirs, Set<String> scope) {
        Map<String, Entry> known = new HashMap<>();
        for (Entry segment : catalog.localSegments()) {
            if (scope == null || scope.contains(segment.segment().sessionPath())) {
                known.put(segment.relativePath(), segment);
            }
        }
        List<Segment> onDisk = scan(sessionDirs, known);
        List<Segment> toRecord = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Segment file : onDisk) {
            seen.add(file.relativePath());
            Entry existing = known.get(file.relativePath());
            if (existing == null) {
                unknownSessions.add(file.sessionPath());
            }
            if (needsWrite(existing, file)) {
                toRecord.add(file);
            }
        }
        catalog.recordAllFinished(toRecord);
        int[] goneAndQuarantined = markGone(known, seen);
        return new ReconcileReport(onDisk.size(), toRecord.size(), goneAndQuarantined[0], goneAndQuarantined[1],
                unreadableSessions);
    }

    /** Session folders holding files the catalogue did not know (they may be in S3 already). */
    Set<String> unknownSessions() {
        return unknownSessions;
    }

    private int[] markGone(Map<String, Entry> known, Set<String> seen) {
        int gone = 0;
        int quarantined = 0;
        for (Entry segment : known.values()) {
            Path file = catalog.localFile(segment);
            // a file a RUNNING scan left out (in an active session) is still there
            if (seen.contains(segment.relativePath()) || Files.exists(file)) {
                continue;
            }
            switch (segment.state()) {
                case UPLOADED -> gone += catalog.markLocalDeleted(segment) ? 1 : 0;
                case PENDING, UPLOADING -> {
                    if (mode == Mode.START) {
                        String reason = "local file missing before upload: expected " + segment.segment().sizeBytes()
                                + " bytes at " + file;
                        if (quarantined++ < MAX_LOGGED_ENTRIES) {
                            log.error("{} - {}; the entry is quarantined", segment.relativePath(), reason);
                        }
                        catalog.quarantine(segment, reason, false);
                    }
                }
                case LOCAL_DELETED, QUARANTINED -> {
                    // nothing to change: already recorded as without a usable local file
                }
            }
        }
        if (quarantined > MAX_LOGGED_ENTRIES) {
            log.error("{} more catalogue entries quarantined because their files are missing",
                    quarantined - MAX_LOGGED_ENTRIES);
        }
        return new int[] {gone, quarantined};
    }

    private static boolean needsWrite(Entry existing, Segment file) {
        if (SegmentUpsert.decide(existing, file.sizeBytes()) != SegmentUpsert.Action.REFRESH) {
            return true;
        }
        return !existing.localPresent()
                || existing.state() == SegmentState.LOCAL_DELETED
                || (existing.segment().duration() == null && file.duration() != null);
    }

    /**
     * The segments of the folders. A file the catalogue holds with its size was settled before it
     * was handed on and is not touched again (its copy in S3 is byte for byte the file).
     */
    private List<Segment> scan(List<Path> sessionDirs, Map<String, Entry> known) {
        Path recordingsDir = catalog.recordingsDir();
        List<Segment> found = new ArrayList<>();
        for (Path sessionDir : sessionDirs) {
            if (mode == Mode.RUNNING && activeSession.test(relative(recordingsDir, sessionDir))) {
                continue;
            }
            try {
                found.addAll(SessionFiles.scan(recordingsDir, sessionDir, (relativePath, size) -> {
                    Entry entry = known.get(relativePath);
                    return entry != null && entry.segment().sizeBytes() == size;
                }));
            } catch (IOException | RuntimeException e) {
                unreadableSessions++;
                log.warn("{} - cannot read session folder, its files stay as they are: {}", sessionDir, e.toString());
            }
        }
        return found;
    }

    static String relative(Path recordingsDir, Path sessionDir) {
        return recordingsDir.relativize(sessionDir).toString().replace('\\', '/');
    }

    /** Every session folder below RECORDINGS_DIR ({@code <stream>/<day>/<session>}), sorted. */
    static List<Path> sessionFolders(Path recordingsDir) {
        List<Path> sessions = new ArrayList<>();
        for (Path streamDir : subfolders(recordingsDir)) {
            for (Path dayDir : subfolders(streamDir)) {
                sessions.addAll(subfolders(dayDir));
            }
        }
        return sessions;
    }

    /** Subfolders, skipping hidden ones such as {@code .vod-recorder}. */
    private static List<Path> subfolders(Path dir) {
        List<Path> result = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return result;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (!entry.getFileName().toString().startsWith(".") && Files.isDirectory(entry)) {
                    result.add(entry);
                }
            }
        } catch (IOException e) {
            log.warn("{} - cannot list folder, its files stay as they are: {}", dir, e.toString());
        }
        result.sort(null);
        return result;
    }
}
