package io.github.mediamtxvod.upload;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketLocationConstraint;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;

/**
 * Makes sure the bucket exists before the first upload: HEAD, and when it is missing create it
 * if S3_CREATE_BUCKET allows, else fail with {@link BucketMissingException}. A 403 on the HEAD
 * proves nothing (HEAD needs s3:ListBucket, which upload-only credentials often lack), so the
 * uploads go ahead and their own answers tell. Remembers the outcome until an upload reports
 * the bucket gone. Thread-safe.
 */
final class BucketGuard {
    private static final Logger log = LoggerFactory.getLogger(BucketGuard.class);

    private final S3Client client;
    private final S3Config config;
    private volatile boolean ready;

    BucketGuard(S3Client client, S3Config config) {
        this.client = client;
        this.config = config;
    }

    /** Returns when the bucket exists; throws the SDK's exception or {@link BucketMissingException}. */
    void ensure() {
        if (ready) {
            return;
        }
        synchronized (this) {
            if (ready) {
                return;
            }
            try {
                if (!exists(client, config.bucket())) {
                    if (!config.createBucket()) {
                        throw new BucketMissingException(config.bucket(), S3Clients.describeEndpoint(config));
                    }
                    create();
                }
            } catch (AwsServiceException e) {
                if (e.statusCode() != 403) {
                    throw e;
                }
                log.debug("{} - HEAD bucket answered 403; the first upload will show whether it may write",
                        config.bucket());
            }
            ready = true;
        }
    }

    /** Forget the check, after an upload was answered NoSuchBucket. */
    void invalidate() {
        ready = false;
    }

    /** HEAD bucket: true when it exists, false on 404; anything else is thrown. */
    static boolean exists(S3Client client, String bucket) {
        try {
            client.headBucket(b -> b.bucket(bucket));
            return true;
        } catch (AwsServiceException e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    private void create() {
        CreateBucketRequest.Builder request = CreateBucketRequest.builder().bucket(config.bucket());
        if (!"us-east-1".equals(config.region())) {
            request.createBucketConfiguration(c -> c.locationConstraint(BucketLocationConstraint.fromValue(config.region())));
        }
        try {
            client.createBucket(request.build());
            log.info("{} - bucket created at {}", config.bucket(), S3Clients.describeEndpoint(config));
        } catch (AwsServiceException e) {
            String code = FailureKind.errorCode(e);
            // another recorder (or a person) created it meanwhile: fine
            if (!"BucketAlreadyOwnedByYou".equals(code) && !"BucketAlreadyExists".equals(code)) {
                throw e;
            }
        }
    }

    /** The bucket does not exist and S3_CREATE_BUCKET=false forbids creating it: a human must act. */
    static final class BucketMissingException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BucketMissingException(String bucket, String endpoint) {
            super("bucket '" + bucket + "' does not exist at " + endpoint
                    + " and S3_CREATE_BUCKET=false; create the bucket or set S3_CREATE_BUCKET=true");
        }
    }
}
