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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the catalogue in line with the files on disk, which are the truth: every segment file
 * of every session folder ({@code <stream>/<day>/<session>/}) that the catalogue does not know,
 * or knows with another size, is recorded as PENDING; a catalogued file that is gone is
 * LOCAL_DELETED when S3 confirmed it, else QUARANTINED (kept, with the expected size, for a
 * human). Must run while no FFmpeg writes into RECORDINGS_DIR: every file found counts as
 * finished.
 */
final class DiskReconciler {
    private static final Logger log = LoggerFactory.getLogger(DiskReconciler.class);
    private static final int MAX_LOGGED_ENTRIES = 20;

    private final Catalog catalog;
    private int unreadableSessions;

    DiskReconciler(Catalog catalog) {
        this.catalog = catalog;
    }

    ReconcileReport reconcile() {
        List<Segment> onDisk = scanDisk(catalog.recordingsDir());
        Map<String, Entry> known = new HashMap<>();
        for (Entry segment : catalog.allSegments()) {
            known.put(segment.relativePath(), segment);
        }
        List<Segment> toRecord = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Segment file : onDisk) {
            seen.add(file.relativePath());
            if (needsWrite(known.get(file.relativePath()), file)) {
                toRecord.add(file);
            }
        }
        catalog.recordAllFinished(toRecord);
        int gone = 0;
        int quarantined = 0;
        for (Entry segment : known.values()) {
            if (!segment.localPresent() || seen.contains(segment.relativePath())) {
                continue;
            }
            switch (segment.state()) {
                case UPLOADED -> gone += catalog.markLocalDeleted(segment) ? 1 : 0;
                case PENDING, UPLOADING -> {
                    String reason = "local file missing before upload: expected " + segment.segment().sizeBytes()
                            + " bytes at " + catalog.localFile(segment);
                    if (quarantined++ < MAX_LOGGED_ENTRIES) {
                        log.error("{} - {}; the entry is quarantined", segment.relativePath(), reason);
                    }
                    catalog.quarantine(segment, reason, false);
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
        return new ReconcileReport(onDisk.size(), toRecord.size(), gone, quarantined, unreadableSessions);
    }

    private static boolean needsWrite(Entry existing, Segment file) {
        if (SegmentUpsert.decide(existing, file.sizeBytes()) != SegmentUpsert.Action.REFRESH) {
            return true;
        }
        return !existing.localPresent()
                || existing.state() == SegmentState.LOCAL_DELETED
                || (existing.segment().duration() == null && file.duration() != null);
    }

    private List<Segment> scanDisk(Path recordingsDir) {
        List<Segment> found = new ArrayList<>();
        for (Path streamDir : subfolders(recordingsDir)) {
            for (Path dayDir : subfolders(streamDir)) {
                for (Path sessionDir : subfolders(dayDir)) {
                    try {
                        found.addAll(SessionFiles.scan(recordingsDir, sessionDir));
                    } catch (IOException | RuntimeException e) {
                        unreadableSessions++;
                        log.warn("{} - cannot read session folder, its files stay as they are: {}", sessionDir, e.toString());
                    }
                }
            }
        }
        return found;
    }

    /** Subfolders, skipping hidden ones such as {@code .vod-recorder}. */
    private List<Path> subfolders(Path dir) {
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
            unreadableSessions++;
            log.warn("{} - cannot list folder, its files stay as they are: {}", dir, e.toString());
        }
        result.sort(null);
        return result;
    }
}
