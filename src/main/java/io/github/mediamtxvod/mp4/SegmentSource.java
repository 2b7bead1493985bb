package io.github.mediamtxvod.mp4;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;

/**
 * The bytes of one recorded segment file (fragmented MP4), wherever they are kept: a local file
 * ({@link FileSegmentSource}) or an object store read with ranged GETs.
 *
 * <p>Contract for implementations:
 * <ul>
 *   <li>{@link #open} returns a fresh stream of exactly {@code length} bytes starting at {@code offset}
 *       (fewer only when the object ends first); the caller closes it, possibly before reading it to the
 *       end. The engine asks for few, sequential ranges: at most one per fragment per pass, never the
 *       whole file at once unless a fragment is that large, and it never holds the whole file in memory.
 *   <li>{@link #start()} is the wall-clock instant of the file's earliest decode time (the smallest first
 *       decode time of its tracks; time 0 for the recorder's files, which FFmpeg writes with
 *       {@code -reset_timestamps 1}).
 *   <li>{@link #size()} is fixed for the life of the object: a file still growing is seen as it was.
 *   <li>Implementations are immutable and safe to share between threads; each {@code open} is
 *       independent. Reads block the calling thread.
 * </ul>
 */
public interface SegmentSource {
    /** A name for log lines and error messages: a path or a bucket/key, never a secret. */
    String name();

    /** Wall-clock instant of the file's earliest decode time. */
    Instant start();

    /** Length of the file in bytes. */
    long size();

    /**
     * Opens {@code length} bytes from {@code offset}.
     *
     * @throws IOException when the range cannot be read
     */
    InputStream open(long offset, long length) throws IOException;

    /**
     * How many bytes of {@code source} a read of {@code length} bytes from {@code offset} can
     * return: the range clamped to the source's size, zero past its end.
     *
     * @throws IllegalArgumentException when the offset or the length is negative
     */
    static long available(SegmentSource source, long offset, long length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException(
                    "range offset=" + offset + " length=" + length + " of " + source.name() + " is negative");
        }
        return Math.max(0, Math.min(length, source.size() - offset));
    }
}
