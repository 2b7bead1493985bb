package io.github.mediamtxvod.web;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.mp4.SegmentSource;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/**
 * A segment in S3, read with ranged GETs of a presigned URL (the signature covers the host only,
 * so one URL serves every range). Blocks the calling thread, which must be a platform thread of
 * the thumbnail pool. Immutable; each {@link #open} is one request.
 */
final class PresignedSegmentSource implements SegmentSource {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final HttpClient client;
    private final URI url;
    private final String name;
    private final Instant start;
    private final long size;

    /**
     * @param name for messages: the segment's relative path (the presigned URL holds a signature
     *     and is never shown)
     */
    PresignedSegmentSource(HttpClient client, URI url, String name, Instant start, long size) {
        this.client = requireNonNull(client, "client is null");
        this.url = requireNonNull(url, "url is null");
        this.name = requireNonNull(name, "name is null");
        this.start = requireNonNull(start, "start is null");
        this.size = size;
    }

    @Override
    public String name() {
        return "s3:" + name;
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
            return InputStream.nullInputStream();
        }
        HttpRequest request = HttpRequest.newBuilder(url).timeout(TIMEOUT).GET()
                .header("Range", "bytes=" + offset + "-" + (offset + wanted - 1))
                .build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading " + name() + " from S3");
        }
        InputStream body = response.body();
        int status = response.statusCode();
        if (status == 200) {
            // a server that ignores Range sends the whole object: skip to the range
            body.skipNBytes(offset);
        } else if (status != 206) {
            body.close();
            throw new IOException("S3 answered " + status + " to a ranged read of " + name());
        }
        return new Limited(body, wanted);
    }

    /** At most {@code left} bytes of a stream; closing closes it (ends the request). */
    private static final class Limited extends FilterInputStream {
        private long left;

        Limited(InputStream in, long left) {
            super(in);
            this.left = left;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = super.read();
            left = b < 0 ? 0 : left - 1;
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int read = super.read(buffer, offset, (int) Math.min(length, left));
            left = read < 0 ? 0 : left - read;
            return read;
        }

        @Override
        public long skip(long count) throws IOException {
            long skipped = super.skip(Math.min(Math.max(0, count), left));
            left -= skipped;
            return skipped;
        }
    }
}
