package io.github.mediamtxvod.catalog;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.recording.OutputFormat;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.recording.SegmentListener;
import io.github.mediamtxvod.recording.Session;
import io.github.mediamtxvod.runtime.TransitionLog;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The durable catalogue of every finished segment and its upload state, in SQLite at {@code
 * RECORDINGS_DIR/.vod-recorder/catalog.db}.
 *
 * <p>Durability: every state transition is one transaction, committed with {@code
 * synchronous=FULL} before the method returns, so it survives SIGKILL or power loss at any
 * instant. The queue contract is at-least-once: a worker claims the oldest PENDING segment
 * (UPLOADING), uploads it, and only S3's confirmation makes it UPLOADED; an UPLOADING segment
 * found at start goes back to PENDING. The files on disk stay the truth: {@link
 * #reconcileWithDisk} adds files the catalogue does not know.
 *
 * <p>Threading: thread-safe. Writes are serialised on one connection; reads ({@link CatalogView})
 * use a second connection and never wait for a write. Another process (the clean command) may
 * use the same file at the same time. The creator calls {@link #start()} and {@link #close()}.
 */
public final class Catalog implements CatalogView, SegmentListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Catalog.class);

    private final Path recordingsDir;
    private final Path databaseFile;
    private final InstantSource clock;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CatalogWriter writer;
    private final TransitionLog recordFailures =
            new TransitionLog(log, Level.ERROR, TransitionLog.SUMMARY_PERIOD, System::nanoTime);
    private volatile CatalogQueries queries;
    private volatile Runnable whenPending = () -> { };

    public Catalog(Path recordingsDir, InstantSource clock) {
        this.recordingsDir = requireNonNull(recordingsDir, "recordingsDir is null");
        this.databaseFile = CatalogSchema.databaseFile(recordingsDir);
        this.clock = requireNonNull(clock, "clock is null");
        this.writer = new CatalogWriter(databaseFile);
    }

    /** Opens (creating when missing) the database and brings its schema up to date. */
    public void start() {
        try {
            writer.open();
            queries = new CatalogQueries(CatalogSchema.open(databaseFile));
        } catch (IOException | SQLException e) {
            throw new CatalogException("cannot open catalogue " + databaseFile, e);
        }
    }

    /**
     * Makes the catalogue true to the disk after the recorder was not running: interrupted
     * uploads go back to PENDING, files the catalogue does not know are queued, known files that
     * are gone are noted. Call after {@link #start()} and before the first FFmpeg starts (every
     * file found counts as finished); never from a second process such as the clean command.
     */
    public ReconcileReport reconcileAtStart() {
        int interrupted = requeueInterrupted();
        ReconcileReport report = reconcileWithDisk();
        log.info("Catalogue ready: {} segment files on disk, {} newly queued or changed, {} interrupted uploads"
                        + " queued again, {} confirmed files gone, {} quarantined", report.filesOnDisk(), report.recorded(),
                interrupted, report.goneAfterUpload(), report.quarantined());
        return report;
    }

    /** Runs after each finished segment the catalogue recorded (to wake the upload workers). */
    public void whenPending(Runnable action) {
        this.whenPending = requireNonNull(action, "action is null");
    }

    /**
     * The recording stage's listener: records the finished segment durably (one SQLite commit, a
     * few milliseconds) and wakes whoever waits for pending work. Never throws: when the
     * catalogue cannot be written the failure is logged, and the file, still on disk, is queued
     * by the next reconciliation.
     */
    @Override
    public void segmentFinished(Segment segment) {
        try {
            recordFinished(segment);
            recordFailures.recovered("The catalogue records finished segments again");
        } catch (CatalogException e) {
            recordFailures.failed("{} - cannot record the finished segment in the catalogue; the file stays on disk"
                    + " and is queued by the next reconciliation: {}", segment.relativePath(), e.toString());
            return;
        }
        whenPending.run();
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
        writer.inTransaction("record " + segment.relativePath(), (connection, upsert) -> {
            upsert.apply(segment, clock.millis());
            return null;
        });
    }

    /** Moves every UPLOADING segment back to PENDING; call once at start, before any worker runs. */
    public int requeueInterrupted() {
        return writer.update("requeue interrupted uploads",
                "UPDATE segment SET state = 'PENDING', retry_at_ms = 0, updated_at_ms = ? WHERE state = 'UPLOADING'",
                clock.millis());
    }

    /** Adds what is on disk and not known, and notes what is known and gone; see {@link DiskReconciler}. */
    public ReconcileReport reconcileWithDisk() {
        return new DiskReconciler(this).reconcile();
    }

    /** Claims the oldest PENDING segment whose retry time has come: it becomes UPLOADING. */
    public Optional<Entry> claimNextPending() {
        long now = clock.millis();
        return Optional.ofNullable(writer.inTransaction("claim next pending segment", (connection, upsert) -> {
            String path;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT relative_path FROM segment WHERE state = 'PENDING' AND retry_at_ms <= ?"
                            + " ORDER BY start_ms, relative_path LIMIT 1")) {
                select.setLong(1, now);
                try (java.sql.ResultSet rs = select.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    path = rs.getString(1);
                }
            }
            CatalogWriter.execute(connection, "UPDATE segment SET state = 'UPLOADING', attempts = attempts + 1, updated_at_ms = ?"
                    + " WHERE relative_path = ?", now, path);
            return upsert.find(path);
        }));
    }

    /**
     * Records S3's confirmation of a claimed segment. Returns false, and puts the segment back to
     * PENDING, when its file changed since the claim (the confirmation describes older bytes).
     */
    public boolean markUploaded(Entry claimed, Confirmation confirmation) {
        requireNonNull(confirmation, "confirmation is null");
        long now = clock.millis();
        return writer.inTransaction("mark uploaded " + claimed.relativePath(), (connection, upsert) -> {
            int changed = CatalogWriter.execute(connection, "UPDATE segment SET state = 'UPLOADED', s3_key = ?, confirmed_size = ?,"
                            + " size_bytes = ?, etag = ?, checksum = ?, confirmed_at_ms = ?, last_error = NULL,"
                            + " retry_at_ms = 0, updated_at_ms = ?"
                            + " WHERE relative_path = ? AND state = 'UPLOADING' AND version = ?",
                    confirmation.key(), confirmation.sizeBytes(), confirmation.sizeBytes(), confirmation.etag(),
                    confirmation.checksum(), confirmation.confirmedAt().toEpochMilli(), now,
                    claimed.relativePath(), claimed.version());
            if (changed == 0) {
                CatalogWriter.execute(connection, "UPDATE segment SET state = 'PENDING', updated_at_ms = ?"
                        + " WHERE relative_path = ? AND state = 'UPLOADING'", now, claimed.relativePath());
            }
            return changed == 1;
        });
    }

    /** A failed upload attempt: the claimed segment is PENDING again, not before {@code retryAt}. */
    public void markFailed(Entry claimed, String error, Instant retryAt) {
        writer.update("mark failed " + claimed.relativePath(),
                "UPDATE segment SET state = 'PENDING', last_error = ?, retry_at_ms = ?, updated_at_ms = ?"
                        + " WHERE relative_path = ? AND state = 'UPLOADING'",
                error, retryAt.toEpochMilli(), clock.millis(), claimed.relativePath());
    }

    /** Sets an entry aside (never deleted, never uploaded) until its file is recorded again. */
    public void quarantine(Entry segment, String reason, boolean localPresent) {
        writer.update("quarantine " + segment.relativePath(),
                "UPDATE segment SET state = 'QUARANTINED', last_error = ?, local_present = ?, updated_at_ms = ?"
                        + " WHERE relative_path = ? AND version = ? AND state IN ('PENDING', 'UPLOADING')",
                reason, localPresent ? 1 : 0, clock.millis(), segment.relativePath(), segment.version());
    }

    /** UPLOADED → LOCAL_DELETED, only if nothing changed since {@code uploaded} was read. */
    public boolean markLocalDeleted(Entry uploaded) {
        return writer.update("mark local deleted " + uploaded.relativePath(),
                "UPDATE segment SET state = 'LOCAL_DELETED', local_present = 0, updated_at_ms = ?"
                        + " WHERE relative_path = ? AND state = 'UPLOADED' AND version = ?",
                clock.millis(), uploaded.relativePath(), uploaded.version()) == 1;
    }

    /** A confirmed segment whose local file no longer matches the confirmation: PENDING again. */
    public boolean requeueChanged(Entry confirmed, long actualSize) {
        long now = clock.millis();
        return writer.update("requeue changed " + confirmed.relativePath(),
                "UPDATE segment SET state = 'PENDING', size_bytes = ?, local_present = 1, version = version + 1,"
                        + " s3_key = NULL, confirmed_size = NULL, etag = NULL, checksum = NULL, confirmed_at_ms = NULL,"
                        + " retry_at_ms = 0, queued_at_ms = ?, updated_at_ms = ?"
                        + " WHERE relative_path = ? AND version = ? AND state IN ('UPLOADED', 'LOCAL_DELETED')",
                actualSize, now, now, confirmed.relativePath(), confirmed.version()) == 1;
    }

    /** Removes an entry whose file a person chose to delete without upload (clean --include-unuploaded). */
    public boolean forget(Entry segment) {
        return writer.update("forget " + segment.relativePath(),
                "DELETE FROM segment WHERE relative_path = ?", segment.relativePath()) == 1;
    }

    /** UPLOADED segments whose start is before {@code cutoff}, oldest first. */
    public List<Entry> uploadedStartingBefore(Instant cutoff, int limit) {
        return queries().uploadedStartingBefore(cutoff, limit);
    }

    /** Segments with a local file that S3 has not confirmed, starting before {@code cutoff}, oldest first. */
    public List<Entry> unconfirmedStartingBefore(Instant cutoff, int limit) {
        return queries().unconfirmedStartingBefore(cutoff, limit);
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
    public List<Entry> sessionSegments(String stream, Instant sessionStart) {
        return queries().sessionSegments(stream, sessionStart);
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
     * losing it costs a new read of the index, nothing else.
     */
    public void storeFragmentIndexes(List<StoredIndex> indexes) {
        if (indexes.isEmpty()) {
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

    /** Every row, for the start-up reconciliation. */
    List<Entry> allSegments() {
        return queries().all();
    }

    /** Records many finished segments, committing in batches (the start-up scan of a large folder). */
    public void recordAllFinished(List<Segment> segments) {
        int batch = 500;
        for (int from = 0; from < segments.size(); from += batch) {
            List<Segment> slice = segments.subList(from, Math.min(segments.size(), from + batch));
            writer.inTransaction("record " + slice.size() + " scanned segments", (connection, upsert) -> {
                for (Segment segment : slice) {
                    upsert.apply(segment, clock.millis());
                }
                return null;
            });
        }
    }

    /** Closes both connections; idempotent. A transition after this throws {@link CatalogException}. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
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

    private CatalogQueries queries() {
        CatalogQueries reader = queries;
        if (reader == null) {
            throw new CatalogException("catalogue " + databaseFile + " is not open", null);
        }
        return reader;
    }
}
