package io.github.mediamtxvod.upload;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.crt.CRT;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Builds the SDK clients from the S3 settings: the endpoint override and path-style access for
 * S3-compatible servers, static credentials or the SDK's default chain, the region. The
 * uploader's client keeps its connections open between requests (a pool of {@code
 * maxConnections}, {@link #httpClient}), computes checksums only where a request asks for one,
 * and streams upload bodies unsigned with a trailing checksum on plain HTTP too ({@link
 * UnsignedPayloadScheme}). The caller owns and closes what it gets.
 */
final class S3Clients {
    private static final Logger log = LoggerFactory.getLogger(S3Clients.class);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    // no byte moving for this long means a dead connection; a large upload as such may take longer
    static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(60);
    private static final long READ_AHEAD_BYTES = 1024 * 1024;

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
     * The HTTP client of the S3 requests. The AWS Common Runtime's ({@link AwsCrtHttpClient}): HTTP
     * and TLS in its native library, so that encryption runs at full speed from the first byte,
     * whatever the JVM has compiled yet (measured in docs/PERFORMANCE.md). Where that library
     * cannot be loaded (a platform it does not ship for, no writable temporary folder to extract
     * it to), Apache HttpClient 5, and one WARN line says so. Either keeps a pool of {@code
     * maxConnections} open between requests, sends a body at once (no round trip for "100
     * Continue"), gives up on connecting after {@link #CONNECT_TIMEOUT} and on a request once no
     * byte has moved for {@link #SOCKET_TIMEOUT}, and trusts the certificates the JVM is told to
     * trust ({@code javax.net.ssl.trustStore}); without that setting the CRT trusts the system's
     * certificate authorities and Apache HttpClient the JVM's.
     */
    static SdkHttpClient.Builder<?> httpClient(int maxConnections) {
        return httpClient(maxConnections, SOCKET_TIMEOUT);
    }

    /** As above, with the time without a byte moving after which a request fails; tests shorten it. */
    static SdkHttpClient.Builder<?> httpClient(int maxConnections, Duration stalled) {
        if (!NativeRuntime.LOADED) {
            return Apache5HttpClient.builder()
                    .expectContinueEnabled(false)
                    .maxConnections(maxConnections)
                    .connectionTimeout(CONNECT_TIMEOUT)
                    .socketTimeout(stalled);
        }
        return AwsCrtHttpClient.builder()
                .maxConcurrency(maxConnections)
                // what a connection reads ahead of its reader, on the heap: 16 MB by default, too much for
                // a playback /get from S3 per connection with a bounded heap
                .readBufferSizeInBytes(READ_AHEAD_BYTES)
                .connectionTimeout(CONNECT_TIMEOUT)
                // less than a byte a second over the whole time, answer awaited included: the connection is dead
                .connectionHealthConfiguration(health -> health.minimumThroughputInBps(1L)
                        .minimumThroughputTimeout(stalled))
                .useTrustStoreSystemProperties(true);
    }

    /** Whether the CRT's native library loads on this machine; tried once, in the first client built. */
    private static final class NativeRuntime {
        static final boolean LOADED = load();

        private static boolean load() {
            try {
                // CRT's static initialiser extracts and loads the library; a failure there is kept, not
                // thrown, and checkLoaded() throws it (as would the first client that used the CRT)
                CRT.checkLoaded();
                return true;
            } catch (LinkageError | RuntimeException e) {
                log.warn("The AWS Common Runtime's native library cannot be loaded here ({}; {}); S3 requests go through"
                        + " Apache HttpClient and Java's TLS instead, which over HTTPS costs about five times the CPU"
                        + " with the launcher's C1-only default: set VOD_RECORDER_JAVA_OPTS without"
                        + " -XX:TieredStopAtLevel=1 (see the README's Troubleshooting)", platform(), FailureKind.describe(e));
                return false;
            }
        }

        /** The platform the CRT looks for a library of, as it names it: {@code linux/x86_64}. */
        private static String platform() {
            try {
                return "platform " + CRT.getOSIdentifier() + "/" + CRT.getArchIdentifier();
            } catch (RuntimeException | LinkageError e) { // UnknownPlatformException among them
                return "platform unknown to it: " + e.getMessage();
            }
        }
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
