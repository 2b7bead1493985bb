package io.github.mediamtxvod.upload;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.catalog.Catalog;
import io.github.mediamtxvod.catalog.CatalogException;
import io.github.mediamtxvod.catalog.Confirmation;
import io.github.mediamtxvod.catalog.Entry;
import io.github.mediamtxvod.catalog.SegmentState;

import io.github.mediamtxvod.runtime.Backoff;
import io.github.mediamtxvod.runtime.TransitionLog;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
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
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The upload stage: UPLOAD_WORKERS threads ({@code upload-worker-N}), each looping: wait for the
 * shared backoff gate, claim the oldest PENDING segment of the catalogue, upload and confirm it,
 * record the outcome. A failure never drops a segment: it goes back to PENDING, and nothing is
 * ever deleted here. {@link #wake()} is called when new work was recorded.
 *
 * <p>Lifecycle: the constructor only assigns. {@link #start()} creates the S3 client and the
 * threads (in local-only mode, with no S3 setting, it only registers the meters: segments stay
 * catalogued and are never uploaded). {@link #close()} stops claiming, lets uploads in flight
 * finish up to UPLOAD_DRAIN_TIMEOUT_SECONDS, then aborts them (they stay queued for the next
 * start) and closes the client. The creator closes. Thread-safe.
 */
public final class UploadWorkers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UploadWorkers.class);
    private static final Duration CATALOGUE_RETRY = Duration.ofSeconds(5);
    private static final Duration ABORT_GRACE = Duration.ofSeconds(5);

    private final Catalog catalog;
    private final S3Config s3;
    private final int workers;
    private final InstantSource clock;
    private final UploadTuning tuning;
    private final UploadMetrics metrics;
    private final Backoff localBackoff;
    private final TransitionLog catalogueFailures =
            new TransitionLog(log, Level.ERROR, TransitionLog.SUMMARY_PERIOD, System::nanoTime);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile Runnable onConfirmed = () -> { };
    private volatile boolean running;
    // @GuardedBy("lock")
    private long generation;
    private ExecutorService executor;
    private S3Client client;
    private S3Uploader uploader;
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
        uploader = new S3Uploader(client, s3, clock);
        bucket = new BucketGuard(client, s3);
        health = new S3Health(target,
                Backoff.withJitter(tuning.transientRetryInitial(), tuning.transientRetryMax(), Math::random),
                Backoff.withJitter(tuning.permanentRetryInitial(), tuning.permanentRetryMax(), Math::random), clock);
        running = true;
        executor = Executors.newFixedThreadPool(workers, Thread.ofPlatform().name("upload-worker-", 1).daemon(true).factory());
        for (int i = 0; i < workers; i++) {
            executor.execute(this::runLoop);
        }
        log.info("Uploading to {} with {} workers, storage class {}, key prefix '{}'", target, workers,
                s3.storageClass(), s3.prefix());
    }

    /** New work may be there: idle workers look again (the backoff gate still applies). */
    public void wake() {
        lock.lock();
        try {
            generation++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
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
        while (running) {
            try {
                waitUntil(health.notBefore());
                if (!running) {
                    return;
                }
                long seen = generation();
                bucket.ensure();
                Optional<Entry> next = catalog.claimNextPending();
                catalogueFailures.recovered("Upload workers can use the catalogue again");
                if (next.isPresent()) {
                    uploadOne(next.get());
                } else {
                    awaitChange(seen, idleWait());
                }
            } catch (CatalogException e) {
                if (running) {
                    catalogueFailures.failed("Upload workers cannot use the catalogue, retrying in {}s: {}",
                            CATALOGUE_RETRY.toSeconds(), e.getMessage(), e);
                    awaitChange(-1, CATALOGUE_RETRY);
                }
            } catch (RuntimeException e) {
                FailureKind kind = FailureKind.of(e);
                metrics.failed(kind);
                health.failed(kind, e);
            } catch (Error e) {
                // a worker that died silently would leave the queue to the others, or to nobody
                log.error("Upload worker failed unexpectedly; it goes on", e);
                awaitChange(-1, CATALOGUE_RETRY);
            }
        }
    }

    private void uploadOne(Entry entry) {
        inFlight.incrementAndGet();
        long started = System.nanoTime();
        Path file = catalog.localFile(entry);
        try {
            Confirmation confirmation = uploader.upload(entry.segment(), file);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            boolean recorded = catalog.markUploaded(entry, confirmation);
            metrics.succeeded(confirmation.sizeBytes(), elapsed);
            health.succeeded();
            if (recorded) {
                log.debug("{} - confirmed in S3 as {} ({} bytes, {} ms)", entry.relativePath(), confirmation.key(),
                        confirmation.sizeBytes(), elapsed.toMillis());
                onConfirmed.run();
            } else {
                log.info("{} - the file changed while it was uploaded; it is uploaded again", entry.relativePath());
            }
        } catch (ObjectConflictException e) {
            log.error("{} - {}", entry.relativePath(), e.getMessage());
            catalog.quarantine(entry, e.getMessage(), true);
        } catch (NoSuchFileException e) {
            String reason = "local file missing before upload: expected " + entry.segment().sizeBytes() + " bytes at " + file;
            log.error("{} - {}; the entry is quarantined", entry.relativePath(), reason);
            catalog.quarantine(entry, reason, false);
        } catch (IOException | RuntimeException e) {
            handleFailure(entry, e);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void handleFailure(Entry entry, Exception failure) {
        if (!running) {
            // aborted by close(): not S3's fault; the segment stays queued
            markFailedQuietly(entry, "interrupted by shutdown", clock.instant());
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
        catalog.markFailed(entry, FailureKind.describe(failure), retryAt);
    }

    private void markFailedQuietly(Entry entry, String reason, Instant retryAt) {
        try {
            catalog.markFailed(entry, reason, retryAt);
        } catch (CatalogException e) {
            // the catalogue is closing; an UPLOADING entry is requeued at the next start anyway
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

    private long generation() {
        lock.lock();
        try {
            return generation;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until {@code wake()} was called since {@code seen} was read, or the timeout, or close. */
    private void awaitChange(long seen, Duration timeout) {
        lock.lock();
        try {
            long remaining = timeout.toNanos();
            while (running && generation == seen && remaining > 0) {
                remaining = changed.awaitNanos(remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the backoff gate opens (wake-ups do not shorten it), or close. */
    private void waitUntil(Instant gate) {
        lock.lock();
        try {
            Duration remaining = Duration.between(clock.instant(), gate);
            while (running && remaining.isPositive()) {
                changed.awaitNanos(remaining.toNanos());
                remaining = Duration.between(clock.instant(), gate);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
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
        running = false;
        wake();
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
        // a request blocked on the network: closing the connections ends it
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
