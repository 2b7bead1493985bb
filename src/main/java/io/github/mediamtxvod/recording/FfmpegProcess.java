package io.github.mediamtxvod.recording;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running FFmpeg: its output pipe (progress on stdout, stderr merged into it) for the owner to
 * read on its platform thread (a blocking pipe read on a virtual thread would pin its carrier),
 * the last log lines the owner hands back ({@link #logLine}) with the two that decide what an exit
 * means, and the ways to stop it.
 *
 * <p>Stopping never blocks the caller: the steps run on the shared {@code timer}, each only while
 * FFmpeg is still alive. Signals are SIGTERM ({@link Process#destroy()}), which FFmpeg handles
 * exactly like SIGINT. Owned by one {@link StreamRecorder}, which reads the output, waits for the
 * exit and kills FFmpeg in a {@code finally}; {@link #requestStop} and {@link #forceStop} may be
 * called from any thread.
 */
final class FfmpegProcess {
    static final int STDERR_LINES = 30;
    /** A stalled FFmpeg ignores {@code q} and the first signal; a second one ends it within 10 ms. */
    static final Duration SECOND_SIGNAL = Duration.ofMillis(500);
    /** After the second signal, SIGKILL follows this much later. */
    static final Duration KILL_AFTER = Duration.ofSeconds(2);

    private static final Logger log = LoggerFactory.getLogger(FfmpegProcess.class);

    private final String stream;
    private final Process process;
    private final ScheduledExecutorService timer;
    private final ArrayDeque<String> stderrTail = new ArrayDeque<>(STDERR_LINES);
    private final AtomicBoolean stopping = new AtomicBoolean();
    /** The stop steps scheduled on the timer; guarded by {@link #stopping}. */
    private final List<ScheduledFuture<?>> scheduled = new ArrayList<>(3);
    /** When they end in SIGKILL ({@link System#nanoTime}); guarded by {@link #stopping}. */
    private long killAtNanos;
    private volatile boolean noSpace;
    private volatile boolean timedOut;

    private FfmpegProcess(String stream, Process process, ScheduledExecutorService timer) {
        this.stream = stream;
        this.process = process;
        this.timer = timer;
    }

    /** @param process started with stderr merged into stdout ({@link ProcessLauncher}) */
    static FfmpegProcess started(String stream, Process process, ScheduledExecutorService timer) {
        return new FfmpegProcess(stream, process, timer);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * FFmpeg's stdout, where {@code -progress pipe:1} writes, with its stderr merged in; the owner
     * must read it to the end and hand the log lines to {@link #logLine}.
     */
    InputStream output() {
        return process.getInputStream();
    }

    /** Whether stderr said {@code No space left on device}. Complete once the output was read to its end. */
    boolean sawNoSpace() {
        return noSpace;
    }

    /** Whether stderr said {@code Connection timed out}. Complete once the output was read to its end. */
    boolean sawTimeout() {
        return timedOut;
    }

    /** The last lines FFmpeg wrote to stderr, oldest first; all of them once the output was read to its end. */
    List<String> stderrTail() {
        synchronized (stderrTail) {
            return List.copyOf(stderrTail);
        }
    }

    /**
     * Stops FFmpeg so that it finishes the segment it writes: {@code q} on stdin now; when it still
     * runs after {@code step}, SIGTERM, a second one {@link #SECOND_SIGNAL} later (a stalled FFmpeg
     * ignores the first), and SIGKILL after another {@code step}. Returns at once. {@code q} is
     * written once; a later request whose steps end sooner (a shutdown's shorter step for an
     * FFmpeg already finishing, whose input stalled) brings the signals forward, so that FFmpeg is
     * gone within the shutdown's time.
     */
    void requestStop(Duration step) {
        if (stopping.compareAndSet(false, true)) {
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write("q\n".getBytes(UTF_8));
                stdin.flush();
            } catch (IOException e) {
                log.debug("{} - cannot write q to ffmpeg: {}", stream, e.getMessage());
            }
        }
        escalate(step, step.plus(SECOND_SIGNAL).plus(step), () -> {
            log.warn("{} - ffmpeg (pid {}) ignored q for {} ms; sending SIGTERM", stream, process.pid(), step.toMillis());
            process.destroy();
        });
    }

    /**
     * Stops a stalled FFmpeg, which ignores {@code q} and a first signal: SIGTERM now, again after
     * {@link #SECOND_SIGNAL}, SIGKILL {@link #KILL_AFTER} later. Returns at once. Brings the
     * signals of an earlier {@link #requestStop} forward; never delays them.
     */
    void forceStop() {
        stopping.set(true);
        escalate(Duration.ZERO, SECOND_SIGNAL.plus(KILL_AFTER), process::destroy);
    }

    /**
     * Schedules the first signal after {@code first}, a second {@link #SECOND_SIGNAL} after it and
     * SIGKILL after {@code kill}, in place of the signals scheduled before (they are cancelled, so
     * FFmpeg never gets more than the new schedule's), unless those end in SIGKILL as soon or sooner.
     */
    private void escalate(Duration first, Duration kill, Runnable firstSignal) {
        long killAt = System.nanoTime() + kill.toNanos();
        synchronized (stopping) {
            if (!scheduled.isEmpty() && killAt - killAtNanos >= 0) {
                return;
            }
            killAtNanos = killAt;
            scheduled.forEach(step -> step.cancel(false));
            scheduled.clear();
            if (!first.isZero()) {
                later(first, firstSignal);
            }
            later(first.plus(SECOND_SIGNAL), process::destroy);
            later(kill, this::killForStop);
        }
        if (first.isZero()) {
            firstSignal.run();
        }
    }

    /** Waits up to {@code timeout} for FFmpeg to exit, then kills it; returns its exit status. */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} - ffmpeg (pid {}) closed its output but did not exit within {} ms; killing it",
                        stream, process.pid(), timeout.toMillis());
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** SIGKILL, and wait for the exit up to 10 s; for the owner's {@code finally}. */
    void kill() {
        if (!process.isAlive()) {
            return;
        }
        process.destroyForcibly();
        boolean exited = false;
        try {
            exited = process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!exited) {
            log.error("{} - ffmpeg (pid {}) survived SIGKILL for 10 s", stream, process.pid());
        }
    }

    private void killForStop() {
        log.warn("{} - ffmpeg (pid {}) ignored two signals; killing it", stream, process.pid());
        process.destroyForcibly();
    }

    /** Runs {@code step} after {@code delay} on the timer if FFmpeg still runs then; called holding {@link #stopping}. */
    private void later(Duration delay, Runnable step) {
        Runnable guarded = () -> {
            try {
                if (process.isAlive()) {
                    step.run();
                }
            } catch (Throwable e) {
                // the timer keeps what a task throws in its future, which no one reads
                log.error("{} - a stop step for ffmpeg (pid {}) failed", stream, process.pid(), e);
            }
        };
        try {
            scheduled.add(timer.schedule(guarded, delay.toNanos(), TimeUnit.NANOSECONDS));
        } catch (RejectedExecutionException e) {
            // the timer is gone (shutdown ran late): no one will come back, so end it now
            process.destroyForcibly();
        }
    }

    /** A line of FFmpeg's log, as read from its output by the owner. */
    void logLine(String raw) {
        if (raw.contains("No space left on device")) {
            noSpace = true;
        }
        if (raw.contains("Connection timed out")) {
            timedOut = true;
        }
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
}
