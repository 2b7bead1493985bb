package io.github.mediamtxvod.upload;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.catalog.Catalog;
import io.github.mediamtxvod.catalog.CatalogException;
import io.github.mediamtxvod.catalog.Confirmation;
import io.github.mediamtxvod.catalog.Entry;
import io.github.mediamtxvod.catalog.SegmentState;
import io.github.mediamtxvod.catalog.UploadOutcome;
import io.github.mediamtxvod.recording.SegmentLayout;
import io.github.mediamtxvod.runtime.Backoff;
import io.github.mediamtxvod.runtime.Durations;
import io.github.mediamtxvod.runtime.TransitionLog;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The upload stage: UPLOAD_WORKERS threads ({@code upload-worker-N}), each looping: wait for the
 * S3 backoff gate and the catalogue's write gate, claim the oldest PENDING segment, upload and
 * confirm it, record the outcome. A failure never drops a segment: it goes back to PENDING, and
 * nothing is ever deleted here. An outcome the catalogue cannot take now is kept by the
 * catalogue and recorded once it can. A file missing for a moment is retried with growing waits
 * and quarantined only after {@link UploadTuning#missingFileGrace()}. A segment S3 may hold
 * already (its catalogue record was lost) is compared with one listing of its day folder first
 * and not uploaded again when S3 has it with the same size. A worker that hits an {@link Error}
 * logs it and goes on. {@link #wake()} is called when new work was recorded.
 *
 * <p>Lifecycle: the constructor only assigns. {@link #start()} creates the S3 client and the
 * threads (in local-only mode, with no S3 setting, it only registers the meters: segments stay
 * catalogued and are never uploaded). {@link #close()} stops claiming, lets uploads in flight
 * finish up to UPLOAD_DRAIN_TIMEOUT_SECONDS, then aborts them (they stay queued for the next
 * start) and closes the client. The creator closes. Thread-safe.
 */
public final class UploadWorkers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UploadWorkers.class);
    static final Duration ERROR_PAUSE = Duration.ofSeconds(5);
    private static final Duration MIN_CATALOGUE_WAIT = Duration.ofMillis(100);
    private static final Duration ABORT_GRACE = Duration.ofSeconds(5);
    private static final int INVENTORY_FOLDERS = 64;
    private static final int LOGGED_FOUND_IN_S3 = 10;

    private final Catalog catalog;
    private final S3Config s3;
    private final int workers;
    private final InstantSource clock;
    private final UploadTuning tuning;
    private final UploadMetrics metrics;
    private final Backoff localBackoff;
    private final MissingFiles missingFiles;
    private final TransitionLog missingLog = new TransitionLog(log);
    private final TransitionLog quarantineLog =
            new TransitionLog(log, Level.ERROR, TransitionLog.SUMMARY_PERIOD, System::nanoTime);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong foundInS3 = new AtomicLong();
    private final WorkSignal signal = new WorkSignal();
    private volatile Runnable onConfirmed = () -> { };
    private ExecutorService executor;
    private S3Client client;
    private S3Uploader uploader;
    private S3Inventory inventory;
    private BucketGuard bucket;
    private volatile S3Health health;

    public UploadWorkers(Catalog catalog, S3Config s3, UploadConfig upload, InstantSource clock,
            MeterRegistry registry) {
        this(catalog, s3, upload.workers(), clock, registry, UploadTuning.defaults(upload));
    }

    UploadWorkers(Catalog catalog, S3Config s3, int workers, InstantSource clock, MeterRegistry registry,
            UploadTuning tuning) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.s3 = requireNonNull(s3, "s3 is null");
        this.workers = workers;
        this.clock = requireNonNull(clock, "clock is null");
        this.tuning = requireNonNull(tuning, "tuning is null");
        this.metrics = new UploadMetrics(requireNonNull(registry, "registry is null"));
        this.localBackoff = Backoff.withJitter(tuning.localRetryInitial(), tuning.localRetryMax(), Math::random);
        this.missingFiles = new MissingFiles(localBackoff, tuning.missingFileGrace(), System::nanoTime);
    }

    /** Runs after each upload S3 confirmed (retention with LOCAL_RETENTION_DAYS=0); set it before start. */
    public void whenConfirmed(Runnable action) {
        this.onConfirmed = requireNonNull(action, "action is null");
    }

    /** Whether segments are uploaded at all (false in local-only mode). */
    public boolean enabled() {
        return s3.enabled();
    }

    /** Registers the meters and, unless in local-only mode, starts uploading. */
    public void start() {
        metrics.registerGauges(this::queueDepth, this::oldestPendingAgeSeconds);
        if (!s3.enabled()) {
            log.warn("Uploads are OFF (local-only mode): no S3 setting is given, so recordings stay only in {} and"
                    + " retention deletes nothing. Set S3_BUCKET_NAME (and S3_ENDPOINT_URL, S3_ACCESS_KEY_ID,"
                    + " S3_SECRET_ACCESS_KEY as needed) to upload them.", catalog.recordingsDir());
            return;
        }
        String target = "bucket '" + s3.bucket() + "' at " + S3Clients.describeEndpoint(s3);
        client = S3Clients.client(s3, workers * MultipartUpload.PARTS_IN_FLIGHT + 2);
        uploader = new S3Uploader(client, new DirectPut(s3, client, S3Clients.httpClient(workers + 1).build()), s3, clock);
        inventory = new S3Inventory(client, s3.bucket(), INVENTORY_FOLDERS);
        bucket = new BucketGuard(client, s3);
        health = new S3Health(target,
                Backoff.withJitter(tuning.transientRetryInitial(), tuning.transientRetryMax(), Math::random),
                Backoff.withJitter(tuning.permanentRetryInitial(), tuning.permanentRetryMax(), Math::random), clock,
                System::nanoTime);
        executor = Executors.newFixedThreadPool(workers, Thread.ofPlatform().name("upload-worker-", 1).daemon(true).factory());
        for (int i = 0; i < workers; i++) {
            executor.execute(this::runLoop);
        }
        log.info("Uploading to {} with {} workers, storage class {}, key prefix '{}'", target, workers,
                s3.storageClass(), s3.prefix());
    }

    /** New work may be there: idle workers look again (the backoff gates still apply). */
    public void wake() {
        signal.wake();
    }

    /** An immutable snapshot of the upload side; never throws. */
    public UploadStatus status() {
        S3Health current = health;
        S3Health.Snapshot snapshot = current != null
                ? current.snapshot()
                : new S3Health.Snapshot(
                        s3.enabled() ? UploadStatus.S3State.UNKNOWN : UploadStatus.S3State.DISABLED, 0, null, null, null);
        return new UploadStatus(snapshot.state(), inFlight.get(), snapshot.consecutiveFailures(), snapshot.lastError(),
                snapshot.lastErrorAt(), snapshot.lastCheck(), metrics.uploadsSucceeded(), metrics.bytesUploaded());
    }

    private void runLoop() {
        while (signal.running()) {
            try {
                signal.awaitZero(health::waitLeft);
                signal.awaitZero(catalog::writeWait);
                if (!signal.running()) {
                    return;
                }
                long seen = signal.generation();
                bucket.ensure();
                Optional<Entry> next = catalog.claimNextPending();
                if (next.isPresent()) {
                    uploadOne(next.get());
                } else {
                    signal.awaitWork(seen, idleWait());
                }
            } catch (CatalogException e) {
                // the catalogue logged it and closed its write gate for a growing wait: honour it
                if (signal.running()) {
                    Duration wait = catalog.writeWait();
                    signal.pause(wait.compareTo(MIN_CATALOGUE_WAIT) > 0 ? wait : MIN_CATALOGUE_WAIT);
                }
            } catch (RuntimeException e) {
                FailureKind kind = FailureKind.of(e);
                metrics.failed(kind);
                health.failed(kind, e);
            } catch (Error e) {
                // a worker that died silently would leave the queue to the others, or to nobody
                log.error("{} failed unexpectedly: {}; it goes on in {}", Thread.currentThread().getName(), e,
                        Durations.describe(ERROR_PAUSE), e);
                signal.pause(ERROR_PAUSE);
            }
        }
    }

    private void uploadOne(Entry entry) {
        inFlight.incrementAndGet();
        long started = System.nanoTime();
        Path file = catalog.localFile(entry);
        try {
            Optional<Confirmation> already = alreadyInS3(entry, file);
            Confirmation confirmation = already.isPresent() ? already.get() : uploader.upload(entry.segment(), file);
            if (missingFiles.found(entry.relativePath()) && !missingFiles.any()) {
                missingLog.recovered("{} - the local file is back; no local file is missing any more", entry.relativePath());
            }
            if (already.isEmpty()) {
                metrics.succeeded(confirmation.sizeBytes(), Duration.ofNanos(System.nanoTime() - started));
            }
            health.succeeded();
            confirmed(entry, confirmation);
        } catch (ObjectConflictException e) {
            // S3 holds other bytes under this key: never replaced, kept for a human
            log.error("{} - {}", entry.relativePath(), e.getMessage());
            catalog.record(new UploadOutcome.Quarantined(entry, e.getMessage(), true));
        } catch (NoSuchFileException e) {
            missing(entry, file);
        } catch (IOException | RuntimeException e) {
            handleFailure(entry, e);
        } catch (Error e) {
            recordQuietly(new UploadOutcome.Failed(entry, "upload worker failed: " + e, clock.instant().plus(ERROR_PAUSE)));
            throw e;
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /**
     * For a segment whose catalogue record was lost: S3's confirmation of what it already holds,
     * when that is an object with the local file's size; empty when it must be uploaded.
     */
    private Optional<Confirmation> alreadyInS3(Entry entry, Path file) throws IOException {
        if (!catalog.mayBeInS3Already(entry)) {
            return Optional.empty();
        }
        long size = Files.size(file);
        String key = SegmentLayout.s3Key(s3.prefix(), entry.relativePath());
        Optional<S3Inventory.Found> found = inventory.find(key);
        if (found.isEmpty() || found.get().sizeBytes() != size) {
            return Optional.empty();
        }
        long count = foundInS3.incrementAndGet();
        if (count <= LOGGED_FOUND_IN_S3) {
            log.info("{} - S3 holds it already with the same size ({} bytes); not uploaded again{}", entry.relativePath(),
                    size, count == LOGGED_FOUND_IN_S3 ? " (further ones are logged at DEBUG)" : "");
        } else {
            log.debug("{} - S3 holds it already with the same size ({} bytes); not uploaded again", entry.relativePath(), size);
        }
        return Optional.of(new Confirmation(key, size, found.get().etag(), null, clock.instant()));
    }

    private void confirmed(Entry entry, Confirmation confirmation) {
        switch (catalog.record(new UploadOutcome.Uploaded(entry, confirmation))) {
            case NOW -> {
                log.debug("{} - confirmed in S3 as {} ({} bytes)", entry.relativePath(), confirmation.key(),
                        confirmation.sizeBytes());
                onConfirmed.run();
            }
            case STALE -> log.info("{} - the file changed while it was uploaded; it is uploaded again", entry.relativePath());
            case LATER -> log.debug("{} - confirmed in S3; recorded once the catalogue can be written", entry.relativePath());
        }
    }

    private void missing(Entry entry, Path file) {
        String expected = "expected " + entry.segment().sizeBytes() + " bytes at " + file;
        Optional<Duration> retry = missingFiles.missing(entry.relativePath());
        if (retry.isEmpty()) {
            String reason = "local file missing before upload for " + Durations.describe(missingFiles.grace())
                    + ": " + expected;
            quarantineLog.failed("{} - {}; the entry is quarantined (kept; queued again if the file comes back)",
                    entry.relativePath(), reason);
            catalog.record(new UploadOutcome.Quarantined(entry, reason, false));
            return;
        }
        missingLog.failed("{} - local file missing ({}); tried again in {} and quarantined only if it is still missing"
                        + " after {} (a remount or network blip heals by itself)", entry.relativePath(), expected,
                Durations.describe(retry.get()), Durations.describe(missingFiles.grace()));
        catalog.record(new UploadOutcome.Failed(entry, "local file missing: " + expected, clock.instant().plus(retry.get())));
    }

    private void handleFailure(Entry entry, Exception failure) {
        if (!signal.running()) {
            // aborted by close(): not S3's fault; the segment stays queued
            recordQuietly(new UploadOutcome.Failed(entry, "interrupted by shutdown", clock.instant()));
            return;
        }
        FailureKind kind = FailureKind.of(failure);
        metrics.failed(kind);
        Instant retryAt = clock.instant();
        switch (kind) {
            case TRANSIENT, PERMANENT -> {
                if (failure instanceof ConfirmationMismatchException) {
                    log.warn("{} - upload not confirmed, it is repeated: {}", entry.relativePath(), failure.getMessage());
                }
                if ("NoSuchBucket".equals(FailureKind.errorCode(failure))) {
                    bucket.invalidate();
                }
                health.failed(kind, failure);
            }
            case LOCAL -> {
                retryAt = retryAt.plus(localBackoff.delay(entry.attempts()));
                log.warn("{} - cannot read the local file, retrying at {}: {}", entry.relativePath(), retryAt,
                        FailureKind.describe(failure));
            }
        }
        catalog.record(new UploadOutcome.Failed(entry, FailureKind.describe(failure), retryAt));
    }

    private void recordQuietly(UploadOutcome outcome) {
        try {
            catalog.record(outcome);
        } catch (RuntimeException e) {
            // the catalogue is closing; an UPLOADING entry is requeued at the next start anyway
            log.debug("{} - outcome not recorded: {}", outcome.claimed().relativePath(), e.toString());
        }
    }

    private Duration idleWait() {
        Optional<Instant> retry = catalog.nextRetryAt();
        if (retry.isEmpty()) {
            return tuning.idlePoll();
        }
        Duration untilRetry = Duration.between(clock.instant(), retry.get());
        if (untilRetry.isNegative()) {
            return Duration.ofMillis(10);
        }
        return untilRetry.compareTo(tuning.idlePoll()) < 0 ? untilRetry : tuning.idlePoll();
    }

    private Number queueDepth() {
        Map<SegmentState, Long> counts = catalog.countByState();
        return counts.get(SegmentState.PENDING) + counts.get(SegmentState.UPLOADING);
    }

    private Number oldestPendingAgeSeconds() {
        return catalog.oldestQueuedAt()
                .map(at -> Math.max(0, Duration.between(at, clock.instant()).toMillis()) / 1000.0)
                .orElse(0.0);
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        try {
            stopWorkers();
        } finally {
            metrics.close();
            if (uploader != null) {
                uploader.close();
            }
            if (client != null) {
                client.close();
            }
        }
    }

    private void stopWorkers() {
        signal.stop();
        if (executor == null) {
            return;
        }
        executor.shutdown();
        if (awaitTermination(tuning.drainTimeout())) {
            return;
        }
        // idle workers only need a moment to notice the wake-up
        if (inFlight.get() == 0 && awaitTermination(ABORT_GRACE)) {
            return;
        }
        log.warn("{} uploads still running after the drain timeout of {}s; aborting them: they stay queued and are"
                + " uploaded again at the next start", inFlight.get(), tuning.drainTimeout().toSeconds());
        // an interrupt stops the SDK at its next request, so a multipart upload can still abort its parts
        executor.shutdownNow();
        if (awaitTermination(ABORT_GRACE)) {
            return;
        }
        // a request blocked on the network: closing the connections ends it (single PUTs have their own)
        uploader.abortRequests();
        client.close();
        if (!awaitTermination(ABORT_GRACE)) {
            log.warn("Upload workers did not stop within {}s after the abort", ABORT_GRACE.toSeconds());
        }
    }

    private boolean awaitTermination(Duration timeout) {
        try {
            return executor.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
