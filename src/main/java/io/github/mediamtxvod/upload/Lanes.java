package io.github.mediamtxvod.upload;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a task for the indexes 0 to count-1 on up to {@code width} threads of an executor, each
 * taking the next index when it is done with one. The first failure stops the others: no lane
 * takes another index, and the lanes still working are interrupted (the SDK then abandons its
 * request). {@link #run} returns or throws only when no lane runs any more, so that whatever
 * follows (an abort) is the last word. The calling thread only waits; an interrupt of it stops
 * the lanes the same way. One use per instance.
 */
final class Lanes {
    /** The work for one index. */
    @FunctionalInterface
    interface Task {
        void run(int index) throws IOException;
    }

    private final int count;
    private final Task task;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Lane> lanes = new ArrayList<>();

    Lanes(int count, Task task) {
        this.count = count;
        this.task = task;
    }

    void run(Executor executor, int width) throws IOException {
        int started = Math.max(1, Math.min(width, count));
        CountDownLatch finished = new CountDownLatch(started);
        synchronized (lanes) {
            for (int i = 0; i < started; i++) {
                lanes.add(new Lane());
            }
        }
        for (Lane lane : lanes) {
            try {
                executor.execute(() -> {
                    try {
                        lane.run();
                    } finally {
                        finished.countDown();
                    }
                });
            } catch (RejectedExecutionException e) {
                // the uploader is closing
                fail(new InterruptedIOException("the uploader is closing"));
                finished.countDown();
            }
        }
        awaitUninterruptibly(finished);
        Throwable first = failure.get();
        if (first != null) {
            throw rethrow(first);
        }
    }

    private void awaitUninterruptibly(CountDownLatch finished) {
        boolean interrupted = false;
        while (true) {
            try {
                finished.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                fail(new InterruptedIOException("interrupted while parts were uploaded"));
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void fail(Throwable cause) {
        failure.compareAndSet(null, cause);
        synchronized (lanes) {
            lanes.forEach(Lane::interrupt);
        }
    }

    private static IOException rethrow(Throwable cause) {
        if (cause instanceof IOException io) {
            return io;
        }
        if (cause instanceof UncheckedIOException unchecked) {
            return unchecked.getCause();
        }
        if (cause instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IOException(cause);
    }

    /** One lane; it may be interrupted only while it works for us, never after (the thread goes back to a pool). */
    private final class Lane {
        // @GuardedBy("this")
        private Thread thread;
        // @GuardedBy("this")
        private boolean stopped;

        void run() {
            synchronized (this) {
                if (stopped) {
                    return;
                }
                thread = Thread.currentThread();
            }
            try {
                int index;
                while (failure.get() == null && (index = next.getAndIncrement()) < count) {
                    task.run(index);
                }
            } catch (Throwable e) {
                fail(e);
            } finally {
                synchronized (this) {
                    thread = null;
                    stopped = true;
                    // an interrupt meant for this lane must not reach the pool's next task
                    Thread.interrupted();
                }
            }
        }

        synchronized void interrupt() {
            stopped = true;
            if (thread != null && thread != Thread.currentThread()) {
                thread.interrupt();
            }
        }
    }
}
