package io.github.mediamtxvod.upload;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Builds the SDK clients from the S3 settings: the endpoint override and path-style access for
 * S3-compatible servers, static credentials or the SDK's default chain, the region. The
 * uploader's client keeps its connections open between requests (a pool of {@code
 * maxConnections}), computes checksums only where a request asks for one, and streams upload
 * bodies unsigned with a trailing checksum on plain HTTP too ({@link UnsignedPayloadScheme}). The
 * caller owns and closes what it gets.
 */
final class S3Clients {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    // no byte moving for this long means a dead connection; a large upload as such may take longer
    static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(60);

    private S3Clients() {}

    static S3Client client(S3Config config, int maxConnections) {
        return builder(config, maxConnections).build();
    }

    /** The uploader's client before {@code build()}; tests add an interceptor. */
    static S3ClientBuilder builder(S3Config config, int maxConnections) {
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(config.region()))
                .credentialsProvider(credentials(config))
                .forcePathStyle(config.forcePathStyle())
                // uploads name their checksum (CRC32) themselves; nothing else needs one
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .putAuthScheme(new UnsignedPayloadScheme())
                .serviceConfiguration(S3Configuration.builder().expectContinueEnabled(false).build())
                .httpClientBuilder(httpClient(maxConnections));
        if (config.endpoint() != null) {
            builder.endpointOverride(config.endpoint());
        }
        return builder;
    }

    /**
     * The HTTP client of the uploader's requests: a pool of {@code maxConnections} kept open between
     * requests, and a body sent at once, without waiting a round trip for "100 Continue" first.
     */
    static Apache5HttpClient.Builder httpClient(int maxConnections) {
        return Apache5HttpClient.builder()
                .expectContinueEnabled(false)
                .maxConnections(maxConnections)
                .connectionTimeout(CONNECT_TIMEOUT)
                .socketTimeout(SOCKET_TIMEOUT);
    }

    static S3Presigner presigner(S3Config config) {
        S3Presigner.Builder builder = S3Presigner.builder()
                .region(Region.of(config.region()))
                .credentialsProvider(credentials(config))
                .serviceConfiguration(S3Configuration.builder()
                        .pathStyleAccessEnabled(config.forcePathStyle())
                        .build());
        if (config.endpoint() != null) {
            builder.endpointOverride(config.endpoint());
        }
        return builder.build();
    }

    /** How log lines and reports name the server: the endpoint URL, or AWS S3 and its region. */
    static String describeEndpoint(S3Config config) {
        return config.endpoint() != null ? config.endpoint().toString() : "AWS S3 (" + config.region() + ")";
    }

    static AwsCredentialsProvider credentials(S3Config config) {
        if (config.accessKeyId() != null && config.secretAccessKey() != null) {
            return StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(config.accessKeyId(), config.secretAccessKey().value()));
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
