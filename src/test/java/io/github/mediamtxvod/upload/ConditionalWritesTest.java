package io.github.mediamtxvod.upload;

import static io.github.mediamtxvod.upload.FailureKindTest.s3;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.github.mediamtxvod.testing.LogCapture;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

class ConditionalWritesTest {
    @Test
    void a412MeansAnObjectExistsUnderTheKey() {
        assertThat(ConditionalWrites.alreadyExists(s3(412, "PreconditionFailed"))).isTrue();
        assertThat(ConditionalWrites.alreadyExists(s3(409, "ConditionalRequestConflict"))).isFalse();
        assertThat(ConditionalWrites.alreadyExists(s3(500, "InternalError"))).isFalse();
        assertThat(ConditionalWrites.alreadyExists(SdkClientException.create("reset"))).isFalse();
    }

    @Test
    void a501OrNotImplementedMeansTheServerHasNoConditionalWrites() {
        assertThat(ConditionalWrites.notImplemented(s3(501, "NotImplemented"))).isTrue();
        assertThat(ConditionalWrites.notImplemented(s3(501, null))).isTrue();
        assertThat(ConditionalWrites.notImplemented(s3(400, "NotImplemented"))).isTrue();
        assertThat(ConditionalWrites.notImplemented(s3(400, "InvalidArgument"))).isFalse();
        assertThat(ConditionalWrites.notImplemented(s3(412, "PreconditionFailed"))).isFalse();
        assertThat(ConditionalWrites.notImplemented(SdkClientException.create("reset"))).isFalse();
    }

    @Test
    void afterTheFallBackEveryUploadChecksFirstAndTheLogSaysSoOnce() {
        ConditionalWrites writes = new ConditionalWrites("bucket 'vod' at http://s3");
        assertThat(writes.supported()).isTrue();
        try (LogCapture log = LogCapture.of(ConditionalWrites.class)) {
            writes.fallBack(s3(501, "NotImplemented"));
            writes.fallBack(s3(501, "NotImplemented"));

            assertThat(writes.supported()).isFalse();
            assertThat(log.messages(Level.WARN)).hasSize(1).first().asString()
                    .contains("bucket 'vod' at http://s3").contains("If-None-Match").contains("HEAD first");
        }
    }
}
