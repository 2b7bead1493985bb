package io.github.mediamtxvod.upload;

import io.github.mediamtxvod.runtime.Backoff;
import io.github.mediamtxvod.runtime.Durations;
import io.github.mediamtxvod.runtime.TransitionLog;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * What the workers know about S3 right now, shared by all of them: whether it answers, the last
 * failure, and until when nobody should try again (the backoff gate). Logs transitions only: the
 * first failure of an outage (WARN), each new kind of refusal (ERROR), a summary at most once a
 * minute while it lasts, and the recovery (INFO).
 * Thread-safe.
 */
final class S3Health {
    private static final Logger log = LoggerFactory.getLogger(S3Health.class);

    /** As {@link UploadStatus.S3State} without DISABLED. */
    private UploadStatus.S3State state = UploadStatus.S3State.UNKNOWN;
    private int consecutiveFailures;
    /** Monotonic: a wall clock set back must not stall the workers for as long. */
    private long notBeforeNanos;
    private boolean gated;
    private String lastError;
    private Instant lastErrorAt;
    private Instant lastCheck;
    private String refusal;
    private final TransitionLog unreachable = new TransitionLog(log);
    private final TransitionLog refused = new TransitionLog(log, Level.ERROR, TransitionLog.SUMMARY_PERIOD, System::nanoTime);

    private final String target;
    private final Backoff transientBackoff;
    private final Backoff permanentBackoff;
    private final InstantSource clock;
    private final LongSupplier nanoTime;

    /**
     * {@code target} names bucket and endpoint in log lines, e.g. {@code bucket 'vod' at
     * http://minio:9000}; {@code clock} only dates the errors shown, {@code nanoTime} times the waits.
     */
    S3Health(String target, Backoff transientBackoff, Backoff permanentBackoff, InstantSource clock,
            LongSupplier nanoTime) {
        this.target = target;
        this.transientBackoff = transientBackoff;
        this.permanentBackoff = permanentBackoff;
        this.clock = clock;
        this.nanoTime = nanoTime;
    }

    synchronized void succeeded() {
        String recovery = "{} - S3 accepts uploads again after {} failed attempts over {}; the backlog drains oldest first";
        unreachable.recovered(recovery, target, unreachable.failures(), Durations.describe(unreachable.failingFor()));
        refused.recovered(recovery, target, refused.failures(), Durations.describe(refused.failingFor()));
        state = UploadStatus.S3State.REACHABLE;
        lastCheck = clock.instant();
        consecutiveFailures = 0;
        gated = false;
        refusal = null;
    }

    /** Records a failure and returns how long every worker should now wait. */
    synchronized Duration failed(FailureKind kind, Throwable failure) {
        String description = FailureKind.describe(failure);
        consecutiveFailures++;
        lastError = description;
        lastErrorAt = clock.instant();
        lastCheck = lastErrorAt;
        Duration wait;
        if (kind == FailureKind.PERMANENT) {
            wait = permanentBackoff.delay(consecutiveFailures);
            String code = Objects.requireNonNullElse(FailureKind.errorCode(failure), failure.getClass().getName());
            if (!code.equals(refusal)) {
                // a new kind of refusal is news for the operator, even within one outage
                refused.recovered("{} - S3 refusal changed", target);
                refusal = code;
            }
            unreachable.recovered("{} - S3 answers again, but refuses", target);
            refused.failed("{} - S3 refuses uploads: {}. {}Segments stay queued locally and nothing is deleted;"
                    + " retrying slowly (at most every {}s).", target, description, hint(failure),
                    permanentBackoff.max().toSeconds());
            state = UploadStatus.S3State.REFUSED;
        } else {
            wait = transientBackoff.delay(consecutiveFailures);
            refused.recovered("{} - S3 no longer refuses, but does not answer", target);
            refusal = null;
            unreachable.failed("{} - S3 upload failed: {}; segments stay queued locally and are retried with backoff"
                    + " (at most every {}s)", target, description, transientBackoff.max().toSeconds());
            state = UploadStatus.S3State.UNREACHABLE;
        }
        notBeforeNanos = nanoTime.getAsLong() + wait.toNanos();
        gated = true;
        return wait;
    }

    /** How long workers should wait before the next request; zero when they may go. */
    synchronized Duration waitLeft() {
        long left = gated ? notBeforeNanos - nanoTime.getAsLong() : 0;
        return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
    }

    synchronized Snapshot snapshot() {
        return new Snapshot(state, consecutiveFailures, lastError, lastErrorAt, lastCheck);
    }

    record Snapshot(UploadStatus.S3State state, int consecutiveFailures, String lastError, Instant lastErrorAt,
            Instant lastCheck) {}

    private static String hint(Throwable failure) {
        if (failure instanceof BucketGuard.BucketMissingException) {
            return "";
        }
        String code = FailureKind.errorCode(failure);
        if (code == null && failure instanceof software.amazon.awssdk.awscore.exception.AwsServiceException service
                && (service.statusCode() == 401 || service.statusCode() == 403)) {
            return "Check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, and that they may use the bucket. ";
        }
        if (code == null) {
            return "Check the bucket, the endpoint and the credentials. ";
        }
        return switch (code) {
            case "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken" ->
                "Check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY. ";
            case "AccessDenied", "AllAccessDisabled", "AccountProblem" ->
                "The credentials need s3:PutObject and s3:GetObject on the bucket (and s3:CreateBucket to create it). ";
            case "NoSuchBucket" -> "Create the bucket or set S3_CREATE_BUCKET=true. ";
            case "RequestTimeTooSkewed" -> "Fix this machine's clock. ";
            case "InvalidStorageClass" -> "Check S3_STORAGE_CLASS. ";
            default -> "Check the bucket, the endpoint and the credentials. ";
        };
    }
}
