package io.github.mediamtxvod.upload;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.mp4.SegmentSource;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * A segment in S3, read with one ranged GetObject per {@link #open}: what playback reads when the
 * local file is gone. The size is the one S3 confirmed at upload, fixed like an uploaded object.
 * The SDK retries a failed GET (its standard retry policy); what still fails is an {@link
 * IOException} naming the bucket, key and range, never a credential. Immutable and thread-safe;
 * the client belongs to the {@link S3Reader} that made the source. A read waits (parked, not
 * holding a monitor) for the HTTP client's own thread to hand on bytes, or in the JDK's sockets
 * with the Apache fallback ({@link S3Clients#httpClient}), so virtual threads may call them.
 */
public final class S3SegmentSource implements SegmentSource {
    /** A stream closed with more than this left unread drops its connection instead of draining it. */
    private static final long DRAIN_LIMIT = 256 * 1024;

    private final S3Client client;
    private final String bucket;
    private final String key;
    private final Instant start;
    private final long size;

    S3SegmentSource(S3Client client, String bucket, String key, Instant start, long size) {
        this.client = requireNonNull(client, "client is null");
        this.bucket = requireNonNull(bucket, "bucket is null");
        this.key = requireNonNull(key, "key is null");
        this.start = requireNonNull(start, "start is null");
        this.size = size;
    }

    @Override
    public String name() {
        return "s3://" + bucket + "/" + key;
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
        if (wanted == 0) {
            return new ByteArrayInputStream(new byte[0]);
        }
        String range = "bytes=" + offset + "-" + (offset + wanted - 1);
        try {
            return new RangeStream(client.getObject(get -> get.bucket(bucket).key(key).range(range)), wanted);
        } catch (SdkException e) {
            throw new IOException(name() + ": cannot read " + range + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "S3SegmentSource[" + name() + " from " + start + ", " + size + " bytes]";
    }

    /** The body of one ranged GET; drops the connection when closed with much left unread. */
    private static final class RangeStream extends FilterInputStream {
        private final ResponseInputStream<GetObjectResponse> response;
        private long left;

        RangeStream(ResponseInputStream<GetObjectResponse> response, long length) {
            super(response);
            this.response = response;
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int read = super.read(buffer, offset, length);
            if (read > 0) {
                left -= read;
            }
            return read;
        }

        @Override
        public long skip(long count) throws IOException {
            long skipped = super.skip(count);
            left -= skipped;
            return skipped;
        }

        @Override
        public void close() throws IOException {
            if (left > DRAIN_LIMIT) {
                response.abort();
            }
            super.close();
        }
    }
}
