package io.github.mediamtxvod.catalog;

import io.github.mediamtxvod.runtime.Durations;
import io.github.mediamtxvod.runtime.TransitionLog;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The catalogue's start: the reconciliation with the disk before recording begins, the wait for
 * a RECORDINGS_DIR that looks unmounted, and the rebuild of a catalogue that was set aside, which
 * runs later on the keeper's thread over the session folders found at start (no FFmpeg of this
 * recorder ever writes into those). Thread-safe.
 */
final class CatalogStartup {
    private static final Logger log = LoggerFactory.getLogger(CatalogStartup.class);

    private final Catalog catalog;
    private final CatalogTuning tuning;
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile Path movedAside;
    private volatile Instant openedAt;
    private volatile List<Path> rebuildSessions;
    /** The rebuild follows a database set aside while recording: it ends only the sessions it rebuilds. */
    private volatile boolean rebuildWhileRecording;

    CatalogStartup(Catalog catalog, CatalogTuning tuning) {
        this.catalog = catalog;
        this.tuning = tuning;
    }

    void opened(CatalogOpener.Opened opened, Instant now) {
        movedAside = opened.movedAside();
        openedAt = now;
    }

    ReconcileReport reconcile() {
        Path recordingsDir = catalog.recordingsDir();
        if (movedAside != null) {
            List<Path> sessions = DiskReconciler.sessionFolders(recordingsDir);
            catalog.addFoundWithoutRecord(relative(sessions));
            rebuildSessions = sessions;
            log.info("Catalogue: the {} session folders on disk are catalogued again in the background; recording"
                    + " starts now", sessions.size());
            return new ReconcileReport(0, 0, 0, 0, 0);
        }
        awaitMounted(recordingsDir);
        int interrupted = 0;
        try {
            interrupted = catalog.requeueInterrupted();
        } catch (CatalogException e) {
            rethrowIfClosed(e);
            catalog.wantRequeue();
        }
        DiskReconciler reconciler = new DiskReconciler(catalog, DiskReconciler.Mode.START, path -> false);
        ReconcileReport report;
        try {
            report = reconciler.reconcile();
        } catch (CatalogException e) {
            rethrowIfClosed(e);
            catalog.wantReconcile();
            log.warn("Catalogue: the scan of the disk at start could not be recorded; it is repeated in the background"
                    + " and recording starts now");
            return new ReconcileReport(0, 0, 0, 0, 0);
        } finally {
            catalog.addFoundWithoutRecord(reconciler.unknownSessions());
        }
        log.info("Catalogue ready: {} segment files on disk, {} newly queued or changed, {} interrupted uploads"
                        + " queued again, {} confirmed files gone, {} quarantined", report.filesOnDisk(), report.recorded(),
                interrupted, report.goneAfterUpload(), report.quarantined());
        return report;
    }

    /**
     * The database was set aside while recording: the keeper catalogues these session folders
     * again, which no FFmpeg writes into any more, and ends only their sessions (the ones being
     * recorded go on).
     */
    void rebuildAfterDamage(List<Path> sessionsOver) {
        rebuildWhileRecording = true;
        rebuildSessions = List.copyOf(sessionsOver);
    }

    /** Whether a catalogue set aside at start still waits to be rebuilt from the disk. */
    boolean rebuildPending() {
        return rebuildSessions != null;
    }

    /** Rebuilds from the session folders found at start; a failed write leaves it pending. */
    void rebuild() {
        List<Path> sessions = rebuildSessions;
        if (sessions == null) {
            return;
        }
        DiskReconciler reconciler = new DiskReconciler(catalog, DiskReconciler.Mode.START, path -> false);
        ReconcileReport report = reconciler.reconcile(sessions, relative(sessions));
        if (rebuildWhileRecording) {
            catalog.endSessionsIn(relative(sessions));
        } else {
            // the sessions found at start are over: their playlists are completed as after a normal start
            catalog.endSessionsBefore(openedAt);
        }
        rebuildSessions = null;
        log.info("Catalogue rebuilt from the disk: {} segment files in {} session folders, {} queued for upload;"
                + " S3 is asked before each of them is uploaded, so nothing is uploaded twice", report.filesOnDisk(),
                sessions.size(), report.recorded());
    }

    void close() {
        closing.countDown();
    }

    /**
     * Waits while RECORDINGS_DIR shows nothing although the catalogue lists files in it: a
     * network or removable disk that is not mounted (yet) must not be taken for "everything was
     * deleted", nor be recorded into.
     */
    private void awaitMounted(Path recordingsDir) {
        long listed = catalog.countLocal();
        if (listed == 0 || holdsAnything(recordingsDir)) {
            return;
        }
        TransitionLog waiting = new TransitionLog(log, Level.ERROR, TransitionLog.SUMMARY_PERIOD, tuning.nanoTime());
        for (long attempt = 1; !holdsAnything(recordingsDir); attempt++) {
            Duration wait = tuning.mountBackoff().delay(attempt);
            waiting.failed("RECORDINGS_DIR {} looks unmounted or emptied: the catalogue lists {} segment files there but"
                    + " the folder holds nothing; nothing is marked deleted and recording waits for it, looking again in"
                    + " {}. If the files were deleted on purpose, delete {} and start again: the catalogue is rebuilt"
                    + " from the disk", recordingsDir, listed, Durations.describe(wait),
                    CatalogSchema.databaseFile(recordingsDir));
            try {
                if (closing.await(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                    throw new CatalogException("stopped while waiting for RECORDINGS_DIR " + recordingsDir, null);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CatalogException("interrupted while waiting for RECORDINGS_DIR " + recordingsDir, null);
            }
        }
        waiting.recovered("RECORDINGS_DIR {} holds files again; the catalogue goes on", recordingsDir);
    }

    /** Whether the folder has any entry besides hidden ones such as {@code .vod-recorder}. */
    private static boolean holdsAnything(Path dir) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, path -> !path.getFileName().toString().startsWith("."))) {
            return entries.iterator().hasNext();
        } catch (IOException e) {
            return false;
        }
    }

    private Set<String> relative(List<Path> sessions) {
        Set<String> paths = new HashSet<>();
        for (Path session : sessions) {
            paths.add(DiskReconciler.relative(catalog.recordingsDir(), session));
        }
        return paths;
    }

    private static void rethrowIfClosed(CatalogException e) {
        if (e.kind() == CatalogException.Kind.CLOSED) {
            throw e;
        }
    }
}
