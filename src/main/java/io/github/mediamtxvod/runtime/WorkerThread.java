package io.github.mediamtxvod.runtime;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One named platform thread running a stage's loop, with the two waits such a loop needs: until
 * something new may be there ({@link #await}, ended early by {@link #wake}) and a backoff that
 * wake-ups do not shorten ({@link #pause}); both end at once on {@link #close()}. The loop runs
 * while {@link #running()} and must catch what it throws (a loop that dies says nothing).
 *
 * <p>Lifecycle: the owner calls {@link #start} once and {@link #close()} once; close stops the
 * loop, waits up to the stop wait for it to end, then interrupts it and waits again. Thread-safe.
 */
public final class WorkerThread implements AutoCloseable {
    private final String name;
    private final Duration stopWait;
    private final Semaphore wakeups = new Semaphore(0);
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean running;
    private volatile Thread thread;

    public WorkerThread(String name, Duration stopWait) {
        this.name = requireNonNull(name, "name is null");
        this.stopWait = requireNonNull(stopWait, "stopWait is null");
    }

    /** Starts {@code loop} on a new daemon platform thread named after this worker. */
    public void start(Runnable loop) {
        requireNonNull(loop, "loop is null");
        if (thread != null) {
            throw new IllegalStateException(name + " is already started");
        }
        running = true;
        thread = Thread.ofPlatform().name(name).daemon(true).start(loop);
    }

    /** Whether the loop should go on. */
    public boolean running() {
        return running;
    }

    /** Something new may be there: a running {@link #await} returns now. */
    public void wake() {
        wakeups.release();
    }

    /** Waits until woken (wake-ups since the last wait count) or {@code timeout}, whichever comes first. */
    public void await(Duration timeout) throws InterruptedException {
        if (wakeups.tryAcquire(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
            wakeups.drainPermits();
        }
    }

    /** Waits {@code wait} in full unless the worker is closed; an interrupt closes it. */
    public void pause(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            long left;
            while (running && (left = deadline - System.nanoTime()) > 0) {
                wakeups.tryAcquire(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /**
     * Stops the loop: waits up to the stop wait for it to finish what it does, then interrupts it
     * and waits as long again; idempotent. {@link #alive()} then says whether it ended.
     */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        running = false;
        wakeups.release();
        Thread current = thread;
        if (current == null) {
            return;
        }
        try {
            current.join(stopWait);
            if (current.isAlive()) {
                current.interrupt();
                current.join(stopWait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the loop's thread is still alive (after {@link #close()}: it did not stop in time). */
    public boolean alive() {
        Thread current = thread;
        return current != null && current.isAlive();
    }
}
