package io.github.mediamtxvod.upload;

import io.github.mediamtxvod.runtime.Causes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** How an upload failure is handled; {@link #of} classifies an exception. Pure. */
enum FailureKind {
    /** S3 is down, slow, throttling or lost bytes on the way: retry soon, with backoff. */
    TRANSIENT,
    /** S3 refuses the request (credentials, permissions, missing bucket): a human must act; retry slowly. */
    PERMANENT,
    /** The local file could not be read: retry this segment later, S3 is not to blame. */
    LOCAL;

    private static final Set<String> PERMANENT_CODES = Set.of(
            "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "NoSuchBucket", "AllAccessDisabled",
            "AccountProblem", "InvalidBucketName", "InvalidStorageClass", "RequestTimeTooSkewed",
            "AuthorizationHeaderMalformed", "InvalidToken", "ExpiredToken", "PermanentRedirect",
            "InvalidArgument", "InvalidRequest", "NotImplemented", "MethodNotAllowed", "EntityTooLarge");

    static FailureKind of(Throwable failure) {
        if (failure instanceof IOException || failure instanceof UncheckedIOException) {
            return LOCAL;
        }
        if (failure instanceof BucketGuard.BucketMissingException) {
            return PERMANENT;
        }
        if (failure instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
            if (code != null && PERMANENT_CODES.contains(code)) {
                return PERMANENT;
            }
            int status = service.statusCode();
            if (status == 401 || status == 403) {
                return PERMANENT;
            }
            // 5xx, 429/SlowDown, 408/RequestTimeout, BadDigest, IncompleteBody, a HEAD 404 right after an
            // upload (a lagging replica), unknown 4xx: retrying is harmless
            return TRANSIENT;
        }
        if (failure instanceof SdkClientException) {
            // connection refused, reset, timeouts, unknown host, aborted: the network or the server
            return TRANSIENT;
        }
        // a confirmation mismatch or anything unexpected: another attempt is the safe answer
        return TRANSIENT;
    }

    /** A short description for logs and the status page: the S3 error code or the exception. */
    static String describe(Throwable failure) {
        if (failure instanceof AwsServiceException service && service.awsErrorDetails() != null
                && service.awsErrorDetails().errorCode() != null) {
            return service.statusCode() + " " + service.awsErrorDetails().errorCode() + ": "
                    + service.awsErrorDetails().errorMessage();
        }
        if (failure instanceof AwsServiceException service) {
            // a HEAD answer has no body, so no error code: the status says enough
            return "HTTP " + service.statusCode() + " (" + service.getClass().getSimpleName() + ")";
        }
        String message = failure.getMessage();
        Throwable root = Causes.root(failure);
        String rootText = root == failure ? "" : " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
        return failure.getClass().getSimpleName() + ": " + message + rootText;
    }

    /** The S3 error code of a service failure, else null. */
    static String errorCode(Throwable failure) {
        if (failure instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            return service.awsErrorDetails().errorCode();
        }
        return null;
    }
}
