package io.github.mediamtxvod;

import static java.util.Objects.requireNonNull;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.github.mediamtxvod.RecorderConfig.LoadedConfig;
import io.github.mediamtxvod.RecorderConfig;
import io.github.mediamtxvod.catalog.Catalog;
import io.github.mediamtxvod.catalog.CatalogKeeper;
import io.github.mediamtxvod.catalog.FragmentIndexer;
import io.github.mediamtxvod.catalog.PlaylistCatalog;
import io.github.mediamtxvod.catalog.WebhookOutbox;
import io.github.mediamtxvod.mediamtx.LiveSet;
import io.github.mediamtxvod.mediamtx.MediaMtxClient;
import io.github.mediamtxvod.mediamtx.PathChecks;
import io.github.mediamtxvod.mediamtx.PathPoller;
import io.github.mediamtxvod.playlist.PlaylistPublisher;
import io.github.mediamtxvod.recording.DiskGuard;
import io.github.mediamtxvod.recording.DiskSpace;
import io.github.mediamtxvod.recording.PathCheck;
import io.github.mediamtxvod.recording.RecordingSupervisor;
import io.github.mediamtxvod.retention.RetentionJanitor;
import io.github.mediamtxvod.runtime.Lifecycle;
import io.github.mediamtxvod.upload.S3ObjectWriter;
import io.github.mediamtxvod.upload.S3Reader;
import io.github.mediamtxvod.upload.UploadWorkers;
import io.github.mediamtxvod.web.RecorderView;
import io.github.mediamtxvod.web.WebServer;
import io.github.mediamtxvod.webhook.WebhookSender;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds every stage of the data path with plain constructors, wires the
 * events between them, starts them in path order and stops them in reverse. The data path:
 *
 * <pre>
 * MediaMTX API ─poll/check─► LiveSet ───live set─► RecordingSupervisor ─segments─► Catalog ─pending─► UploadWorkers
 *                                                    (FFmpeg per stream)   (durable)        (S3)    │ confirmed
 *                                                 PlaylistPublisher (index.m3u8) ◄──────────────────┤
 *                                                 WebhookSender (outbox → WEBHOOK_URL) ◄────────────┤
 *                                                                                      RetentionJanitor ◄┘
 * WebServer reads the stages' snapshots; DiskGuard is asked before each new session. A hook asks
 * MediaMTX about one path (PathChecks); its answer and the polls reach the supervisor through
 * LiveSet, in the order they were sent.
 * </pre>
 *
 * The web server starts first (so probes answer while the catalogue scans the disk) and stops
 * last (so /ready says 503 while the rest stops); discovery starts last and stops first. {@link
 * #close()} is idempotent, keeps going after a failure and bounds every wait, so SIGTERM ends the
 * process within 10 s with every FFmpeg stopped gracefully and every segment catalogued.
 */
public final class Recorder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Recorder.class);
    private static final Duration RETENTION_PERIOD = Duration.ofSeconds(60);

    private final RecorderConfig config;
    private final InstantSource clock;
    private final DiskSpace diskSpace;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Lifecycle lifecycle = new Lifecycle();
    private final RecorderState state = new RecorderState();
    private final AtomicBoolean closed = new AtomicBoolean();

    public Recorder(RecorderConfig config, InstantSource clock) {
        this(config, clock, DiskSpace.fileStore());
    }

    /** With an injected view of free disk space (tests simulate a full disk with it). */
    Recorder(RecorderConfig config, InstantSource clock, DiskSpace diskSpace) {
        this.config = requireNonNull(config, "config is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.diskSpace = requireNonNull(diskSpace, "diskSpace is null");
    }

    /** Builds, wires and starts every stage in data-path order; on failure the caller closes. */
    public void start() {
        try {
            Files.createDirectories(config.recording().recordingsDir());
        } catch (IOException e) {
            throw new IllegalStateException("cannot create RECORDINGS_DIR " + config.recording().recordingsDir() + ": " + e, e);
        }
        DiskGuard disk = new DiskGuard(config.recording().recordingsDir(), config.retention().minFreeDiskBytes(), diskSpace)
                .register(registry);
        Catalog catalog = new Catalog(config.recording().recordingsDir(), clock, diskSpace);
        FragmentIndexer indexer = new FragmentIndexer(catalog);
        MediaMtxClient mediaMtx = new MediaMtxClient(config.mediamtx());
        LiveSet live = new LiveSet(config.mediamtx());
        PathChecks checks = new PathChecks(mediaMtx, config.mediamtx(), live);
        // an FFmpeg that ended by itself: MediaMTX is asked about its path (GET /v3/paths/get/{name})
        PathCheck pathCheck = stream -> switch (checks.ask(stream).liveness()) {
            case LIVE -> PathCheck.Answer.LIVE;
            case GONE -> PathCheck.Answer.GONE;
            case UNKNOWN -> PathCheck.Answer.UNKNOWN;
        };
        RecordingSupervisor recording = new RecordingSupervisor(
                config.recording(), config.mediamtx().rtspUrl(), clock, disk, pathCheck, registry);
        CatalogKeeper keeper = new CatalogKeeper(catalog, recording::isActiveSession);
        UploadWorkers uploads = new UploadWorkers(catalog, config.s3(), config.upload(), clock, registry);
        WebhookOutbox outbox = new WebhookOutbox(config.recording().recordingsDir(), clock);
        WebhookSender webhooks = new WebhookSender(outbox, config.webhook(), config.s3().enabled() ? config.s3().bucket() : null,
                clock, WebhookSender.defaultBackoff(), WebhookSender.DEFAULT_REQUEST_TIMEOUT, registry);
        PlaylistCatalog playlistCatalog = new PlaylistCatalog(config.recording().recordingsDir(), clock);
        S3ObjectWriter objects = new S3ObjectWriter(config.s3());
        PlaylistPublisher playlists = new PlaylistPublisher(playlistCatalog, objects, config.recording().recordingsDir(),
                config.recording().segmentDuration(), config.webhook().enabled(), clock, PlaylistPublisher.defaultBackoff());
        S3Reader s3 = new S3Reader(config.s3());
        RetentionJanitor retention = new RetentionJanitor(
                catalog, config.retention(), uploads.enabled(), disk, clock, RETENTION_PERIOD);
        PathPoller discovery = new PathPoller(mediaMtx, config.mediamtx(), live, clock, registry);
        WebServer web = new WebServer(config.web(), config.recording().recordingsDir(), config.recording().ffmpegPath(),
                new WebView(state, recording, discovery, catalog, uploads, s3, disk,
                new Hooks(config.mediamtx(), recording, checks, discovery)), registry);

        live.whenAnswered(new LiveFeed(recording));
        recording.addListener(catalog);
        recording.addListener(indexer);
        recording.addListener(playlists); // after the catalogue: a session's end comes after its last segment is in
        catalog.whenPending(uploads::wake);
        catalog.whenReplaced(outbox::databaseReplaced);
        catalog.whenRecovered(() -> {
            uploads.wake();
            retention.requestRun();
        });
        Runnable retentionAfterUpload = config.retention().localRetentionDays() == 0 ? retention::requestRun : () -> { };
        uploads.whenConfirmed(() -> {
            retentionAfterUpload.run();
            playlists.wake();
            webhooks.wake();
        });
        playlists.whenPublished(webhooks::wake);
        disk.whenLow(retention::requestRun);

        lifecycle.start("web server", web, WebServer::start);
        lifecycle.start("catalogue", catalog, started -> {
            started.start();
            started.reconcileAtStart(); // every file on disk now counts as finished: before any FFmpeg starts
        });
        // the keeper rebuilds a catalogue set aside at start; the stores below open the new one
        lifecycle.start("catalogue keeper", keeper, CatalogKeeper::start);
        lifecycle.start("fragment indexer", indexer, FragmentIndexer::start);
        // the outbox logs each confirmed upload from here on: before the first upload can be confirmed
        lifecycle.start("webhook outbox", outbox, started -> logDropped(started.start(config.webhook().enabled())));
        lifecycle.start("webhooks", webhooks, WebhookSender::start);
        lifecycle.start("uploads", uploads, UploadWorkers::start);
        lifecycle.start("playlist catalogue", playlistCatalog, PlaylistCatalog::start);
        lifecycle.start("S3 object writer", objects, S3ObjectWriter::start);
        // ends the sessions the last run left open: before any FFmpeg starts
        lifecycle.start("playlists", playlists, PlaylistPublisher::start);
        lifecycle.start("S3 reader", s3, S3Reader::start);
        lifecycle.start("retention", retention, RetentionJanitor::start);
        lifecycle.add("recording", recording);
        if (!recording.childrenDieWithRecorder()) {
            log.warn("FFmpeg processes are not tied to the recorder's life: after a crash, stop leftover ffmpeg processes by hand");
        }
        lifecycle.add("MediaMTX client", mediaMtx);
        lifecycle.start("MediaMTX path checks", checks, PathChecks::start);
        lifecycle.start("discovery", discovery, PathPoller::start);
        state.set(RecorderView.State.RUNNING);
    }

    private static void logDropped(int dropped) {
        if (dropped > 0) {
            log.warn("{} webhook events of an earlier run were not delivered and are dropped: WEBHOOK_URL is not set", dropped);
        }
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Stops every stage in reverse start order; idempotent; never throws. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        state.set(RecorderView.State.STOPPING);
        log.info("Shutdown initiated...");
        try {
            lifecycle.close();
        } catch (Lifecycle.LifecycleException e) {
            log.warn("Shutdown completed with failures: {}", e.getMessage(), e);
            return;
        }
        log.info("Shutdown completed");
    }

    /**
     * Runs the recorder until a signal stops it. Returns only on a start-up failure (exit code
     * 1); a normal stop ends the process from the shutdown hook with exit code 0.
     */
    static int runUntilStopped(LoadedConfig loaded, PrintStream err) {
        applyLogLevel(loaded.config().logLevel());
        Path recordingsDir = loaded.config().recording().recordingsDir();
        InstanceLock lock;
        try {
            // before anything binds a port or touches a file: a second recorder leaves without a trace
            lock = InstanceLock.acquire(recordingsDir);
        } catch (InstanceLock.HeldElsewhere e) {
            err.println("Error: " + e.getMessage() + ".");
            return Main.FAILED;
        } catch (IOException e) {
            err.println("Error: cannot lock RECORDINGS_DIR=" + recordingsDir + " (" + InstanceLock.file(recordingsDir)
                    + "): " + e + "; check that the folder is writable.");
            return Main.FAILED;
        }
        Recorder recorder = new Recorder(loaded.config(), InstantSource.system());
        log.info("Starting vod-recorder {}...", Main.version());
        loaded.warnings().forEach(warning -> log.warn("{}", warning));
        log.info("Effective configuration:\n    {}", String.join("\n    ", loaded.effectiveSettings()));
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            recorder.close();
            stopped.countDown();
            flushLogs();
            // a JVM stopped by SIGTERM exits with 143; the recorder stopped cleanly, so say 0
            Runtime.getRuntime().halt(Main.OK);
        }, "shutdown");
        try {
            recorder.start();
        } catch (RuntimeException e) {
            log.error("Start failed: {}", e.getMessage(), e);
            recorder.close();
            flushLogs();
            Reference.reachabilityFence(lock);
            return Main.FAILED;
        }
        Runtime.getRuntime().addShutdownHook(hook);
        log.info("Start completed");
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // held until the process ends: a collected channel would let go of the lock
        Reference.reachabilityFence(lock);
        return Main.OK;
    }

    private static void applyLogLevel(String level) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(level, Level.INFO));
        }
    }

    private static void flushLogs() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
        System.out.flush();
        System.err.flush();
    }

    /** Where the recorder is in its life, for /ready and the dashboard. Thread-safe. */
    static final class RecorderState {
        private volatile RecorderView.State state = RecorderView.State.STARTING;

        RecorderView.State get() {
            return state;
        }

        void set(RecorderView.State next) {
            state = next;
        }
    }
}
