package io.github.mediamtxvod.upload;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * An immutable snapshot of the upload workers, for the dashboard, /ready and logs. The queue
 * itself (pending, quarantined, oldest) is the catalogue's to tell.
 *
 * @param s3State what the last S3 request taught us; {@link S3State#DISABLED} in local-only mode
 * @param inFlight uploads running right now
 * @param consecutiveFailures failed S3 requests since the last success
 * @param lastError the last upload failure, or null
 * @param lastErrorAt when it happened, or null
 * @param lastCheck when S3 last answered or failed to, or null before the first request
 * @param uploadsSucceeded uploads confirmed since start
 * @param bytesUploaded bytes confirmed since start
 */
public record UploadStatus(
        S3State s3State,
        int inFlight,
        int consecutiveFailures,
        String lastError,
        Instant lastErrorAt,
        Instant lastCheck,
        long uploadsSucceeded,
        long bytesUploaded) {

    public UploadStatus {
        requireNonNull(s3State, "s3State is null");
    }

    /** Whether segments are uploaded at all (false in local-only mode). */
    public boolean uploadsEnabled() {
        return s3State != S3State.DISABLED;
    }

    /** Whether the last S3 request succeeded. */
    public boolean s3Reachable() {
        return s3State == S3State.REACHABLE;
    }

    /** Whether S3 refuses uploads for a reason a human must fix (credentials, permissions, bucket). */
    public boolean permanentError() {
        return s3State == S3State.REFUSED;
    }

    /** What the uploader knows about S3. */
    public enum S3State {
        /** Local-only mode: no S3 configured. */
        DISABLED,
        /** No request answered yet. */
        UNKNOWN,
        /** The last request succeeded. */
        REACHABLE,
        /** The last request failed in a way that heals by itself (network, 5xx, throttling). */
        UNREACHABLE,
        /** S3 refuses the requests (credentials, permissions, missing bucket); retried slowly. */
        REFUSED
    }
}
