package io.github.mediamtxvod.web;

import static java.util.Objects.requireNonNull;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded HTTP server (Jetty 12, core API) on HTTP_PORT: the dashboard, timeline and
 * recordings browser ({@code /}), the file listing and downloads ({@code /recordings/}), the JSON
 * API ({@code /api/}, with the timeline's data and thumbnails), the MediaMTX hooks ({@code
 * /api/hooks/}), the probes ({@code /health}, {@code /ready}), the Prometheus endpoint ({@code
 * /metrics}) and MediaMTX's playback API ({@code /list}, {@code /get}).
 *
 * <p>Lifecycle: the constructor only assigns; {@link #start()} binds the port, registers the JVM
 * meters on the registry and starts serving; {@link #close()} (idempotent) stops it. The owner
 * (the composition root) closes it, last of all components. Every handler runs on its own virtual
 * thread ({@code web-handler-N}) and reads the recorder only through {@link RecorderView}.
 */
public final class WebServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebServer.class);
    private static final Duration S3_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final long STOP_TIMEOUT_MILLIS = 2_000;
    /** Platform threads for the playback API's file reads; each read is short (see PlaybackIo). */
    private static final int PLAYBACK_IO_THREADS = 4;

    private final WebConfig config;
    private final Path recordingsDir;
    private final String ffmpegPath;
    private final RecorderView view;
    private final PrometheusMeterRegistry registry;
    private final InstantSource clock;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    private ExecutorService handlerThreads;
    private HttpClient s3Client;
    private PlaybackIo playbackIo;
    private JvmMeters jvmMeters;
    private ThumbnailMaker thumbnails;
    private Server server;
    private Instant startedAt;
    private ServerConnector connector;

    /**
     * @param recordingsDir RECORDINGS_DIR: files, and the thumbnail cache below its {@code .vod-recorder}
     * @param ffmpegPath FFMPEG_PATH, for thumbnails
     */
    public WebServer(WebConfig config, Path recordingsDir, String ffmpegPath, RecorderView view,
            PrometheusMeterRegistry registry) {
        this(config, recordingsDir, ffmpegPath, view, registry, InstantSource.system());
    }

    public WebServer(
            WebConfig config, Path recordingsDir, String ffmpegPath, RecorderView view, PrometheusMeterRegistry registry,
            InstantSource clock) {
        this.config = requireNonNull(config, "config is null");
        this.recordingsDir = requireNonNull(recordingsDir, "recordingsDir is null");
        this.ffmpegPath = requireNonNull(ffmpegPath, "ffmpegPath is null");
        this.view = requireNonNull(view, "view is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * Binds HTTP_PORT and starts serving.
     *
     * @throws IOException when the port cannot be bound (in use, no permission); the server is
     *     then closed
     * @throws IllegalStateException when called twice
     */
    public void start() throws IOException {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("WebServer already started");
        }
        int wantedPort = config.httpPort();
        startedAt = clock.instant();
        log.info("Starting web server on port {}...", wantedPort);
        handlerThreads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("web-handler-", 0).factory());
        s3Client = HttpClient.newBuilder()
                .connectTimeout(S3_CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        playbackIo = new PlaybackIo(PLAYBACK_IO_THREADS);
        jvmMeters = new JvmMeters(registry);
        jvmMeters.bind();
        try {
            thumbnails = new ThumbnailMaker(ffmpegPath,
                    new ThumbnailCache(thumbnailDir(recordingsDir), config.thumbnailCacheBytes()), s3Client);
            thumbnails.start();
            server = newServer(wantedPort);
            server.start();
        } catch (Exception e) {
            close();
            throw new IOException("cannot start the web server on HTTP_PORT=" + wantedPort + ": " + e.getMessage(), e);
        }
        log.info("Start completed: web server listening on port {}", port());
    }

    private Server newServer(int wantedPort) {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("web");
        threads.setVirtualThreadsExecutor(handlerThreads);
        Server jetty = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setPort(wantedPort);
        jetty.addConnector(connector);
        TimelineReader timeline = new TimelineReader(view, recordingsDir);
        Routes routes = new Routes(
                new AccessControl(config),
                StaticAssets.load(),
                new RecordingsHandler(recordingsDir, view, new S3Relay(s3Client)),
                new ApiHandler(view, clock, version(), startedAt, timeline),
                new TimelineHandler(timeline, view, clock),
                new ThumbnailHandler(timeline, view, recordingsDir, thumbnails),
                new HookHandler(view),
                new ProbeHandler(view, version()),
                new MetricsHandler(registry),
                new PlaybackHandler(view, recordingsDir, config.playbackMaxDuration(), playbackIo));
        jetty.setHandler(new SecurityHeaders(routes));
        jetty.setErrorHandler(new JsonErrorHandler());
        jetty.setStopTimeout(STOP_TIMEOUT_MILLIS);
        return jetty;
    }

    /** The port actually bound (useful with HTTP_PORT=0); -1 before {@link #start()}. */
    public int port() {
        return connector == null ? -1 : connector.getLocalPort();
    }

    /** Stops serving: requests in progress get up to two seconds. Idempotent. */
    @Override
    public void close() {
        if (closed.getAndSet(true) || !started.get()) {
            return;
        }
        log.info("Shutdown initiated...");
        try {
            if (server != null) {
                server.stop();
            }
        } catch (Exception e) {
            log.warn("Web server did not stop cleanly", e);
        }
        if (thumbnails != null) {
            thumbnails.close();
        }
        s3Client.shutdownNow();
        playbackIo.close();
        handlerThreads.shutdownNow();
        jvmMeters.close();
        log.info("Shutdown completed");
    }

    /** Where thumbnails are cached: hidden below RECORDINGS_DIR, beside the catalogue. */
    static Path thumbnailDir(Path recordingsDir) {
        return recordingsDir.resolve(".vod-recorder").resolve("thumbnails");
    }

    /** The recorder's version from the build, or "unknown" when run outside a build. */
    static String version() {
        try (InputStream in = WebServer.class.getResourceAsStream("/io/github/mediamtxvod/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
