package io.github.mediamtxvod.testing;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child process of the test JVM whose output is drained by virtual threads into a bounded tail
 * of recent lines, kept for diagnostics.
 *
 * <p>Every child is registered with one JVM shutdown hook that kills (SIGKILL) whatever is still
 * alive, so no child outlives the test JVM when it exits normally or on SIGTERM. Thread-safe. The
 * creator owns the child and stops it; {@link #kill()} and {@link #stop} are idempotent.
 */
final class ChildProcess {
    private static final Logger log = LoggerFactory.getLogger(ChildProcess.class);
    private static final int TAIL_LINES = 60;
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Thread hook = new Thread(ChildProcess::killLeftovers, "test-child-process-reaper");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private final String name;
    private final List<String> command;
    private final Process process;
    private final Instant startedAt;
    private final Deque<String> tail = new ArrayDeque<>();

    private ChildProcess(String name, List<String> command, Process process, Instant startedAt) {
        this.name = name;
        this.command = command;
        this.process = process;
        this.startedAt = startedAt;
    }

    /**
     * Starts command. Standard error goes to the tail; standard output goes to stdoutListener
     * (called on a drain thread) when one is given, otherwise to the tail as well.
     */
    static ChildProcess start(String name, List<String> command, Consumer<String> stdoutListener) {
        requireNonNull(name, "name is null");
        requireNonNull(command, "command is null");
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
        }
        ChildProcess child = new ChildProcess(name, List.copyOf(command), process, Instant.now());
        LIVE.add(process);
        process.onExit().thenRun(() -> LIVE.remove(process));
        child.drain("stderr", process.getErrorStream(), child::remember);
        child.drain("stdout", process.getInputStream(), stdoutListener == null ? child::remember : stdoutListener);
        return child;
    }

    /** Registers a process started elsewhere so that the shutdown hook kills it too. */
    static void track(Process process) {
        LIVE.add(process);
        process.onExit().thenRun(() -> LIVE.remove(process));
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    Instant startedAt() {
        return startedAt;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    OutputStream stdin() {
        return process.getOutputStream();
    }

    private void remember(String line) {
        synchronized (tail) {
            if (tail.size() == TAIL_LINES) {
                tail.removeFirst();
            }
            tail.addLast(line);
        }
    }

    List<String> tail() {
        synchronized (tail) {
            return List.copyOf(tail);
        }
    }

    /**
     * Stops the child: sends quitInput (when not null) to its standard input, or closes standard
     * input, and waits up to grace; then SIGTERM and another grace; then SIGKILL.
     */
    void stop(String quitInput, Duration grace) {
        if (process.isAlive()) {
            try {
                OutputStream in = process.getOutputStream();
                if (quitInput != null) {
                    in.write(quitInput.getBytes(StandardCharsets.UTF_8));
                    in.flush();
                }
                in.close();
            } catch (IOException e) {
                // The child closed its end already, so it is exiting anyway.
                log.debug("{} - standard input already closed: {}", name, e.toString());
            }
        }
        if (waitFor(grace)) {
            return;
        }
        log.warn("{} - still alive {} after a graceful stop request, sending SIGTERM", name, grace);
        process.destroy();
        if (!waitFor(grace)) {
            log.warn("{} - still alive {} after SIGTERM, sending SIGKILL", name, grace);
            kill();
        }
    }

    /** Sends SIGKILL and waits (bounded) until the child is gone. */
    void kill() {
        process.destroyForcibly();
        if (!waitFor(Duration.ofSeconds(10))) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") survived SIGKILL");
        }
    }

    /** Waits up to timeout for the child to exit; returns whether it has exited. */
    boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /** Exit status, or -1 while the child is alive. */
    int exitValue() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** A multi-line description for failure messages: command, state and the last output lines. */
    String describe() {
        String state = process.isAlive() ? "running" : "exited with status " + process.exitValue();
        return name + " (pid " + process.pid() + ", " + state + ")\n  command: " + String.join(" ", command)
                + "\n  last output:\n    " + String.join("\n    ", tail());
    }

    private void drain(String stream, InputStream input, Consumer<String> sink) {
        Thread.ofVirtual().name(name + "-" + stream).start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    sink.accept(line);
                }
            } catch (IOException e) {
                // The stream closes when the child dies; nothing is lost that the tail needs.
                log.debug("{} - {} closed: {}", name, stream, e.toString());
            }
        });
    }

    private static void killLeftovers() {
        for (Process process : LIVE) {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }
}
