package io.github.mediamtxvod.upload;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.catalog.Entry;
import io.github.mediamtxvod.mp4.SegmentSource;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Read access to the uploaded objects, for playing a segment whose local file is gone:
 * short-lived presigned GET URLs (signed locally, no request made) and ranged reads ({@link
 * S3SegmentSource}). In local-only mode every answer is empty. Lifecycle: {@link #start()} creates
 * the signer and the client, {@link #close()} releases them; the creator closes. Thread-safe.
 */
public final class S3Reader implements AutoCloseable {
    private static final Duration MAX_EXPIRY = Duration.ofDays(7);
    /** Connections for ranged reads: playback requests read several fragments at once. */
    private static final int MAX_READ_CONNECTIONS = 64;

    private final S3Config config;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile S3Presigner presigner;
    private volatile S3Client client;

    public S3Reader(S3Config config) {
        this.config = requireNonNull(config, "config is null");
    }

    public void start() {
        if (config.enabled()) {
            presigner = S3Clients.presigner(config);
            client = S3Clients.client(config, MAX_READ_CONNECTIONS);
        }
    }

    /**
     * Ranged reads of the object S3 confirmed for {@code entry}; empty in local-only mode, before
     * {@link #start()}, after {@link #close()}, or when the segment is not confirmed.
     */
    public Optional<SegmentSource> source(Entry entry) {
        S3Client reader = client;
        if (reader == null || closed.get() || !entry.state().confirmedInS3() || entry.confirmation() == null) {
            return Optional.empty();
        }
        return Optional.of(new S3SegmentSource(reader, config.bucket(), entry.confirmation().key(),
                entry.segment().start(), entry.confirmation().sizeBytes()));
    }

    /**
     * A presigned GET URL of the object S3 confirmed for {@code entry}, valid for {@code expiry}
     * (1 second to 7 days); empty in local-only mode or when the segment is not confirmed.
     */
    public Optional<URI> presignedGet(Entry entry, Duration expiry) {
        if (expiry.compareTo(Duration.ofSeconds(1)) < 0 || expiry.compareTo(MAX_EXPIRY) > 0) {
            throw new IllegalArgumentException("presigned URL expiry must be 1s..7d: " + expiry);
        }
        S3Presigner signer = presigner;
        if (signer == null || !entry.state().confirmedInS3() || entry.confirmation() == null) {
            return Optional.empty();
        }
        String key = entry.confirmation().key();
        return Optional.of(toUri(signer.presignGetObject(request -> request.signatureDuration(expiry)
                .getObjectRequest(get -> get.bucket(config.bucket()).key(key))).url()));
    }

    @Override
    public void close() {
        if (closed.getAndSet(true) || presigner == null) {
            return;
        }
        try {
            presigner.close();
        } finally {
            client.close();
        }
    }

    private static URI toUri(java.net.URL url) {
        try {
            return url.toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the SDK presigned an invalid URL", e);
        }
    }
}
