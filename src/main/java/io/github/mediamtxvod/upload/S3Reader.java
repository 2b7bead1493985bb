package io.github.mediamtxvod.upload;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.catalog.Entry;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Read access to the uploaded objects, for playing a segment whose local file is gone:
 * short-lived presigned GET URLs. Signing happens locally; no request is made. In local-only mode
 * every answer is empty. Lifecycle: {@link #start()} creates the signer, {@link #close()}
 * releases it; the creator closes. Thread-safe.
 */
public final class S3Reader implements AutoCloseable {
    private static final Duration MAX_EXPIRY = Duration.ofDays(7);

    private final S3Config config;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile S3Presigner presigner;

    public S3Reader(S3Config config) {
        this.config = requireNonNull(config, "config is null");
    }

    public void start() {
        if (config.enabled()) {
            presigner = S3Clients.presigner(config);
        }
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
        presigner.close();
    }

    private static URI toUri(java.net.URL url) {
        try {
            return url.toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the SDK presigned an invalid URL", e);
        }
    }
}
