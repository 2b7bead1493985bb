package io.github.mediamtxvod.upload;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.checksums.DefaultChecksumAlgorithm;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

class UnsignedPayloadSchemeTest {
    static final byte[] BODY = "123456789".getBytes(US_ASCII);
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

    final AwsV4HttpSigner signer = new UnsignedPayloadScheme().signer();

    static SignRequest<AwsCredentialsIdentity> upload(String endpoint, boolean chunked) {
        SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.PUT)
                .uri(URI.create(endpoint + "/vod/cam1/segment_000.mp4"))
                .putHeader("Content-Length", Integer.toString(BODY.length))
                .build();
        ContentStreamProvider body = ContentStreamProvider.fromByteArray(BODY);
        return SignRequest.builder(AwsCredentialsIdentity.create("access", "secret"))
                .request(request)
                .payload(body)
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "s3")
                .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                .putProperty(AwsV4FamilyHttpSigner.CHUNK_ENCODING_ENABLED, chunked)
                .putProperty(AwsV4FamilyHttpSigner.CHECKSUM_ALGORITHM, DefaultChecksumAlgorithm.CRC32)
                .putProperty(HttpSigner.SIGNING_CLOCK, CLOCK)
                .build();
    }

    static String body(SignedRequest signed) throws IOException {
        try (InputStream in = signed.payload().orElseThrow().newStream()) {
            return new String(in.readAllBytes(), US_ASCII);
        }
    }

    @Test
    void onPlainHttpAnUploadBodyGoesUnsignedWithATrailingCrc32() throws Exception {
        SignedRequest signed = signer.sign(upload("http://127.0.0.1:9000", true));

        assertThat(signed.request().protocol()).isEqualTo("http");
        assertThat(signed.request().port()).isEqualTo(9000);
        assertThat(signed.request().firstMatchingHeader("x-amz-content-sha256")).contains("STREAMING-UNSIGNED-PAYLOAD-TRAILER");
        assertThat(signed.request().firstMatchingHeader("x-amz-trailer")).contains("x-amz-checksum-crc32");
        assertThat(signed.request().firstMatchingHeader("Host")).contains("127.0.0.1:9000");
        // aws-chunked without chunk signatures; the CRC-32 of "123456789" is 0xCBF43926
        assertThat(body(signed)).isEqualTo("9\r\n123456789\r\n0\r\nx-amz-checksum-crc32:y/Q5Jg==\r\n\r\n");
    }

    @Test
    void theSignatureIsTheOneTheSdkGivesTheSameRequestOverHttps() {
        SignedRequest plain = signer.sign(upload("http://s3.example:8080", true));
        SignedRequest tls = AwsV4HttpSigner.create().sign(upload("https://s3.example:8080", true));

        assertThat(plain.request().firstMatchingHeader("Authorization"))
                .isPresent().isEqualTo(tls.request().firstMatchingHeader("Authorization"));
    }

    @Test
    void theDefaultPortStaysOutOfTheSignedHostAsTheHttpClientLeavesItOut() {
        SignedRequest signed = signer.sign(upload("http://s3.example", true));

        assertThat(signed.request().firstMatchingHeader("Host")).contains("s3.example");
        assertThat(signed.request().port()).isEqualTo(80);
    }

    @Test
    void bodiesThatAreNotStreamedAndAnythingOverHttpsAreSignedAsTheSdkSignsThem() {
        SignedRequest small = signer.sign(upload("http://127.0.0.1:9000", false));
        SignedRequest sdk = AwsV4HttpSigner.create().sign(upload("http://127.0.0.1:9000", false));
        assertThat(small.request().headers()).isEqualTo(sdk.request().headers());

        SignedRequest tls = signer.sign(upload("https://127.0.0.1:9000", true));
        SignedRequest sdkTls = AwsV4HttpSigner.create().sign(upload("https://127.0.0.1:9000", true));
        assertThat(tls.request().headers()).isEqualTo(sdkTls.request().headers());
    }

    @Test
    void withoutThisSchemeTheSdkSignsEveryChunkOnPlainHttp() {
        SignedRequest sdk = AwsV4HttpSigner.create().sign(upload("http://127.0.0.1:9000", true));

        assertThat(sdk.request().firstMatchingHeader("x-amz-content-sha256")).contains("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER");
    }
}
