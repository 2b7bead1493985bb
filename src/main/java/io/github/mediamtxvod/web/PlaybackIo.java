package io.github.mediamtxvod.web;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.mp4.FileSegmentSource;
import io.github.mediamtxvod.mp4.SegmentSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the playback API's file reads off the carriers of virtual threads: local segment reads and
 * catalogue queries (SQLite reads its file) run on a fixed pool of platform threads, {@code
 * playback-io-N}, while the request's virtual thread waits without pinning its carrier. Each task is
 * one read of at most a fragment or 64 KB, so a slow client never holds a pool thread: it holds its
 * own virtual thread, which writes to it. The pool's queue is not bounded by itself; it holds at most
 * one task per request in flight, and {@link PlaybackHandler} bounds those.
 *
 * <p>Lifecycle: created by {@link WebServer#start()}, closed by {@link WebServer#close()}; a call
 * after close fails with an {@link IOException}. Thread-safe.
 */
final class PlaybackIo implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PlaybackIo.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(2);

    /** Work that reads a file. */
    @FunctionalInterface
    interface Read<T> {
        T run() throws IOException;
    }

    private final ExecutorService threads;

    PlaybackIo(int threads) {
        this.threads = Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("playback-io-", 1).daemon(true)
                .factory());
    }

    /**
     * Runs {@code read} on a pool thread and returns its result; on a platform thread (tests, a pool
     * thread itself) it runs in place. Failures come back as they were thrown.
     */
    <T> T call(Read<T> read) throws IOException {
        if (!Thread.currentThread().isVirtual()) {
            return read.run();
        }
        Future<T> result;
        try {
            result = threads.submit(read::run);
        } catch (RejectedExecutionException e) {
            throw new IOException("the web server is stopping", e);
        }
        try {
            return result.get();
        } catch (InterruptedException e) {
            result.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading");
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case RuntimeException runtime -> throw runtime;
                case Error error -> throw error;
                default -> throw new IOException(e.getCause());
            }
        }
    }

    /**
     * A local segment file whose opens, reads and closes run on the pool.
     *
     * @throws java.nio.file.NoSuchFileException when the file is gone
     */
    SegmentSource local(Path file, Instant start) throws IOException {
        return new Local(call(() -> FileSegmentSource.of(file, start)));
    }

    /** The plain file source behind one made by {@link #local}, for work that runs on the pool as a whole. */
    static SegmentSource plain(SegmentSource source) {
        return source instanceof Local local ? local.inner : source;
    }

    @Override
    public void close() {
        threads.shutdownNow();
        try {
            if (!threads.awaitTermination(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("Playback reads did not stop within {}", STOP_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A file source whose I/O hops to the pool. */
    private final class Local implements ForwardingSource {
        private final FileSegmentSource inner;

        Local(FileSegmentSource inner) {
            this.inner = requireNonNull(inner, "inner is null");
        }

        @Override
        public SegmentSource inner() {
            return inner;
        }

        @Override
        public InputStream open(long offset, long length) throws IOException {
            return new PooledStream(call(() -> inner.open(offset, length)));
        }
    }

    /** A file stream whose reads and close hop to the pool. */
    private final class PooledStream extends BlockStream {
        private final InputStream in;

        PooledStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            return call(() -> in.read(buffer, offset, length));
        }

        @Override
        public long skip(long count) throws IOException {
            return in.skip(count); // FileSegmentSource's streams only move their position: no I/O
        }

        @Override
        public void close() throws IOException {
            call(() -> {
                in.close();
                return null;
            });
        }
    }
}
