package io.github.mediamtxvod.web;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Reads for one playback request that may run at the same time, each on its own virtual thread
 * ({@code playback-read-N}), at most {@link #LIMIT} at once: S3 round trips overlap instead of adding
 * up. Local file reads inside them still go through {@link PlaybackIo}. {@link #close()} interrupts
 * what still runs (the request gave up on it) and waits for it; the request owns it
 * (try-with-resources).
 */
final class ParallelReads implements AutoCloseable {
    /** Reads in flight for one request. */
    static final int LIMIT = 16;

    /** A read that may fail. */
    @FunctionalInterface
    interface Read<T> {
        T run() throws IOException;
    }

    private final ExecutorService threads =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("playback-read-", 0).factory());
    private final Semaphore permits = new Semaphore(LIMIT);

    <T> Future<T> submit(Read<T> read) {
        return threads.submit(() -> {
            permits.acquire();
            try {
                return read.run();
            } finally {
                permits.release();
            }
        });
    }

    /** The result of a submitted read; its failure as an {@link IOException} naming {@code what}. */
    static <T> T await(Future<T> read, String what) throws IOException {
        try {
            return read.get();
        } catch (InterruptedException e) {
            read.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading " + what);
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case RuntimeException runtime -> throw runtime;
                default -> throw new IOException("cannot read " + what, e.getCause());
            }
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
        threads.close();
    }
}
