package io.github.mediamtxvod.retention;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.catalog.Catalog;
import io.github.mediamtxvod.catalog.Entry;
import io.github.mediamtxvod.recording.DiskGuard;
import io.github.mediamtxvod.runtime.Lifecycle;
import io.github.mediamtxvod.runtime.TransitionLog;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps RECORDINGS_DIR within bounds without ever deleting unconfirmed data. Each run: (1)
 * deletes the local files of UPLOADED segments that started more than LOCAL_RETENTION_DAYS ago
 * (0 = all of them, right after confirmation); (2) while the {@link DiskGuard} is not met (free
 * space below MIN_FREE_DISK_MB), deletes the oldest UPLOADED files regardless of age; (3) removes
 * session folders left empty. In local-only mode steps 1 and 2 delete nothing. Whether new
 * recordings may start is the guard's answer, which the recording stage asks itself.
 *
 * <p>Runs on its own thread ({@code retention-janitor}) with a fixed delay between runs, plus
 * on request ({@link #requestRun()}); a failing run is logged (the first, a summary a minute,
 * the recovery) and the next one still comes, also after an {@link Error}.
 * The creator calls {@link #start()} and {@link #close()}.
 */
public final class RetentionJanitor implements AutoCloseable {
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(RetentionJanitor.class);
    private static final int BATCH = 200;
    private static final Instant END_OF_TIME = Instant.ofEpochMilli(Long.MAX_VALUE);
    static final Duration FOLDER_QUIET_PERIOD = Duration.ofMinutes(2);

    private final Catalog catalog;
    private final RetentionConfig retention;
    private final boolean uploadsEnabled;
    private final DiskGuard disk;
    private final InstantSource clock;
    private final Duration period;
    private final LocalDeleter deleter;
    private final FolderPruner pruner;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean runRequested = new AtomicBoolean();
    private final TransitionLog failures = new TransitionLog(log);
    private final DeletionLog deletions = new DeletionLog(log, System::nanoTime);
    private final Set<String> sessionsToPrune = new LinkedHashSet<>();

    private ScheduledExecutorService executor;

    /** What one run did. */
    public record Result(int deletedByAge, int deletedForSpace, long bytesFreed, long freeBytes) {}

    public RetentionJanitor(Catalog catalog, RetentionConfig retention, boolean uploadsEnabled,
            DiskGuard disk, InstantSource clock, Duration period) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.retention = requireNonNull(retention, "retention is null");
        this.uploadsEnabled = uploadsEnabled;
        this.disk = requireNonNull(disk, "disk is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.period = requireNonNull(period, "period is null");
        this.deleter = new LocalDeleter(catalog);
        this.pruner = new FolderPruner(catalog.recordingsDir(), FOLDER_QUIET_PERIOD);
    }

    /** Starts the periodic runs; the first one right away. */
    public void start() {
        executor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("retention-janitor").daemon(true).factory());
        executor.scheduleWithFixedDelay(this::runQuietly, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Asks for a run as soon as possible (after a confirmed upload with LOCAL_RETENTION_DAYS=0). */
    public void requestRun() {
        ScheduledExecutorService running = executor;
        // many uploads confirmed in a burst need one run, not one each
        if (running == null || closed.get() || runRequested.getAndSet(true)) {
            return;
        }
        try {
            running.execute(() -> {
                runRequested.set(false);
                runQuietly();
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing: the next start runs retention again
        }
    }

    /** One run, on the caller's thread. */
    public synchronized Result runOnce() throws IOException {
        Instant now = clock.instant();
        long[] freed = new long[1];
        int byAge = 0;
        int forSpace = 0;
        if (uploadsEnabled) {
            byAge = deleteByAge(now.minus(Duration.ofDays(retention.localRetentionDays())), freed);
        }
        String previous = null;
        while (uploadsEnabled && disk.belowMinimum()) {
            List<Entry> oldest = catalog.uploadedStartingBefore(END_OF_TIME, 1);
            // the same entry twice means it could not be changed: stop rather than spin
            if (oldest.isEmpty() || oldest.getFirst().relativePath().equals(previous)) {
                break;
            }
            previous = oldest.getFirst().relativePath();
            delete(oldest.getFirst(), freed);
            forSpace++;
        }
        deletions.add(byAge, forSpace, freed[0]);
        pruneFolders(now);
        return new Result(byAge, forSpace, freed[0], disk.lastFreeBytes());
    }

    private int deleteByAge(Instant cutoff, long[] freed) throws IOException {
        int deleted = 0;
        while (true) {
            List<Entry> batch = catalog.uploadedStartingBefore(cutoff, BATCH);
            int before = deleted;
            for (Entry segment : batch) {
                delete(segment, freed);
                deleted++;
            }
            if (batch.size() < BATCH || deleted == before) {
                return deleted;
            }
        }
    }

    private void delete(Entry segment, long[] freed) throws IOException {
        long bytes = deleter.deleteConfirmed(segment);
        sessionsToPrune.add(segment.segment().sessionPath());
        freed[0] += bytes;
        log.debug("{} - local file deleted, kept in S3 as {}", segment.relativePath(), segment.confirmation().key());
    }

    private void pruneFolders(Instant now) {
        sessionsToPrune.removeIf(session -> {
            try {
                return pruner.pruneSession(session, now);
            } catch (IOException e) {
                log.debug("{} - folder not pruned yet: {}", session, e.toString());
                return false;
            }
        });
    }

    private void runQuietly() {
        try {
            runOnce();
            failures.recovered("Retention runs work again");
        } catch (Exception e) {
            // an exception escaping a scheduled task would cancel every later run
            failures.failed("Retention run failed, the next one comes in {}s: {}", period.toSeconds(), e.toString(), e);
        } catch (Error e) {
            // so would an Error: say so, and let the next run come
            log.error("Retention run failed unexpectedly: {}; the janitor goes on, the next run comes in {}s", e,
                    period.toSeconds(), e);
        }
    }

    @Override
    public void close() {
        if (closed.getAndSet(true) || executor == null) {
            return;
        }
        Lifecycle.shutdownNow(executor, "Retention janitor", STOP_TIMEOUT);
        deletions.flush();
    }
}
