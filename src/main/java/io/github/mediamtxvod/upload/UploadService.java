package io.github.mediamtxvod.upload;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.catalog.Catalog;
import io.github.mediamtxvod.catalog.CatalogException;
import io.github.mediamtxvod.catalog.CatalogView;
import io.github.mediamtxvod.catalog.ReconcileReport;
import io.github.mediamtxvod.catalog.SegmentLayout;
import io.github.mediamtxvod.catalog.SegmentState;
import io.github.mediamtxvod.config.RecorderConfig;
import io.github.mediamtxvod.recording.FinishedSegment;
import io.github.mediamtxvod.recording.SegmentListener;
import io.github.mediamtxvod.retention.DiskSpace;
import io.github.mediamtxvod.retention.RetentionJanitor;
import io.github.mediamtxvod.runtime.Backoff;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The upload side in one piece: the durable catalogue, the upload workers, the retention
 * janitor and the disk guard. Everything the recorder finishes is recorded durably and reaches
 * S3, verified, whatever happens to S3 or to this process; nothing is deleted locally before
 * S3 confirmed it. Recording never waits for S3.
 *
 * <p>Lifecycle: the constructor only assigns. {@link #start()} opens the catalogue, moves
 * interrupted uploads back to PENDING, scans RECORDINGS_DIR for files the catalogue does not
 * know (every file found counts as finished, so call it before the first FFmpeg starts), starts
 * the workers and the janitor. {@link #close()} stops taking work, lets uploads in flight finish
 * up to UPLOAD_DRAIN_TIMEOUT_SECONDS, and closes the catalogue; idempotent. The creator closes.
 *
 * <p>Threading: every method is thread-safe. With no S3 setting (local-only mode) segments are
 * still catalogued, nothing is uploaded and retention deletes nothing.
 */
public final class UploadService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UploadService.class);
    private static final Duration MAX_PRESIGN_EXPIRY = Duration.ofDays(7);

    private final RecorderConfig config;
    private final InstantSource clock;
    private final DiskSpace diskSpace;
    private final UploadTuning tuning;
    private final Catalog catalog;
    private final UploadMetrics metrics;
    private final RetentionJanitor janitor;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    private volatile S3Client client;
    private volatile S3Presigner presigner;
    private volatile S3Health health;
    private volatile UploadWorkers workers;

    public UploadService(RecorderConfig config, InstantSource clock, DiskSpace diskSpace, MeterRegistry registry) {
        this(config, clock, diskSpace, registry, UploadTuning.defaults(config));
    }

    UploadService(RecorderConfig config, InstantSource clock, DiskSpace diskSpace, MeterRegistry registry,
            UploadTuning tuning) {
        this.config = requireNonNull(config, "config is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.diskSpace = requireNonNull(diskSpace, "diskSpace is null");
        this.tuning = requireNonNull(tuning, "tuning is null");
        this.catalog = new Catalog(config.recording().recordingsDir(), clock);
        this.metrics = new UploadMetrics(requireNonNull(registry, "registry is null"));
        this.janitor = new RetentionJanitor(catalog, config.retention(), config.s3().enabled(), diskSpace, clock,
                tuning.janitorPeriod());
    }

    /** Opens the catalogue, reconciles it with the disk and starts uploading; throws {@link CatalogException}. */
    public void start() {
        if (started.getAndSet(true)) {
            throw new IllegalStateException("UploadService already started");
        }
        log.info("Starting uploads...");
        catalog.start();
        int interrupted = catalog.requeueInterrupted();
        ReconcileReport report = catalog.reconcileWithDisk();
        log.info("Catalogue ready: {} segment files on disk, {} newly queued or changed, {} interrupted uploads"
                        + " queued again, {} confirmed files gone, {} quarantined", report.filesOnDisk(), report.recorded(),
                interrupted, report.goneAfterUpload(), report.quarantined());
        RecorderConfig.S3 s3 = config.s3();
        if (s3.enabled()) {
            startUploads(s3);
        } else {
            log.warn("Uploads are OFF (local-only mode): no S3 setting is given, so recordings stay only in {} and"
                    + " retention deletes nothing. Set S3_BUCKET_NAME (and S3_ENDPOINT_URL, S3_ACCESS_KEY_ID,"
                    + " S3_SECRET_ACCESS_KEY as needed) to upload them.", config.recording().recordingsDir());
        }
        metrics.registerGauges(this::queueDepth, this::oldestPendingAgeSeconds,
                () -> probeFreeBytes());
        janitor.start();
        log.info("Start completed");
    }

    private void startUploads(RecorderConfig.S3 s3) {
        String target = "bucket '" + s3.bucket() + "' at " + S3Clients.describeEndpoint(s3);
        client = S3Clients.client(s3, config.upload().workers() + 2);
        presigner = S3Clients.presigner(s3);
        health = new S3Health(target,
                Backoff.withJitter(tuning.transientRetryInitial(), tuning.transientRetryMax(), Math::random),
                Backoff.withJitter(tuning.permanentRetryInitial(), tuning.permanentRetryMax(), Math::random), clock);
        S3Client uploadClient = client;
        Runnable onConfirmed = config.retention().localRetentionDays() == 0 ? janitor::requestRun : () -> {};
        workers = new UploadWorkers(catalog, new S3Uploader(uploadClient, s3, clock), new BucketGuard(uploadClient, s3),
                health, metrics, clock, tuning, onConfirmed, uploadClient::close);
        workers.start(config.upload().workers());
        log.info("Uploading to {} with {} workers, storage class {}, key prefix '{}'", target,
                config.upload().workers(), s3.storageClass(), s3.prefix());
    }

    /**
     * The recorder's hook: durably records each finished segment as PENDING (one SQLite commit,
     * a few milliseconds) and wakes a worker. Never throws: if the catalogue cannot be written
     * the failure is logged and the file, still on disk, is queued by the next start-up scan.
     */
    public SegmentListener listener() {
        return this::segmentFinished;
    }

    private void segmentFinished(FinishedSegment segment) {
        try {
            if (!segment.relativePath().equals(SegmentLayout.sessionPath(segment.streamName(), segment.sessionStart())
                    + "/" + segment.file().getFileName())) {
                log.warn("{} - finished segment's path does not match its stream and session; recorded as it is",
                        segment.relativePath());
            }
            catalog.recordFinished(segment);
            UploadWorkers running = workers;
            if (running != null) {
                running.wake();
            }
        } catch (RuntimeException e) {
            log.error("{} - cannot record the finished segment in the catalogue; the file stays on disk and is"
                    + " queued by the next start-up scan: {}", segment.relativePath(), e.toString());
        }
    }

    /** False when the disk guard found too little free space even after deleting every confirmed file. */
    public boolean mayStartNewSessions() {
        return janitor.mayStartNewSessions();
    }

    /** The read API over the catalogue, for the web UI. Valid between {@link #start()} and {@link #close()}. */
    public CatalogView catalog() {
        return catalog;
    }

    /**
     * A presigned GET URL for a segment S3 confirmed, e.g. to play it when the local file is gone.
     * Empty in local-only mode or when the path is not a confirmed segment. {@code expiry} is
     * 1 second to 7 days.
     */
    public Optional<URI> presignedUrl(String relativePath, Duration expiry) {
        if (expiry.compareTo(Duration.ofSeconds(1)) < 0 || expiry.compareTo(MAX_PRESIGN_EXPIRY) > 0) {
            throw new IllegalArgumentException("presigned URL expiry must be 1s..7d: " + expiry);
        }
        S3Presigner signer = presigner;
        if (signer == null || relativePath == null) {
            return Optional.empty();
        }
        return catalog.segment(relativePath)
                .filter(segment -> segment.state().confirmedInS3() && segment.confirmation() != null)
                .map(segment -> toUri(signer.presignGetObject(request -> request.signatureDuration(expiry)
                        .getObjectRequest(get -> get.bucket(config.s3().bucket()).key(segment.confirmation().key())))
                        .url()));
    }

    /** An immutable snapshot of the upload side; never throws. */
    public UploadStatus status() {
        Map<SegmentState, Long> counts;
        Duration oldest;
        try {
            counts = catalog.countByState();
            oldest = catalog.oldestQueuedAt().map(at -> Duration.between(at, clock.instant())).orElse(Duration.ZERO);
        } catch (CatalogException e) {
            counts = Map.of();
            oldest = Duration.ZERO;
        }
        S3Health currentHealth = health;
        S3Health.Snapshot s3 = currentHealth == null
                ? new S3Health.Snapshot(UploadStatus.S3State.DISABLED, 0, null, null)
                : currentHealth.snapshot();
        UploadWorkers running = workers;
        return new UploadStatus(config.s3().enabled(), s3.state(),
                counts.getOrDefault(SegmentState.PENDING, 0L), running == null ? 0 : running.inFlight(),
                counts.getOrDefault(SegmentState.UPLOADED, 0L), counts.getOrDefault(SegmentState.LOCAL_DELETED, 0L),
                counts.getOrDefault(SegmentState.QUARANTINED, 0L), oldest.isNegative() ? Duration.ZERO : oldest,
                s3.consecutiveFailures(), s3.lastError(), s3.lastErrorAt(), metrics.uploadsSucceeded(),
                metrics.bytesUploaded(), janitor.mayStartNewSessions(), janitor.lastFreeBytes());
    }

    /** Stops taking work, drains uploads in flight up to the drain timeout, closes the catalogue. Idempotent. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        log.info("Shutdown initiated...");
        janitor.close();
        UploadWorkers running = workers;
        if (running != null) {
            running.close();
        }
        metrics.close();
        closeQuietly(presigner);
        closeQuietly(client);
        catalog.close();
        log.info("Shutdown completed");
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

    private Number probeFreeBytes() {
        try {
            return diskSpace.usableBytes(config.recording().recordingsDir());
        } catch (java.io.IOException e) {
            return Double.NaN;
        }
    }

    private static URI toUri(java.net.URL url) {
        try {
            return url.toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the SDK presigned an invalid URL", e);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            log.debug("Closing {} failed: {}", closeable.getClass().getSimpleName(), e.toString());
        }
    }
}
