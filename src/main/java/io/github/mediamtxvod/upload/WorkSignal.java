package io.github.mediamtxvod.upload;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * How the upload workers wait: for new work ({@link #wake()} bumps a generation), for a gate to
 * open, or for a pause to pass; every wait ends at once when the workers stop. All waits are
 * measured on the monotonic clock. Thread-safe.
 */
final class WorkSignal {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile boolean running = true;
    // @GuardedBy("lock")
    private long generation;

    boolean running() {
        return running;
    }

    /** Ends every wait now and for good. */
    void stop() {
        running = false;
        wake();
    }

    /** New work may be there: waiters for work look again. */
    void wake() {
        lock.lock();
        try {
            generation++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    long generation() {
        lock.lock();
        try {
            return generation;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until {@link #wake()} was called since {@code seen} was read, the timeout, or stop. */
    void awaitWork(long seen, Duration timeout) {
        lock.lock();
        try {
            long remaining = timeout.toNanos();
            while (running && generation == seen && remaining > 0) {
                remaining = changed.awaitNanos(remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until {@code left} says zero (a gate that opens), or stop; wake-ups do not shorten it. */
    void awaitZero(Supplier<Duration> left) {
        lock.lock();
        try {
            Duration remaining = left.get();
            while (running && remaining.isPositive()) {
                changed.awaitNanos(remaining.toNanos());
                remaining = left.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Waits {@code duration}, or until stop. */
    void pause(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        awaitZero(() -> Duration.ofNanos(deadline - System.nanoTime()));
    }
}
