package io.github.mediamtxvod.mp4;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * A segment in a local file. The size is read once, when the object is made, so a file FFmpeg is
 * still writing is seen as it was then. Immutable and thread-safe; every {@link #open} opens the
 * file anew and the stream closes it.
 */
public final class FileSegmentSource implements SegmentSource {
    private final Path file;
    private final Instant start;
    private final long size;

    private FileSegmentSource(Path file, Instant start, long size) {
        this.file = file;
        this.start = start;
        this.size = size;
    }

    /**
     * A source for {@code file} whose earliest decode time is at {@code start}.
     *
     * @throws IOException when the file's size cannot be read (missing, unreadable)
     */
    public static FileSegmentSource of(Path file, Instant start) throws IOException {
        requireNonNull(file, "file is null");
        requireNonNull(start, "start is null");
        return new FileSegmentSource(file, start, Files.size(file));
    }

    @Override
    public String name() {
        return file.toString();
    }

    @Override
    public Instant start() {
        return start;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public InputStream open(long offset, long length) throws IOException {
        long wanted = SegmentSource.available(this, offset, length);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        return new RangeStream(channel, offset, wanted);
    }

    @Override
    public String toString() {
        return "FileSegmentSource[" + file + " from " + start + ", " + size + " bytes]";
    }

    /** Positional reads of one range; closes the channel with the stream. */
    private static final class RangeStream extends InputStream {
        private final FileChannel channel;
        private long position;
        private long left;

        RangeStream(FileChannel channel, long position, long left) {
            this.channel = channel;
            this.position = position;
            this.left = left;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
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
            int read = channel.read(ByteBuffer.wrap(buffer, offset, wanted), position);
            if (read <= 0) {
                left = 0; // the file shrank: end the range instead of spinning
                return -1;
            }
            position += read;
            left -= read;
            return read;
        }

        @Override
        public long skip(long count) {
            long skipped = Math.max(0, Math.min(count, left));
            position += skipped;
            left -= skipped;
            return skipped;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
