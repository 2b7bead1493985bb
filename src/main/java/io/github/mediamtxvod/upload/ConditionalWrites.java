package io.github.mediamtxvod.upload;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * How the uploader keeps a write from replacing an existing object: with {@code If-None-Match: *}
 * on the PUT (or on the completion of a multipart upload) while the server supports it, which S3
 * checks atomically; after the server answered such a request with 501 Not Implemented, with a
 * HEAD before each upload for the rest of the process. Servers that ignore the header cannot be
 * told apart; see docs/upload.md. Thread-safe.
 */
final class ConditionalWrites {
    private static final Logger log = LoggerFactory.getLogger(ConditionalWrites.class);

    private final String target;
    private volatile boolean supported = true;

    ConditionalWrites(String target) {
        this.target = target;
    }

    boolean supported() {
        return supported;
    }

    /** Whether S3 refused a write because an object already exists under the key (412). */
    static boolean alreadyExists(Throwable failure) {
        return failure instanceof AwsServiceException service && service.statusCode() == 412;
    }

    /** Whether S3 refused a conditional write for not implementing conditions (501, NotImplemented). */
    static boolean notImplemented(Throwable failure) {
        return failure instanceof AwsServiceException service
                && (service.statusCode() == 501 || "NotImplemented".equals(FailureKind.errorCode(service)));
    }

    /** From now on: HEAD before each upload. Says so once. */
    void fallBack(Throwable refusal) {
        if (supported) {
            supported = false;
            log.warn("{} does not implement conditional writes (If-None-Match: *): {}; from now on each upload"
                    + " checks with a HEAD first that no object exists under its key", target, FailureKind.describe(refusal));
        }
    }
}
