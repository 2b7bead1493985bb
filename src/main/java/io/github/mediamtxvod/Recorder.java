package io.github.mediamtxvod;

import static java.util.Objects.requireNonNull;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.github.mediamtxvod.config.LoadedConfig;
import io.github.mediamtxvod.config.RecorderConfig;
import io.github.mediamtxvod.mediamtx.MediaMtxClient;
import io.github.mediamtxvod.mediamtx.MediaMtxPath;
import io.github.mediamtxvod.mediamtx.PathPoller;
import io.github.mediamtxvod.recording.LiveStream;
import io.github.mediamtxvod.recording.RecordingSupervisor;
import io.github.mediamtxvod.retention.DiskSpace;
import io.github.mediamtxvod.upload.UploadService;
import io.github.mediamtxvod.web.RecorderView;
import io.github.mediamtxvod.web.WebServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds every component with plain constructors, starts them along the
 * data path (storage, recording, web, discovery) and stops them in reverse order, except the web
 * server, which stops last. {@link #close()}
 * is idempotent, keeps going after a failure and bounds every wait, so SIGTERM ends the process
 * within 10 s with every FFmpeg stopped gracefully and every segment finished.
 */
public final class Recorder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Recorder.class);
    /** FFmpeg gets this long to finish its segments on shutdown: q, SIGINT, SIGKILL fit in it. */
    static final Duration RECORDING_STOP_BUDGET = Duration.ofSeconds(5);

    private final RecorderConfig config;
    private final InstantSource clock;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<AutoCloseable> started = new ArrayList<>();

    private final DiskSpace diskSpace;
    private volatile RecorderView.RecorderState state = RecorderView.RecorderState.STARTING;
    private UploadService uploads;
    private RecordingSupervisor supervisor;
    private MediaMtxClient mediaMtx;
    private PathPoller poller;
    private WebServer web;

    public Recorder(RecorderConfig config, InstantSource clock) {
        this(config, clock, DiskSpace.fileStore());
    }

    /** With an injected view of free disk space (tests simulate a full disk with it). */
    Recorder(RecorderConfig config, InstantSource clock, DiskSpace diskSpace) {
        this.config = requireNonNull(config, "config is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.diskSpace = requireNonNull(diskSpace, "diskSpace is null");
    }

    /**
     * Runs the recorder until a signal stops it. Returns only on a start-up failure (exit code
     * 1); a normal stop ends the process from the shutdown hook with exit code 0.
     */
    static int runUntilStopped(LoadedConfig loaded, PrintStream err) {
        applyLogLevel(loaded.config().logLevel());
        Recorder recorder = new Recorder(loaded.config(), InstantSource.system());
        log.info("Starting vod-recorder {}...", Main.version());
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
            return Main.FAILED;
        }
        Runtime.getRuntime().addShutdownHook(hook);
        log.info("Start completed");
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Main.OK;
    }

    /** Starts every component in data-path order; on failure the caller closes what started. */
    public void start() {
        try {
            java.nio.file.Files.createDirectories(config.recording().recordingsDir());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create RECORDINGS_DIR " + config.recording().recordingsDir() + ": " + e, e);
        }
        // along the data path: storage first (its start-up scan queues what an earlier run left),
        // then recording, then the web server, and discovery last so nothing records before the
        // segments have somewhere to go
        uploads = new UploadService(config, clock, diskSpace, registry);
        started.add(uploads);
        uploads.start();

        supervisor = new RecordingSupervisor(
                config.recording(), config.mediamtx().rtspUrl(), clock, uploads::mayStartNewSessions, registry);
        supervisor.addListener(uploads.listener());
        started.add(() -> supervisor.close(RECORDING_STOP_BUDGET));
        if (!supervisor.childrenDieWithRecorder()) {
            log.warn("FFmpeg processes are not tied to the recorder's life: after a crash, stop leftover ffmpeg processes by hand");
        }

        mediaMtx = new MediaMtxClient(config.mediamtx());
        started.add(mediaMtx);
        poller = new PathPoller(mediaMtx, config.mediamtx(), this::livePathsPolled, clock, registry);

        web = new WebServer(config, new RecorderWebView(config, supervisor, poller, uploads, clock, () -> state), registry);
        // stopped last, so /ready can say 503 while everything else stops
        started.add(0, web);
        try {
            web.start();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }

        poller.start();
        started.add(poller);
        state = RecorderView.RecorderState.RUNNING;
    }

    private void livePathsPolled(List<MediaMtxPath> paths) {
        List<LiveStream> streams = new ArrayList<>(paths.size());
        for (MediaMtxPath path : paths) {
            if (path.live()) {
                streams.add(new LiveStream(path.name(), path.trackCodecs()));
            }
        }
        supervisor.updateLiveStreams(streams);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Stops everything in reverse start order; idempotent; never throws. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        log.info("Shutdown initiated...");
        state = RecorderView.RecorderState.STOPPING;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                log.warn("Failed to stop {}: {}", started.get(i).getClass().getSimpleName(), e.toString());
            }
        }
        log.info("Shutdown completed");
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
}
