package io.github.mediamtxvod.upload;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.List;
import java.util.zip.CRC32;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;

/**
 * A request body that streams {@code length} bytes of a file from {@code offset}: a multipart
 * part, or a whole file frozen at the size it had when the upload began (bytes appended later
 * are not sent, so the announced length always matches). The file is read once per attempt: the
 * stream computes the CRC32 of the bytes it hands out, which {@link #streamedCrc32()} returns once
 * a stream was read to its end. Nothing is held in memory beyond the SDK's buffers. The SDK may
 * ask for a new stream per retry; the previous one is closed then. Not thread-safe; one per
 * request.
 */
final class FileRange implements ContentStreamProvider, AutoCloseable {
    private static final int BUFFER_BYTES = 64 * 1024;

    private final Path file;
    private final long offset;
    private final long length;
    private Checked current;

    FileRange(Path file, long offset, long length) {
        this.file = file;
        this.offset = offset;
        this.length = length;
    }

    /**
     * The CRC32 of the bytes the last stream handed out, base64 of the 4 big-endian bytes as S3
     * writes it; the same bytes went to S3, whose own check of the checksum sent with them proves
     * they arrived intact.
     *
     * @throws IllegalStateException when no stream was read to the end of the range
     */
    String streamedCrc32() {
        if (current == null || current.remaining != 0) {
            throw new IllegalStateException(file + " - the upload did not read the whole range " + offset + "+" + length);
        }
        return encode((int) current.crc.getValue());
    }

    /** The CRC32 of the range read from disk now, in S3's encoding; for comparing with an existing object. */
    static String readCrc32(Path file, long offset, long length) throws IOException {
        CRC32 crc = new CRC32();
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long position = offset;
            long end = offset + length;
            while (position < end) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
                int n = channel.read(buffer, position);
                if (n < 0) {
                    throw new EOFException(file + " ends at " + position + ", before the expected " + end);
                }
                buffer.flip();
                crc.update(buffer);
                position += n;
            }
        }
        return encode((int) crc.getValue());
    }

    /** The composite checksum S3 reports for a multipart upload: CRC32 over the parts' CRC32s, then "-N". */
    static String composite(List<String> partChecksums) {
        CRC32 crc = new CRC32();
        for (String part : partChecksums) {
            crc.update(Base64.getDecoder().decode(part));
        }
        return encode((int) crc.getValue()) + "-" + partChecksums.size();
    }

    static String encode(int crc) {
        return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt(crc).array());
    }

    RequestBody body(String contentType) {
        return RequestBody.fromContentProvider(this, length, contentType);
    }

    @Override
    public InputStream newStream() {
        close();
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ).position(offset);
            current = new Checked(Channels.newInputStream(channel), length);
            return current;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    @Override
    public String name() {
        return "FileRange";
    }

    /** Closes the current stream; its checksum stays readable. */
    @Override
    public void close() {
        if (current != null) {
            try {
                current.close();
            } catch (IOException e) {
                // closing a read-only file: nothing was written, nothing can be lost
            }
        }
    }

    /** Reads at most {@code remaining} bytes, then reports end of stream; sums what it hands out. */
    private static final class Checked extends FilterInputStream {
        private final CRC32 crc = new CRC32();
        private long remaining;

        Checked(InputStream in, long remaining) {
            super(in);
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = super.read();
            if (b < 0) {
                throw new EOFException("the file ended " + remaining + " bytes before the range");
            }
            crc.update(b);
            remaining--;
            return b;
        }

        @Override
        public int read(byte[] buffer, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (remaining <= 0) {
                return -1;
            }
            int n = super.read(buffer, off, (int) Math.min(len, remaining));
            if (n < 0) {
                // a file truncated under the upload: the announced length can no longer be sent
                throw new EOFException("the file ended " + remaining + " bytes before the range");
            }
            crc.update(buffer, off, n);
            remaining -= n;
            return n;
        }

        @Override
        public long skip(long n) {
            // skipped bytes would be missing from the checksum: the SDK never skips a request body
            return 0;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(super.available(), remaining);
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
