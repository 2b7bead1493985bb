package io.github.mediamtxvod.testing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real RTSP server on loopback for integration tests: {@code src/test/python/rtsp_server.py}
 * (GStreamer RTSP server) plus live FFmpeg publishers that feed its paths.
 *
 * <p>Each path has its own loopback UDP port; a {@link Publisher} sends a live MPEG-TS (H264 with
 * a GOP of exactly 1 s, optionally AAC) there, and the server re-serves it, without re-encoding, at
 * {@code rtsp://127.0.0.1:<port>/<path>}. Observed behaviour, close to MediaMTX where it matters:
 * <ul>
 *   <li>All readers of a path share one pipeline; 50 concurrent readers work.
 *   <li>A reader that connects while nobody publishes waits in DESCRIBE. If a publisher starts
 *       within about 20 s the reader gets the stream; otherwise it gets {@code 503} and fails.
 *   <li>About 2 s after a path's publisher stops, the server closes that path's reader
 *       connections (an ffmpeg reader sees EOF and exits with status 0). A later publisher on the
 *       same path is served to new readers.
 * </ul>
 *
 * <p>Thread-safe. The creator owns the server and closes it; {@link #close()} stops every publisher
 * started here, then the server, and is idempotent. A JVM shutdown hook kills leftovers; the
 * server also exits when the test JVM dies, and kills its publishers then.
 */
public final class RtspTestServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RtspTestServer.class);
    private static final String PYTHON = "/usr/bin/python3";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final Map<String, Integer> udpPorts = new ConcurrentHashMap<>();
    private final List<Publisher> publishers = new CopyOnWriteArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> ready = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile ChildProcess server;
    private volatile int port;

    /** What a live publisher sends; every shape is encoded live from FFmpeg's test sources. */
    public enum Shape {
        /** H264 640x360@25 with a GOP of exactly 1 s, and AAC. */
        AUDIO_VIDEO,
        /** H264 only, GOP 1 s. */
        VIDEO_ONLY,
        /** AAC only (48 kHz, 64 kbit/s). */
        AUDIO_ONLY,
        /** H264 with a keyframe every 10 s, and AAC. */
        LONG_GOP,
        /** H264 only at 100 kbit/s with a 2 s GOP. */
        LOW_BITRATE,
        /**
         * H264 High profile with B-frames (three, reordered two deep, as x264 and OBS send by
         * default), GOP 1 s, and AAC.
         */
        B_FRAMES
    }

    private final Duration stopTimeout;

    private RtspTestServer(Duration stopTimeout) {
        this.stopTimeout = stopTimeout;
    }

    /**
     * Starts a server on a free loopback port, with paths known from the start (more can be added
     * at run time), and waits until it listens.
     */
    public static RtspTestServer start(String... paths) {
        return start(Duration.ofSeconds(2), paths);
    }

    /**
     * Like {@link #start(String...)}, with the time without data after which a publisher counts as
     * stopped and its readers are disconnected. A long one keeps the sessions of a paused publisher
     * ({@link Publisher#pause()}) open while no media flows: a stalled stream.
     */
    public static RtspTestServer start(Duration stopTimeout, String... paths) {
        return start(stopTimeout, List.of(), paths);
    }

    /**
     * Starts a server whose readers must authenticate, like MediaMTX with a user that has the
     * 'read' permission: {@code method} is {@code basic} or {@code digest}.
     */
    public static RtspTestServer startWithAuth(String method, String user, String password, String... paths) {
        return start(Duration.ofSeconds(2), List.of("--auth", user + ":" + password, "--auth-method", method), paths);
    }

    private static RtspTestServer start(Duration stopTimeout, List<String> options, String... paths) {
        RtspTestServer rtsp = new RtspTestServer(stopTimeout);
        try {
            rtsp.launch(options, List.of(paths));
        } catch (RuntimeException e) {
            rtsp.close();
            throw e;
        }
        return rtsp;
    }

    private void launch(List<String> options, List<String> paths) {
        Path script = projectDirectory().resolve("src/test/python/rtsp_server.py");
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("RTSP test server script not found: " + script);
        }
        List<String> command = new ArrayList<>(List.of(PYTHON, script.toString(), "--port", "0",
                "--stop-timeout", Double.toString(stopTimeout.toMillis() / 1000.0)));
        command.addAll(options);
        for (String path : paths) {
            int udpPort = LoopbackPorts.freeUdpPort();
            udpPorts.put(checkPathName(path), udpPort);
            command.add("--path");
            command.add(path + "=" + udpPort);
        }
        server = ChildProcess.start("rtsp-server", command, this::onServerLine);
        try {
            port = ready.get(READY_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw new IllegalStateException("RTSP test server not ready within " + READY_TIMEOUT + ": "
                    + server.describe(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the RTSP test server", e);
        }
        log.info("RTSP test server listening on {} with paths {}", rtspUrl(), paths);
    }

    /** The base URL, {@code rtsp://127.0.0.1:<port>}; a path is read at {@code <base>/<path>}. */
    public URI rtspUrl() {
        return URI.create("rtsp://127.0.0.1:" + port);
    }

    /** The URL of one path: {@code rtsp://127.0.0.1:<port>/<path>}. */
    public URI rtspUrl(String path) {
        return URI.create(rtspUrl() + "/" + checkPathName(path));
    }

    /** Adds a path at run time (no publisher yet); does nothing when the path exists. */
    public synchronized void addPath(String path) {
        checkPathName(path);
        if (udpPorts.containsKey(path)) {
            return;
        }
        int udpPort = LoopbackPorts.freeUdpPort();
        command("add " + path + " " + udpPort);
        udpPorts.put(path, udpPort);
    }

    /** Removes a path at run time; its readers are disconnected. */
    public synchronized void removePath(String path) {
        if (udpPorts.remove(checkPathName(path)) == null) {
            throw new IllegalArgumentException("no path " + path);
        }
        command("remove " + path);
    }

    /** Starts a live H264 + AAC publisher on path, adding the path when needed. */
    public Publisher publish(String path) {
        return startPublisher(path, PublisherCommand.liveTestSource(true));
    }

    /**
     * Starts a live publisher of the given shape on path, adding the path when needed; with a
     * {@code length} it stops by itself after that much media (FFmpeg's {@code -t}).
     */
    public Publisher publish(String path, Shape shape, Duration length) {
        return startPublisher(path, PublisherCommand.liveTestSource(shape, length));
    }

    /** Starts a live H264-only publisher on path, adding the path when needed. */
    public Publisher publishVideoOnly(String path) {
        return startPublisher(path, PublisherCommand.liveTestSource(false));
    }

    /**
     * Starts a publisher that loops a pre-encoded MPEG-TS file in real time without re-encoding,
     * which costs little CPU (for benchmarks); see {@link #encodeSample(Path, Duration)}.
     */
    public Publisher publishFile(String path, Path preEncodedTs) {
        if (!Files.isRegularFile(preEncodedTs)) {
            throw new IllegalArgumentException("no such file " + preEncodedTs);
        }
        return startPublisher(path, PublisherCommand.loopFile(preEncodedTs));
    }

    /**
     * Encodes a sample MPEG-TS file of the given length with the same content and GOP as a live
     * publisher (H264 640x360@25 + AAC), for {@link #publishFile(String, Path)}.
     */
    public static Path encodeSample(Path target, Duration length) {
        ChildProcess encoder = ChildProcess.start("ffmpeg-encode-sample",
                PublisherCommand.encodeSample(target, length), null);
        if (!encoder.waitFor(Duration.ofMinutes(2)) || encoder.exitValue() != 0) {
            encoder.kill();
            throw new IllegalStateException("cannot encode sample " + target + ": " + encoder.describe());
        }
        return target;
    }

    /**
     * Server events so far, in order: {@code MEDIA <path>} (a reader made the server build a
     * pipeline for the path), {@code PUBLISHING <path>} (that pipeline received data),
     * {@code UNPUBLISHED <path> <n>} (the publisher stopped and n reader connections were closed).
     */
    public List<String> events() {
        return List.copyOf(events);
    }

    /** The last lines the server wrote, for diagnostics. */
    public List<String> serverOutputTail() {
        return server.tail();
    }

    private synchronized Publisher startPublisher(String path, PublisherCommand kind) {
        checkOpen();
        addPath(path);
        for (Publisher publisher : publishers) {
            if (publisher.path().equals(path) && publisher.isAlive()) {
                throw new IllegalStateException("path " + path + " already has a live publisher");
            }
        }
        int udpPort = udpPorts.get(path);
        ChildProcess process = ChildProcess.start("ffmpeg-publisher-" + path, kind.command(udpPort), null);
        Publisher publisher = new Publisher(path, process);
        publishers.add(publisher);
        // The server kills the publisher if this JVM dies without running its shutdown hooks.
        command("watch " + process.pid());
        log.info("{} - publisher started (pid {}, udp port {})", path, process.pid(), udpPort);
        return publisher;
    }

    private void command(String line) {
        checkOpen();
        replies.clear();
        try {
            OutputStream stdin = server.stdin();
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            String reply = replies.poll(COMMAND_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
            if (reply == null) {
                throw new IllegalStateException("no answer to '" + line + "' within " + COMMAND_TIMEOUT
                        + ": " + server.describe());
            }
            if (!reply.equals("OK " + line)) {
                throw new IllegalStateException("RTSP test server refused '" + line + "': " + reply);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("RTSP test server is gone: " + server.describe(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending '" + line + "'", e);
        }
    }

    private void onServerLine(String line) {
        if (line.startsWith("READY ")) {
            ready.complete(Integer.parseInt(line.substring("READY ".length()).trim()));
        } else if (line.startsWith("OK ") || line.startsWith("ERR ")) {
            replies.add(line);
        } else {
            events.add(line);
            log.debug("RTSP test server: {}", line);
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("RTSP test server is closed");
        }
    }

    /** Stops every publisher started here (gracefully), then the server. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        for (Publisher publisher : publishers) {
            publisher.stop();
        }
        if (server != null) {
            // The server exits when its standard input closes.
            server.stop(null, STOP_GRACE);
            log.info("RTSP test server on port {} stopped", port);
        }
    }

    private static String checkPathName(String path) {
        requireNonNull(path, "path is null");
        if (path.isEmpty() || path.startsWith("/") || path.endsWith("/") || path.contains("..")
                || !path.chars().allMatch(c -> c > ' ' && c < 127)) {
            throw new IllegalArgumentException("invalid path name '" + path + "'");
        }
        return path;
    }

    private static Path projectDirectory() {
        return Path.of(System.getProperty("vod.projectDir", System.getProperty("user.dir")));
    }

    /**
     * One FFmpeg process that publishes to a path of the server. Thread-safe; {@link #stop()} and
     * {@link #kill()} are idempotent, and the server's {@link RtspTestServer#close()} stops it too.
     */
    public static final class Publisher implements AutoCloseable {
        private final String path;
        private final ChildProcess process;

        private Publisher(String path, ChildProcess process) {
            this.path = path;
            this.process = process;
        }

        public String path() {
            return path;
        }

        /** When the FFmpeg process was started. */
        public Instant startedAt() {
            return process.startedAt();
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        /** Graceful stop: {@code q} on FFmpeg's standard input, then SIGTERM, then SIGKILL. */
        public void stop() {
            process.stop("q", STOP_GRACE);
        }

        /**
         * Freezes the publisher (SIGSTOP): no more media reaches the server. With a long stop
         * timeout the server keeps its readers' sessions open: a stalled stream.
         */
        public void pause() {
            signal("STOP");
        }

        /** Lets a paused publisher go on (SIGCONT). */
        public void resume() {
            signal("CONT");
        }

        /** Whether FFmpeg has exited by itself (a publisher with a length ends). */
        public boolean waitForExit(Duration timeout) {
            return process.waitFor(timeout);
        }

        private void signal(String name) {
            try {
                Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                        .redirectErrorStream(true).start();
                if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                    throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while sending SIG" + name, e);
            }
        }

        /** Abrupt stop: SIGKILL, as if the publisher crashed; returns once the process is gone. */
        public void kill() {
            process.kill();
        }

        /** The last lines FFmpeg wrote to standard error, for diagnostics. */
        public List<String> stderrTail() {
            return process.tail();
        }

        /** Command, state and last output lines, for failure messages. */
        public String describe() {
            return process.describe();
        }

        @Override
        public void close() {
            stop();
        }

        @Override
        public String toString() {
            return "Publisher[" + path + ", pid " + process.pid() + "]";
        }
    }
}
