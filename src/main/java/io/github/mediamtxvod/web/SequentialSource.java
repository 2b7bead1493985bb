package io.github.mediamtxvod.web;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.mp4.SegmentSource;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a remote segment (S3) the way the muxer and the index reader read it, front to back, over one
 * GET instead of one per fragment: a range that starts where the previous one stopped, or at most
 * {@link #MAX_SKIP} bytes further, continues the open response (the bytes between are read and
 * dropped); any other range opens a new response that runs to the end of the object. Each GET costs
 * the recorder a signed request and S3 a round trip, so a 10-minute range is about ten GETs, not
 * twelve hundred. A connection that breaks is reopened once, at the byte reached.
 *
 * <p>Not thread-safe: one reader at a time, handing over with a happens-before (a future's result).
 * The request closes it when done ({@link #close()}), which drops the response if much is left.
 */
final class SequentialSource implements ForwardingSource, AutoCloseable {
    /** Skipping up to this much costs less than a new request: a fragment's mdat of a few seconds. */
    static final long MAX_SKIP = 4L * 1024 * 1024;

    private final SegmentSource inner;
    private InputStream response;
    /** File offset of the response's next byte. */
    private long position;
    private int requests;

    SequentialSource(SegmentSource inner) {
        this.inner = requireNonNull(inner, "inner is null");
    }

    @Override
    public SegmentSource inner() {
        return inner;
    }

    /** GETs made so far, for tests. */
    int requests() {
        return requests;
    }

    @Override
    public InputStream open(long offset, long length) throws IOException {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("range offset=" + offset + " length=" + length + " of " + name()
                    + " is negative");
        }
        if (response == null || offset < position || offset - position > MAX_SKIP) {
            reopen(offset);
        } else {
            skipTo(offset);
        }
        return new Range(Math.max(0, Math.min(length, size() - offset)));
    }

    /** Drops the open response; a failure to close it only costs its connection. */
    @Override
    public void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        InputStream open = response;
        response = null;
        if (open != null) {
            try {
                open.close();
            } catch (IOException e) {
                // the connection is dropped either way; the next range opens a new one
            }
        }
    }

    private void reopen(long offset) throws IOException {
        closeQuietly();
        requests++;
        response = inner.open(offset, size() - offset);
        position = offset;
    }

    private void skipTo(long offset) throws IOException {
        try {
            response.skipNBytes(offset - position);
            position = offset;
        } catch (IOException e) {
            reopen(offset);
        }
    }

    /** One range read from the shared response; closing it leaves the response open for the next. */
    private final class Range extends BlockStream {
        private long left;

        Range(long length) {
            this.left = length;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (left <= 0) {
                return -1;
            }
            int wanted = (int) Math.min(length, left);
            int read;
            try {
                read = response.read(buffer, offset, wanted);
            } catch (IOException e) {
                reopen(position); // one new connection from where this one broke; a second failure ends it
                read = response.read(buffer, offset, wanted);
            }
            if (read < 0) {
                left = 0;
                return -1;
            }
            position += read;
            left -= read;
            return read;
        }

        @Override
        public void close() {
            // the response stays open for the next range
        }
    }
}
