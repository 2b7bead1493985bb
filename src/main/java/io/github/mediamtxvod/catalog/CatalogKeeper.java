package io.github.mediamtxvod.catalog;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.runtime.Lifecycle;
import io.github.mediamtxvod.runtime.TransitionLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Keeps the catalogue whole while the recorder runs, on its own thread ({@code catalog-keeper}),
 * every {@link #TICK}: writes the reserve file back when there is room; once the write gate is
 * open, records what was kept in memory while writes failed, rebuilds a catalogue set aside at
 * start, and reconciles the disk when a finished segment was neither recorded nor kept, and every
 * {@link #RECONCILE_PERIOD} anyway. A database that a write found damaged while recording is set
 * aside and rebuilt as at start, without waiting for the next start. The reconciliation never
 * looks into a session FFmpeg may still write: {@code activeSession} (the recording stage's
 * answer for a relative session folder) leaves it out whole. A failing round is logged (first, a
 * summary a minute, the recovery) and the next one still comes. The creator calls {@link #start()}
 * and {@link #close()}.
 */
public final class CatalogKeeper implements AutoCloseable {
    public static final Duration TICK = Duration.ofSeconds(2);
    public static final Duration RECONCILE_PERIOD = Duration.ofMinutes(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(CatalogKeeper.class);

    private final Catalog catalog;
    private final Predicate<String> activeSession;
    private final Duration tick;
    private final Duration reconcilePeriod;
    private final LongSupplier nanoTime;
    private final TransitionLog failures;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Session folders being recorded when a damaged database was set aside, not yet catalogued again. */
    private final Set<String> sessionsRecordingAtDamage = new HashSet<>();
    private final TransitionLog healFailures;
    /** A write found the database damaged and it was not dealt with yet. */
    private boolean healWanted;
    /** Why the database is set aside without a check when writes find it damaged again, or null. */
    private String keptVerdict;
    private long lastReconcileNanos;
    private ScheduledExecutorService executor;

    public CatalogKeeper(Catalog catalog, Predicate<String> activeSession) {
        this(catalog, activeSession, TICK, RECONCILE_PERIOD, System::nanoTime);
    }

    CatalogKeeper(Catalog catalog, Predicate<String> activeSession, Duration tick, Duration reconcilePeriod,
            LongSupplier nanoTime) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.activeSession = requireNonNull(activeSession, "activeSession is null");
        this.tick = requireNonNull(tick, "tick is null");
        this.reconcilePeriod = requireNonNull(reconcilePeriod, "reconcilePeriod is null");
        this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
        this.failures = new TransitionLog(log);
        this.healFailures = new TransitionLog(log, Level.ERROR, TransitionLog.SUMMARY_PERIOD, nanoTime);
    }

    /** Starts the rounds; the first one right away. */
    public void start() {
        lastReconcileNanos = nanoTime.getAsLong();
        executor = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("catalog-keeper").daemon(true).factory());
        executor.scheduleWithFixedDelay(this::runQuietly, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One round, on the caller's thread. */
    void runOnce() {
        if (catalog.takeDamageSeen() || healWanted) {
            healWanted = true;
            setAsideIfDamaged();
        }
        catalog.reserve().ensure();
        if (catalog.writeWait().isPositive()) {
            return;
        }
        catalog.retryDeferred();
        if (catalog.startup().rebuildPending()) {
            catalog.startup().rebuild();
            lastReconcileNanos = nanoTime.getAsLong();
            return;
        }
        List<String> overSinceDamage = sessionsRecordingAtDamage.stream().filter(activeSession.negate()).toList();
        if (!overSinceDamage.isEmpty()) {
            // sessions recorded when the database was set aside are over: catalogued, then ended
            lastReconcileNanos = nanoTime.getAsLong();
            reconcile();
            catalog.endSessionsIn(overSinceDamage);
            overSinceDamage.forEach(sessionsRecordingAtDamage::remove);
            return;
        }
        boolean due = nanoTime.getAsLong() - lastReconcileNanos >= reconcilePeriod.toNanos();
        if (catalog.takeReconcileWanted() || due) {
            lastReconcileNanos = nanoTime.getAsLong();
            boolean done = false;
            try {
                reconcile();
                done = true;
            } finally {
                if (!done) {
                    catalog.wantReconcile(); // whatever failed it, the next round tries again
                }
            }
        }
    }

    /**
     * A write found the database damaged: when it fails its check it is set aside and a new one
     * opened, and the session folders on disk are catalogued again: the ones no FFmpeg writes into
     * now at once, the ones being recorded once their recording is over. S3 is asked before any
     * of their files is uploaded, so nothing is uploaded twice.
     */
    private void setAsideIfDamaged() {
        boolean replaced;
        try {
            replaced = catalog.setAsideIfDamaged(keptVerdict);
        } catch (CatalogException e) {
            healFailures.failed("Catalogue: a write found it damaged, and it cannot be set aside yet (next try in {}): {}",
                    tick, e.getMessage(), e);
            return;
        }
        healWanted = false;
        healFailures.recovered("Catalogue: the damaged database could be dealt with");
        if (!replaced) {
            keptVerdict = "writes still find it damaged although it passed its integrity check";
            log.warn("Catalogue {}: a write found it damaged, but it passes its integrity check and is kept; if writes"
                    + " find it damaged again it is set aside", CatalogSchema.databaseFile(catalog.recordingsDir()));
            return;
        }
        keptVerdict = null;
        Path recordingsDir = catalog.recordingsDir();
        List<Path> over = new ArrayList<>();
        Set<String> all = new HashSet<>();
        for (Path session : DiskReconciler.sessionFolders(recordingsDir)) {
            String relative = DiskReconciler.relative(recordingsDir, session);
            all.add(relative);
            if (activeSession.test(relative)) {
                sessionsRecordingAtDamage.add(relative);
            } else {
                over.add(session);
            }
        }
        catalog.addFoundWithoutRecord(all);
        catalog.startup().rebuildAfterDamage(over);
        log.info("Catalogue: the {} session folders on disk are catalogued again in the background, {} of them once"
                + " their recording is over; recording goes on", all.size(), all.size() - over.size());
    }

    private void reconcile() {
        DiskReconciler reconciler = new DiskReconciler(catalog, DiskReconciler.Mode.RUNNING, activeSession);
        ReconcileReport report = reconciler.reconcile();
        catalog.addFoundWithoutRecord(reconciler.unknownSessions());
        if (report.recorded() > 0 || report.goneAfterUpload() > 0) {
            log.info("Catalogue reconciled with the disk: {} segment files found that were not catalogued as they are"
                    + " (queued), {} confirmed files gone", report.recorded(), report.goneAfterUpload());
        }
    }

    private void runQuietly() {
        try {
            runOnce();
            failures.recovered("Catalogue upkeep works again");
        } catch (CatalogException e) {
            // the write gate has logged it; the next round tries again once the gate opens
            log.debug("Catalogue upkeep postponed: {}", e.toString());
        } catch (Throwable e) {
            // anything escaping would cancel every later round
            failures.failed("Catalogue upkeep failed, the next round comes in {}: {}", tick, e.toString(), e);
        }
    }

    @Override
    public void close() {
        if (closed.getAndSet(true) || executor == null) {
            return;
        }
        Lifecycle.shutdownNow(executor, "Catalogue keeper", STOP_TIMEOUT);
    }
}
