package io.github.mediamtxvod.upload;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;

/**
 * A request body that streams {@code length} bytes of a file from {@code offset}: a multipart
 * part, or a whole file frozen at the size it had when the upload began (bytes appended later
 * are not sent, so the announced length always matches). Nothing is held in memory beyond the
 * SDK's buffers. The SDK may ask for a new stream per retry; the previous one is closed then.
 * Not thread-safe; one per request.
 */
final class FileRange implements ContentStreamProvider, AutoCloseable {
    private final Path file;
    private final long offset;
    private final long length;
    private InputStream current;

    FileRange(Path file, long offset, long length) {
        this.file = file;
        this.offset = offset;
        this.length = length;
    }

    /**
     * The CRC32 of the range, base64 of the 4 big-endian bytes as S3 writes it. Sent with the
     * upload so the server verifies the bytes it received against what is on disk.
     */
    String crc32() throws IOException {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(64 * 1024);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long position = offset;
            long end = offset + length;
            while (position < end) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
                int n = channel.read(buffer, position);
                if (n < 0) {
                    throw new java.io.EOFException(file + " ends at " + position + ", before the expected " + end);
                }
                buffer.flip();
                crc.update(buffer);
                position += n;
            }
        }
        return encode((int) crc.getValue());
    }

    /** The composite checksum S3 reports for a multipart upload: CRC32 over the parts' CRC32s, then "-N". */
    static String composite(java.util.List<String> partChecksums) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        for (String part : partChecksums) {
            crc.update(java.util.Base64.getDecoder().decode(part));
        }
        return encode((int) crc.getValue()) + "-" + partChecksums.size();
    }

    private static String encode(int crc) {
        return java.util.Base64.getEncoder().encodeToString(java.nio.ByteBuffer.allocate(4).putInt(crc).array());
    }

    RequestBody body(String contentType) {
        return RequestBody.fromContentProvider(this, length, contentType);
    }

    @Override
    public InputStream newStream() {
        close();
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ).position(offset);
            current = new Bounded(Channels.newInputStream(channel), length);
            return current;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    @Override
    public String name() {
        return "FileRange";
    }

    @Override
    public void close() {
        if (current != null) {
            try {
                current.close();
            } catch (IOException e) {
                // closing a read-only file: nothing was written, nothing can be lost
            }
            current = null;
        }
    }

    /** Reads at most {@code remaining} bytes, then reports end of stream. */
    private static final class Bounded extends FilterInputStream {
        private long remaining;

        Bounded(InputStream in, long remaining) {
            super(in);
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = super.read(buffer, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(Math.min(n, remaining));
            remaining -= skipped;
            return skipped;
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
