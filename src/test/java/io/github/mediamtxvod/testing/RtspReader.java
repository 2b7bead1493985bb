package io.github.mediamtxvod.testing;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An FFmpeg process that reads one RTSP stream over TCP, copies it (to a file or to the null
 * muxer) and reports its progress every 0.1 s, so a test can see when the first frame arrived.
 * Thread-safe. The test owns it; {@link #close()} kills it when still running.
 */
final class RtspReader implements AutoCloseable {
    private final ChildProcess process;
    private final AtomicLong frames = new AtomicLong();
    private final AtomicReference<Instant> firstFrameAt = new AtomicReference<>();

    private RtspReader(String name, List<String> command) {
        this.process = ChildProcess.start(name, command, this::onProgress);
    }

    /**
     * Starts reading url. With output null the stream goes to the null muxer; with length null it
     * reads until the server ends the stream.
     */
    static RtspReader start(URI url, Path output, Duration length) {
        List<String> command = new ArrayList<>(List.of(PublisherCommand.ffmpeg(), "-hide_banner", "-nostdin",
                "-nostats", "-loglevel", "warning", "-rtsp_transport", "tcp", "-i", url.toString(),
                "-map", "0", "-c", "copy", "-progress", "pipe:1", "-stats_period", "0.1"));
        if (length != null) {
            command.addAll(List.of("-t", Double.toString(length.toMillis() / 1000.0)));
        }
        if (output == null) {
            command.addAll(List.of("-f", "null", "-"));
        } else {
            command.addAll(List.of("-y", output.toString()));
        }
        return new RtspReader("ffmpeg-reader-" + url.getPath(), command);
    }

    /** Video frames copied so far (FFmpeg's progress counter). */
    long frames() {
        return frames.get();
    }

    /** When the progress report first showed a frame, to within 0.1 s. */
    Optional<Instant> firstFrameAt() {
        return Optional.ofNullable(firstFrameAt.get());
    }

    Instant startedAt() {
        return process.startedAt();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits up to timeout for FFmpeg to exit; returns whether it has. */
    boolean waitForExit(Duration timeout) {
        return process.waitFor(timeout);
    }

    /** Exit status, or -1 while running. */
    int exitValue() {
        return process.exitValue();
    }

    String describe() {
        return process.describe() + "\n  frames: " + frames.get();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.kill();
        }
    }

    private void onProgress(String line) {
        if (!line.startsWith("frame=")) {
            return;
        }
        long count = Long.parseLong(line.substring("frame=".length()).trim());
        frames.set(count);
        if (count > 0) {
            firstFrameAt.compareAndSet(null, Instant.now());
        }
    }
}
