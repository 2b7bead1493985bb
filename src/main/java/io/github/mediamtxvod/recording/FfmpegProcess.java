package io.github.mediamtxvod.recording;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running FFmpeg: keeps the last lines of its stderr and stops it gracefully. Its stderr is
 * drained by a virtual thread {@code ffmpeg-stderr-<stream>}. Owned by one {@link StreamRecorder};
 * {@link #stop} may be called from any thread.
 */
final class FfmpegProcess {
    static final int STDERR_LINES = 30;

    private static final Logger log = LoggerFactory.getLogger(FfmpegProcess.class);

    private final String stream;
    private final Process process;
    private final ArrayDeque<String> stderrTail = new ArrayDeque<>(STDERR_LINES);
    private final Thread stderrReader;

    private FfmpegProcess(String stream, Process process) {
        this.stream = stream;
        this.process = process;
        this.stderrReader = Thread.ofVirtual().name("ffmpeg-stderr-" + stream).unstarted(this::drainStderr);
    }

    static FfmpegProcess started(String stream, Process process) {
        FfmpegProcess ffmpeg = new FfmpegProcess(stream, process);
        ffmpeg.stderrReader.start();
        return ffmpeg;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    /** The exit status; only valid once the process has exited. */
    int exitValue() {
        return process.exitValue();
    }

    /** The last lines FFmpeg wrote to stderr, oldest first (complete once it has exited). */
    List<String> stderrTail() {
        if (!process.isAlive()) {
            try {
                stderrReader.join(Duration.ofSeconds(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (stderrTail) {
            return List.copyOf(stderrTail);
        }
    }

    /**
     * Stops FFmpeg so that it finishes the segment it is writing: {@code q} on stdin, then SIGINT,
     * then SIGKILL, waiting up to {@code step} after each. Returns once it has exited.
     */
    void stop(Duration step) {
        if (!process.isAlive()) {
            return;
        }
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write("q\n".getBytes(UTF_8));
            stdin.flush();
        } catch (IOException e) {
            log.debug("{} - cannot write q to ffmpeg: {}", stream, e.getMessage());
        }
        if (waitFor(step)) {
            return;
        }
        log.warn("{} - ffmpeg (pid {}) ignored q for {}; sending SIGINT", stream, process.pid(), step);
        signal("INT");
        if (waitFor(step)) {
            return;
        }
        log.warn("{} - ffmpeg (pid {}) ignored SIGINT for {}; killing it", stream, process.pid(), step);
        kill();
    }

    /** SIGKILL, and wait for the exit. */
    void kill() {
        process.destroyForcibly();
        if (!waitFor(Duration.ofSeconds(10))) {
            log.error("{} - ffmpeg (pid {}) survived SIGKILL for 10 s", stream, process.pid());
        }
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-s", name, Long.toString(process.pid()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!kill.waitFor(2, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
            }
        } catch (IOException e) {
            // no kill(1): SIGTERM makes FFmpeg finish its output just like SIGINT
            process.destroy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroy();
        }
    }

    private void drainStderr() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getErrorStream(), UTF_8))) {
            String raw;
            while ((raw = reader.readLine()) != null) {
                // FFmpeg names its input URL in errors, password included
                String line = FfmpegCommand.maskUserInfo(raw);
                log.debug("{} - ffmpeg: {}", stream, line);
                synchronized (stderrTail) {
                    if (stderrTail.size() == STDERR_LINES) {
                        stderrTail.removeFirst();
                    }
                    stderrTail.addLast(line.length() > 500 ? line.substring(0, 500) + "..." : line);
                }
            }
        } catch (IOException e) {
            log.debug("{} - ffmpeg stderr closed: {}", stream, e.getMessage());
        }
    }
}
