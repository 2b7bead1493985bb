package io.github.mediamtxvod.upload;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;

/**
 * An immutable snapshot of the upload side, for the dashboard, /ready and logs.
 *
 * @param uploadsEnabled false in local-only mode (no S3 setting given)
 * @param s3State what the last S3 request taught us
 * @param pending segments waiting for upload (PENDING)
 * @param inFlight uploads running right now
 * @param uploaded segments confirmed in S3 whose local file is still there
 * @param localDeleted segments confirmed in S3 whose local file was deleted
 * @param quarantined entries set aside for a human (e.g. file vanished before upload)
 * @param oldestPendingAge how long the longest-waiting segment has waited; zero when none
 * @param consecutiveFailures failed S3 requests since the last success
 * @param lastError the last upload failure, or null
 * @param lastErrorAt when it happened, or null
 * @param uploadsSucceeded uploads confirmed since start
 * @param bytesUploaded bytes confirmed since start
 * @param mayStartNewSessions false when the disk guard says: start no new recording session
 * @param diskFreeBytes usable space in RECORDINGS_DIR at the last check, or -1 when unknown
 */
public record UploadStatus(
        boolean uploadsEnabled,
        S3State s3State,
        long pending,
        int inFlight,
        long uploaded,
        long localDeleted,
        long quarantined,
        Duration oldestPendingAge,
        int consecutiveFailures,
        String lastError,
        Instant lastErrorAt,
        long uploadsSucceeded,
        long bytesUploaded,
        boolean mayStartNewSessions,
        long diskFreeBytes) {

    public UploadStatus {
        requireNonNull(s3State, "s3State is null");
        requireNonNull(oldestPendingAge, "oldestPendingAge is null");
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
