package io.github.mediamtxvod.catalog;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.recording.DiskSpace;
import io.github.mediamtxvod.recording.OutputFormat;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.recording.SegmentListener;
import io.github.mediamtxvod.recording.Session;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * The durable catalogue of every finished segment and its upload state, in SQLite at {@code
 * RECORDINGS_DIR/.vod-recorder/catalog.db}: an index of the segment files, which stay the truth.
 *
 * <p>Durability: every state transition is one transaction, committed with {@code
 * synchronous=FULL} before the method returns, so it survives SIGKILL or power loss at any
 * instant. The queue contract is at-least-once: a worker claims the oldest PENDING segment
 * (UPLOADING), uploads it, and only S3's confirmation makes it UPLOADED; an UPLOADING segment
 * found at start goes back to PENDING.
 *
 * <p>Never a single point of failure: a write that fails (full disk, I/O error, lock held too
 * long) closes a shared gate for a growing wait ({@link #writeWait()}), is logged once with a
 * summary a minute and the recovery, and runs on a fresh connection next time. A full disk
 * releases a reserve file kept for this. Finished segments and upload results that could not be
 * recorded are kept in memory (bounded) and recorded as soon as a write succeeds; the {@link
 * CatalogKeeper} retries, and reconciles the disk. A database that cannot be read is set aside
 * and rebuilt from the disk in the background: at start, or when a write finds it damaged.
 *
 * <p>Threading: thread-safe. Writes are serialised on one connection; reads ({@link CatalogView})
 * use a second connection and never wait for a write. Another process (the clean and verify
 * commands) may use the same file at the same time. The creator calls {@link #start()} and
 * {@link #close()}.
 */
public final class Catalog implements CatalogView, SegmentListener, AutoCloseable {
    private final Path recordingsDir;
    private final Path databaseFile;
    private final InstantSource clock;
    private final CatalogTuning tuning;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CatalogWriter writer;
    private final CatalogTransitions transitions;
    private final CatalogReserve reserve;
    private final CatalogWrites writes;
    private final CatalogStartup startup;
    /** Session folders that held files the catalogue did not know at start: S3 may hold them already. */
    private final Set<String> foundWithoutRecord = ConcurrentHashMap.newKeySet();
    private final List<Runnable> whenReplaced = new CopyOnWriteArrayList<>();
    private volatile CatalogQueries queries;
    /** Where a damaged database was moved while the new one could not be opened yet (keeper thread only). */
    private Path movedAside;
    private volatile boolean reconcileWanted;

    public Catalog(Path recordingsDir, InstantSource clock) {
        this(recordingsDir, clock, DiskSpace.fileStore());
    }

    /** With the view of free disk space that decides when the reserve can be written again. */
    public Catalog(Path recordingsDir, InstantSource clock, DiskSpace space) {
        this(recordingsDir, clock, CatalogTuning.defaults(space));
    }

    Catalog(Path recordingsDir, InstantSource clock, CatalogTuning tuning) {
        this.recordingsDir = requireNonNull(recordingsDir, "recordingsDir is null");
        this.databaseFile = CatalogSchema.databaseFile(recordingsDir);
        this.clock = requireNonNull(clock, "clock is null");
        this.tuning = requireNonNull(tuning, "tuning is null");
        this.writer = new CatalogWriter(databaseFile, tuning.busyTimeout(), tuning.walCheckpointPages());
        this.transitions = new CatalogTransitions(writer, clock);
        this.reserve = new CatalogReserve(databaseFile.getParent(), tuning.reserveBytes(), tuning.space(), tuning.nanoTime());
        this.writes = new CatalogWrites(transitions, new WriteGate(databaseFile, tuning.writeBackoff(), tuning.nanoTime()),
                new DeferredWrites(tuning.maxDeferredSegments(), tuning.maxDeferredOutcomes()), reserve);
        this.startup = new CatalogStartup(this, tuning);
    }

    /**
     * Opens (creating when missing) the database and brings its schema up to date. A database
     * that cannot be read is moved aside (one ERROR line) and a new one created; see {@link
     * #reconcileAtStart()}.
     */
    public void start() {
        start(true);
    }

    /**
     * Opens the catalogue for a command that may run beside a recorder (clean, verify): an
     * unreadable database is reported, never moved aside (that is the recorder's job at its start).
     */
    public void startBeside() {
        start(false);
    }

    private void start(boolean setAsideUnreadable) {
        try {
            CatalogOpener.Opened opened = CatalogOpener.open(databaseFile, tuning, clock.instant(), setAsideUnreadable,
                    reserve);
            writer.adopt(opened.connection());
            startup.opened(opened, clock.instant());
            queries = new CatalogQueries(CatalogSchema.open(databaseFile, tuning.busyTimeout(), tuning.walCheckpointPages()));
        } catch (IOException | SQLException e) {
            throw new CatalogException("cannot open catalogue " + databaseFile + ": " + e.getMessage(), e);
        }
    }

    /** The database file, {@code RECORDINGS_DIR/.vod-recorder/catalog.db}. */
    public static Path databaseFile(Path recordingsDir) {
        return CatalogSchema.databaseFile(recordingsDir);
    }

    /**
     * Makes the catalogue true to the disk after the recorder was not running: interrupted
     * uploads go back to PENDING, files the catalogue does not know are queued, known files that
     * are gone are noted. A RECORDINGS_DIR that looks unmounted (empty while the catalogue lists
     * local files) is reported and waited for. After a rebuild the disk is scanned in the
     * background by the {@link CatalogKeeper} instead. Call after {@link #start()} and before the
     * first FFmpeg starts; never from a second process such as the clean command. A write that
     * fails here is left to the keeper: recording never waits for the catalogue.
     */
    public ReconcileReport reconcileAtStart() {
        return startup.reconcile();
    }

    /** Runs after each finished segment the catalogue recorded (to wake the upload workers). */
    public void whenPending(Runnable action) {
        writes.whenPending(action);
    }

    /**
     * Runs when a damaged database was set aside and a new one opened, before the catalogue's
     * writes go on into it: a store that keeps something of its own in the file (a trigger) puts
     * it into the new one. A failing action is logged and the others still run.
     */
    public void whenReplaced(Runnable action) {
        whenReplaced.add(requireNonNull(action, "action is null"));
    }

    /** Runs when writes work again after failing and what was kept meanwhile is recorded. */
    public void whenRecovered(Runnable action) {
        writes.whenRecovered(action);
    }

    /**
     * The recording stage's listener: records the finished segment durably (one SQLite commit, a
     * few milliseconds) and wakes whoever waits for pending work. Never throws and never waits:
     * when the catalogue cannot be written the segment is kept in memory and recorded later.
     */
    @Override
    public void segmentFinished(Segment segment) {
        if (!closed.get()) {
            // after close (shutting down) the file is on disk and the next start queues it
            writes.recordOrKeep(requireNonNull(segment, "segment is null"));
        }
    }

    /**
     * Records how a claimed upload ended. Never throws for a write failure: when the catalogue
     * cannot be written now the outcome is kept in memory (bounded) and recorded once it can.
     */
    public UploadOutcome.Recorded record(UploadOutcome outcome) {
        return writes.recordOrKeep(requireNonNull(outcome, "outcome is null"));
    }

    /** How long writers should wait after failed writes before trying again; zero when they may. */
    public Duration writeWait() {
        return writes.writeWait();
    }

    /**
     * Whether S3 may hold this entry already though the catalogue never recorded an upload: its
     * file was on disk without a catalogue record at start (a rebuilt catalogue, a lost log).
     */
    public boolean mayBeInS3Already(Entry entry) {
        return foundWithoutRecord.contains(entry.segment().sessionPath());
    }

    /** The folder whose files the catalogue describes. */
    public Path recordingsDir() {
        return recordingsDir;
    }

    /** The local file of a segment. */
    public Path localFile(Entry entry) {
        return localFile(entry.segment());
    }

    /** The local file of a segment. */
    public Path localFile(Segment segment) {
        return segment.file(recordingsDir);
    }

    /** Records a finished segment file durably (see {@link SegmentUpsert} for the rules). */
    public void recordFinished(Segment segment) {
        requireNonNull(segment, "segment is null");
        write(() -> {
            transitions.recordFinished(segment);
            return null;
        });
    }

    /** Records many finished segments, committing in batches (the scan of a large folder). */
    public void recordAllFinished(List<Segment> segments) {
        if (!segments.isEmpty()) {
            write(() -> {
                transitions.recordAll(segments);
                return null;
            });
        }
    }

    /** Marks the sessions in these folders as over (see {@link CatalogTransitions#endSessionsIn}). */
    void endSessionsIn(Collection<String> sessionFolders) {
        write(() -> transitions.endSessionsIn(sessionFolders));
    }

    /** Marks the sessions of earlier runs as over (see {@link CatalogTransitions#endSessionsBefore}). */
    void endSessionsBefore(Instant before) {
        write(() -> transitions.endSessionsBefore(before));
    }

    /** Moves every UPLOADING segment back to PENDING; call once at start, before any worker runs. */
    public int requeueInterrupted() {
        return write(transitions::requeueInterrupted);
    }

    /** Adds what is on disk and not known, and notes what is known and gone, as at start. */
    public ReconcileReport reconcileWithDisk() {
        DiskReconciler reconciler = new DiskReconciler(this, DiskReconciler.Mode.START, path -> false);
        ReconcileReport report = reconciler.reconcile();
        foundWithoutRecord.addAll(reconciler.unknownSessions());
        return report;
    }

    /** Claims the oldest PENDING segment whose retry time has come: it becomes UPLOADING. */
    public Optional<Entry> claimNextPending() {
        return write(transitions::claimNextPending);
    }

    /**
     * Records S3's confirmation of a claimed segment. Returns false, and puts the segment back to
     * PENDING, when its file changed since the claim (the confirmation describes older bytes).
     */
    public boolean markUploaded(Entry claimed, Confirmation confirmation) {
        requireNonNull(confirmation, "confirmation is null");
        return write(() -> transitions.markUploaded(claimed, confirmation));
    }

    /** A failed upload attempt: the claimed segment is PENDING again, not before {@code retryAt}. */
    public void markFailed(Entry claimed, String error, Instant retryAt) {
        write(() -> {
            transitions.markFailed(claimed, error, retryAt);
            return null;
        });
    }

    /** Sets an entry aside (never deleted, never uploaded) until its file is recorded again. */
    public void quarantine(Entry segment, String reason, boolean localPresent) {
        write(() -> {
            transitions.quarantine(segment, reason, localPresent);
            return null;
        });
    }

    /** UPLOADED → LOCAL_DELETED, only if nothing changed since {@code uploaded} was read. */
    public boolean markLocalDeleted(Entry uploaded) {
        return write(() -> transitions.markLocalDeleted(uploaded));
    }

    /** A confirmed segment whose local file no longer matches the confirmation: PENDING again. */
    public boolean requeueChanged(Entry confirmed, long actualSize) {
        return write(() -> transitions.requeueChanged(confirmed, actualSize));
    }

    /**
     * An UPLOADED segment that S3 no longer holds as confirmed (the verify command found it
     * missing or different): PENDING again, so it is uploaded again from its local file. False
     * when the entry changed meanwhile or has no local file.
     */
    public boolean requeueUnconfirmed(Entry uploaded, String reason) {
        return write(() -> transitions.requeueUnconfirmed(uploaded, reason));
    }

    /** Removes an entry whose file a person chose to delete without upload (clean --include-unuploaded). */
    public boolean forget(Entry segment) {
        return write(() -> transitions.forget(segment));
    }

    /** UPLOADED segments whose start is before {@code cutoff}, oldest first. */
    public List<Entry> uploadedStartingBefore(Instant cutoff, int limit) {
        return queries().uploadedStartingBefore(cutoff, limit);
    }

    /** Segments with a local file that S3 has not confirmed, starting before {@code cutoff}, oldest first. */
    public List<Entry> unconfirmedStartingBefore(Instant cutoff, int limit) {
        return queries().unconfirmedStartingBefore(cutoff, limit);
    }

    /** Segments S3 confirmed, starting at or after {@code from}, in path order after {@code afterPath}. */
    public List<Entry> confirmedFrom(Instant from, String afterPath, int limit) {
        return queries().confirmedFrom(from, afterPath, limit);
    }

    /** The earliest retry time among PENDING segments, if any. */
    public Optional<Instant> nextRetryAt() {
        return queries().nextRetryAt();
    }

    @Override
    public Optional<Instant> oldestQueuedAt() {
        return queries().oldestQueuedAt();
    }

    @Override
    public List<StreamSummary> streams() {
        return queries().streams();
    }

    @Override
    public Page<Session> sessions(Query query) {
        return queries().sessions(query);
    }

    @Override
    public Page<Entry> segments(Query query) {
        return queries().segments(query);
    }

    @Override
    public List<Entry> segmentsWithoutTotal(Query query) {
        return queries().segmentsWithoutTotal(query);
    }

    @Override
    public List<Entry> sessionSegments(String stream, Instant sessionStart) {
        return queries().sessionSegments(stream, sessionStart);
    }

    @Override
    public List<Mark> marks(String stream, Instant from, Instant to) {
        return queries().marks(requireNonNull(stream, "stream is null"), requireNonNull(from, "from is null"),
                requireNonNull(to, "to is null"));
    }

    @Override
    public Optional<Entry> segment(String relativePath) {
        return queries().segment(relativePath);
    }

    @Override
    public Map<SegmentState, Long> countByState() {
        return queries().countByState();
    }

    @Override
    public List<Extent> extents(String stream, OutputFormat format, Instant from, Instant to) {
        return queries().extents(requireNonNull(stream, "stream is null"), requireNonNull(format, "format is null"),
                from, to);
    }

    @Override
    public List<Entry> overlapping(String stream, Instant from, Instant to) {
        return queries().overlapping(requireNonNull(stream, "stream is null"), from, to);
    }

    @Override
    public Map<String, StoredIndex> fragmentIndexes(List<String> relativePaths) {
        return queries().fragmentIndexes(relativePaths);
    }

    /**
     * Keeps fragment indexes read for playback, in one transaction, replacing older ones. A cache:
     * losing it costs a new read of the index, nothing else. So it is not stored while writes wait
     * after a failure, and a failure here neither closes the write gate nor takes the reserve.
     */
    public void storeFragmentIndexes(List<StoredIndex> indexes) {
        if (indexes.isEmpty() || writeWait().isPositive()) {
            return;
        }
        writer.inTransaction("store " + indexes.size() + " fragment indexes", (connection, upsert) -> {
            for (StoredIndex index : indexes) {
                CatalogWriter.execute(connection, "INSERT OR REPLACE INTO fragment_index (relative_path, size_bytes,"
                        + " index_bytes) VALUES (?, ?, ?)", index.relativePath(), index.sizeBytes(), index.bytes());
            }
            return null;
        });
    }

    /**
     * Up to {@code limit} MP4 segments with a local file and no stored fragment index, oldest first,
     * after {@code after} (null for the first page).
     */
    public List<Entry> withoutFragmentIndex(Segment after, int limit) {
        return after == null ? queries().withoutFragmentIndex(Long.MIN_VALUE, "", limit)
                : queries().withoutFragmentIndex(after.start().toEpochMilli(), after.relativePath(), limit);
    }

    /** Every row. */
    List<Entry> allSegments() {
        return queries().all();
    }

    /** Every row whose local file is believed to exist. */
    List<Entry> localSegments() {
        return queries().local();
    }

    long countLocal() {
        return queries().countLocal();
    }

    /** Closes both connections; idempotent. A transition after this throws {@link CatalogException}. */
    @Override
    public void close() {
        if (closed.get()) {
            return;
        }
        recordDeferredQuietly();
        if (closed.getAndSet(true)) {
            return;
        }
        startup.close();
        CatalogQueries reader = queries;
        queries = null;
        try {
            if (reader != null) {
                reader.close();
            }
        } finally {
            writer.close();
        }
    }

    /** A last try to record what is kept in memory; what stays there is found again at the next start. */
    private void recordDeferredQuietly() {
        try {
            retryDeferred();
        } catch (CatalogException e) {
            // already logged by the gate: the files are on disk, and UPLOADING entries are queued again at start
        }
    }

    // --- the keeper's side: package-private ---

    CatalogReserve reserve() {
        return reserve;
    }

    CatalogStartup startup() {
        return startup;
    }

    void addFoundWithoutRecord(Set<String> sessionPaths) {
        foundWithoutRecord.addAll(sessionPaths);
    }

    /** Whether a write found the database damaged since the last call; resets. */
    boolean takeDamageSeen() {
        return DamageReports.take(databaseFile);
    }

    /**
     * A write found the database damaged while the recorder runs: it is checked as at start and,
     * when it fails the check, moved aside (one ERROR line) and a new one opened in its place,
     * for writes and reads; {@link #whenReplaced} actions run before writes go on. Writes wait
     * meanwhile; what was kept in memory is recorded into the new one.
     *
     * <p>A file moved aside by an earlier call whose new file could not be opened (a full disk)
     * is not moved again: this call opens the new file.
     *
     * @param keptBefore null, or why the file is set aside without a check: it passed one before
     *     and writes still find it damaged
     * @return whether it was replaced (false: it passed the check and is kept)
     * @throws CatalogException when it cannot be checked, moved or opened
     */
    boolean setAsideIfDamaged(String keptBefore) {
        if (closed.get()) {
            throw new CatalogException("catalogue " + databaseFile + " is not open (closed)", null);
        }
        try {
            if (movedAside == null) {
                // checked on a connection of its own, so that writers wait only for the swap
                String reason = keptBefore != null ? keptBefore : CatalogOpener.unreadable(databaseFile, tuning);
                if (reason == null) {
                    DamageReports.take(databaseFile); // what failed during the check counts no more
                    return false;
                }
                movedAside = CatalogOpener.setAside(databaseFile, clock.instant(), reason);
            }
            // from here on each step can be tried again (a full disk): the file is moved once
            writer.replace(() -> {
                Connection opened = CatalogOpener.openNew(databaseFile, tuning, reserve);
                CatalogQueries damaged = queries;
                try {
                    queries = new CatalogQueries(CatalogSchema.open(databaseFile, tuning.busyTimeout(),
                            tuning.walCheckpointPages()));
                } catch (SQLException e) {
                    opened.close();
                    throw e;
                }
                if (damaged != null) {
                    damaged.closeReplaced();
                }
                runWhenReplaced();
                // writes to the damaged file failed up to here; the next one goes to the new file
                DamageReports.take(databaseFile);
                return opened;
            });
            movedAside = null;
        } catch (IOException | SQLException e) {
            throw new CatalogException("cannot replace the damaged catalogue " + databaseFile + ": " + e.getMessage(), e);
        }
        return true;
    }

    private void runWhenReplaced() {
        for (Runnable action : whenReplaced) {
            try {
                action.run();
            } catch (RuntimeException e) {
                LoggerFactory.getLogger(Catalog.class).error("Catalogue {}: a store could not move to the new file: {}",
                        databaseFile, e.toString(), e);
            }
        }
    }

    /** Asks the keeper for a reconciliation of the disk (a segment was neither recorded nor kept). */
    void wantReconcile() {
        reconcileWanted = true;
    }

    boolean takeReconcileWanted() {
        boolean wanted = reconcileWanted | writes.takeSegmentsDropped();
        reconcileWanted = false;
        return wanted;
    }

    /** The start-up requeue of interrupted uploads failed: do it before any other write. */
    void wantRequeue() {
        writes.wantRequeue();
    }

    /** Records what was kept in memory, through the gate like every write; not before the gate opens. */
    void retryDeferred() {
        writes.retryDeferred();
    }

    private <T> T write(Supplier<T> operation) {
        return writes.write(operation);
    }

    private CatalogQueries queries() {
        CatalogQueries reader = queries;
        if (reader == null) {
            throw new CatalogException("catalogue " + databaseFile + " is not open", null);
        }
        return reader;
    }
}
