package io.github.mediamtxvod.upload;

import io.github.mediamtxvod.catalog.Catalog;
import io.github.mediamtxvod.catalog.CatalogException;
import io.github.mediamtxvod.catalog.Segment;
import io.github.mediamtxvod.runtime.Backoff;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
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

/**
 * UPLOAD_WORKERS threads ({@code upload-worker-N}), each looping: wait for the shared backoff
 * gate, claim the oldest PENDING segment, upload and confirm it, record the outcome. A failure
 * never drops a segment: it goes back to PENDING. {@link #wake()} is called when new work was
 * recorded. Owns its threads: {@link #close()} stops claiming, lets uploads in flight finish up
 * to the drain timeout, then aborts them (they stay queued for the next start).
 */
final class UploadWorkers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UploadWorkers.class);
    private static final Duration CATALOGUE_RETRY = Duration.ofSeconds(5);
    private static final Duration ABORT_GRACE = Duration.ofSeconds(5);

    private final Catalog catalog;
    private final S3Uploader uploader;
    private final BucketGuard bucket;
    private final S3Health health;
    private final UploadMetrics metrics;
    private final Backoff localBackoff;
    private final InstantSource clock;
    private final UploadTuning tuning;
    private final Runnable onConfirmed;
    private final Runnable abortInFlight;

    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile boolean running;
    // @GuardedBy("lock")
    private long generation;
    private ExecutorService executor;

    UploadWorkers(Catalog catalog, S3Uploader uploader, BucketGuard bucket, S3Health health, UploadMetrics metrics,
            InstantSource clock, UploadTuning tuning, Runnable onConfirmed, Runnable abortInFlight) {
        this.catalog = catalog;
        this.uploader = uploader;
        this.bucket = bucket;
        this.health = health;
        this.metrics = metrics;
        this.localBackoff = Backoff.withJitter(tuning.localRetryInitial(), tuning.localRetryMax(), Math::random);
        this.clock = clock;
        this.tuning = tuning;
        this.onConfirmed = onConfirmed;
        this.abortInFlight = abortInFlight;
    }

    void start(int workers) {
        running = true;
        executor = Executors.newFixedThreadPool(workers, Thread.ofPlatform().name("upload-worker-", 1).daemon(true).factory());
        for (int i = 0; i < workers; i++) {
            executor.execute(this::runLoop);
        }
    }

    /** New work may be there: idle workers look again (the backoff gate still applies). */
    void wake() {
        lock.lock();
        try {
            generation++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int inFlight() {
        return inFlight.get();
    }

    private void runLoop() {
        while (running) {
            try {
                waitUntil(health.notBefore());
                if (!running) {
                    return;
                }
                long seen = generation();
                Optional<Segment> next = ensureBucketThenClaim();
                if (next.isPresent()) {
                    uploadOne(next.get());
                } else {
                    awaitChange(seen, idleWait());
                }
            } catch (CatalogException e) {
                if (running) {
                    log.error("Upload worker cannot use the catalogue, retrying in {}s: {}", CATALOGUE_RETRY.toSeconds(),
                            e.getMessage(), e);
                    awaitChange(-1, CATALOGUE_RETRY);
                }
            } catch (RuntimeException e) {
                FailureKind kind = FailureKind.of(e);
                metrics.failed(kind);
                health.failed(kind, e);
            }
        }
    }

    private Optional<Segment> ensureBucketThenClaim() {
        bucket.ensure();
        return catalog.claimNextPending();
    }

    private void uploadOne(Segment segment) {
        inFlight.incrementAndGet();
        long started = System.nanoTime();
        Path file = catalog.localFile(segment);
        try {
            Segment.Confirmation confirmation = uploader.upload(segment, file);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            boolean recorded = catalog.markUploaded(segment, confirmation);
            metrics.succeeded(confirmation.sizeBytes(), elapsed);
            health.succeeded();
            if (recorded) {
                log.debug("{} - confirmed in S3 as {} ({} bytes, {} ms)", segment.relativePath(), confirmation.key(),
                        confirmation.sizeBytes(), elapsed.toMillis());
                onConfirmed.run();
            } else {
                log.info("{} - the file changed while it was uploaded; it is uploaded again", segment.relativePath());
            }
        } catch (NoSuchFileException e) {
            String reason = "local file missing before upload: expected " + segment.sizeBytes() + " bytes at " + file;
            log.error("{} - {}; the entry is quarantined", segment.relativePath(), reason);
            catalog.quarantine(segment, reason, false);
        } catch (IOException | RuntimeException e) {
            handleFailure(segment, e);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void handleFailure(Segment segment, Exception failure) {
        if (!running) {
            // aborted by close(): not S3's fault; the segment stays queued
            markFailedQuietly(segment, "interrupted by shutdown", clock.instant());
            return;
        }
        FailureKind kind = FailureKind.of(failure);
        metrics.failed(kind);
        Instant retryAt = clock.instant();
        switch (kind) {
            case TRANSIENT, PERMANENT -> {
                if (failure instanceof ConfirmationMismatchException) {
                    log.warn("{} - upload not confirmed, it is repeated: {}", segment.relativePath(), failure.getMessage());
                }
                if ("NoSuchBucket".equals(FailureKind.errorCode(failure))) {
                    bucket.invalidate();
                }
                health.failed(kind, failure);
            }
            case LOCAL -> {
                retryAt = retryAt.plus(localBackoff.delay(segment.attempts()));
                log.warn("{} - cannot read the local file, retrying at {}: {}", segment.relativePath(), retryAt,
                        FailureKind.describe(failure));
            }
        }
        catalog.markFailed(segment, FailureKind.describe(failure), retryAt);
    }

    private void markFailedQuietly(Segment segment, String reason, Instant retryAt) {
        try {
            catalog.markFailed(segment, reason, retryAt);
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

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
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
        abortInFlight.run();
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
