package io.github.mediamtxvod.upload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class FailureKindTest {
    static S3Exception s3(int status, String code) {
        return (S3Exception) S3Exception.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("message of " + code).build())
                .build();
    }

    @Test
    void refusalsAHumanMustFixArePermanent() {
        assertThat(FailureKind.of(s3(403, "SignatureDoesNotMatch"))).isEqualTo(FailureKind.PERMANENT);
        assertThat(FailureKind.of(s3(403, "InvalidAccessKeyId"))).isEqualTo(FailureKind.PERMANENT);
        assertThat(FailureKind.of(s3(403, "AccessDenied"))).isEqualTo(FailureKind.PERMANENT);
        assertThat(FailureKind.of(s3(404, "NoSuchBucket"))).isEqualTo(FailureKind.PERMANENT);
        assertThat(FailureKind.of(s3(403, null))).isEqualTo(FailureKind.PERMANENT);
        assertThat(FailureKind.of(new BucketGuard.BucketMissingException("vod", "http://s3"))).isEqualTo(FailureKind.PERMANENT);
    }

    @Test
    void outagesThrottlingAndDamagedBytesAreTransient() {
        assertThat(FailureKind.of(s3(500, "InternalError"))).isEqualTo(FailureKind.TRANSIENT);
        assertThat(FailureKind.of(s3(503, "SlowDown"))).isEqualTo(FailureKind.TRANSIENT);
        assertThat(FailureKind.of(s3(429, "TooManyRequests"))).isEqualTo(FailureKind.TRANSIENT);
        assertThat(FailureKind.of(s3(400, "RequestTimeout"))).isEqualTo(FailureKind.TRANSIENT);
        assertThat(FailureKind.of(s3(400, "BadDigest"))).isEqualTo(FailureKind.TRANSIENT);
        assertThat(FailureKind.of(s3(404, null))).isEqualTo(FailureKind.TRANSIENT);
        assertThat(FailureKind.of(SdkClientException.create("refused", new ConnectException("Connection refused"))))
                .isEqualTo(FailureKind.TRANSIENT);
        assertThat(FailureKind.of(new ConfirmationMismatchException("size"))).isEqualTo(FailureKind.TRANSIENT);
    }

    @Test
    void aLocalReadErrorIsNotBlamedOnS3() {
        assertThat(FailureKind.of(new IOException("disk"))).isEqualTo(FailureKind.LOCAL);
    }

    @Test
    void descriptionsNameTheS3ErrorCodeOrTheRootCause() {
        assertThat(FailureKind.describe(s3(403, "SignatureDoesNotMatch")))
                .isEqualTo("403 SignatureDoesNotMatch: message of SignatureDoesNotMatch");
        assertThat(FailureKind.describe(SdkClientException.create("Unable to execute", new ConnectException("Connection refused"))))
                .contains("SdkClientException").contains("ConnectException: Connection refused");
    }

    @Test
    @Timeout(10) // a walk that followed the loop would never end
    void aChainOfCausesThatLoopsIsDescribedToo() {
        IOException outer = new IOException("outer");
        IllegalStateException inner = new IllegalStateException("inner", outer);
        outer.initCause(inner);

        assertThat(FailureKind.describe(outer)).startsWith("IOException: outer");
    }
}
