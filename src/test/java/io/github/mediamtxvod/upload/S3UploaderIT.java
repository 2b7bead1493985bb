package io.github.mediamtxvod.upload;

import static io.github.mediamtxvod.upload.UploadHarness.objectSha256;
import static io.github.mediamtxvod.upload.UploadHarness.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mediamtxvod.catalog.Confirmation;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.testing.S3TestServer;
import io.github.mediamtxvod.testing.SegmentFiles;
import io.github.mediamtxvod.testing.TestConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The uploader against a real S3-compatible server (S3Proxy over plain HTTP, real SDK): what goes
 * on the wire, parts in parallel, and that an existing object is never replaced by other bytes,
 * with conditional writes and with a HEAD first.
 */
class S3UploaderIT {
    static final Instant SESSION = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(3600);
    static final int MIB = 1024 * 1024;

    @TempDir
    Path tmp;

    Path recordings;
    S3TestServer s3;
    S3Client client;
    S3Config config;
    SegmentFiles files;
    Wire wire;
    S3Client uploaderClient;
    S3Uploader uploader;

    @BeforeEach
    void start() throws Exception {
        recordings = tmp.resolve("recordings");
        s3 = UploadHarness.server(tmp);
        client = s3.client();
        client.createBucket(b -> b.bucket("vod"));
        files = new SegmentFiles(recordings);
        config = TestConfig.s3(recordings, s3).multipart(5L * MIB, 5L * MIB).build().s3();
        wire = new Wire(S3Clients.httpClient(16).build());
        uploaderClient = S3Clients.builder(config, 16).httpClientBuilder(null).httpClient(wire).build();
        uploader = new S3Uploader(uploaderClient, new DirectPut(config, uploaderClient, wire), config,
                InstantSource.system());
    }

    @AfterEach
    void stop() {
        uploader.close();
        uploaderClient.close();
        client.close();
        s3.close();
    }

    /**
     * What the uploader sent, seen at its HTTP client (the SDK client's requests and the direct PUTs
     * alike): each request's S3 operation, the payload mode of each PUT, Expect headers, and parts in
     * flight.
     */
    static final class Wire implements SdkHttpClient {
        final List<String> payloadModes = new CopyOnWriteArrayList<>();
        final List<String> checksumHeaders = new CopyOnWriteArrayList<>();
        final List<String> expectHeaders = new CopyOnWriteArrayList<>();
        final List<String> requests = new CopyOnWriteArrayList<>();
        final AtomicInteger partsInFlight = new AtomicInteger();
        final AtomicInteger mostPartsInFlight = new AtomicInteger();
        /** Drops the CRC32 from the answers to PUTs, as a server that keeps no checksum answers. */
        volatile boolean withoutChecksumEcho;
        private final SdkHttpClient delegate;

        Wire(SdkHttpClient delegate) {
            this.delegate = delegate;
        }

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            SdkHttpRequest http = request.httpRequest();
            String operation = operation(http);
            requests.add(operation);
            if (http.method() == SdkHttpMethod.PUT) {
                http.firstMatchingHeader("x-amz-content-sha256").ifPresent(payloadModes::add);
                http.firstMatchingHeader(DirectPut.CHECKSUM_HEADER).ifPresent(checksumHeaders::add);
            }
            http.firstMatchingHeader("Expect").ifPresent(expectHeaders::add);
            ExecutableHttpRequest executable = delegate.prepareRequest(request);
            boolean part = operation.equals("UploadPart");
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() throws IOException {
                    if (part) {
                        mostPartsInFlight.accumulateAndGet(partsInFlight.incrementAndGet(), Math::max);
                    }
                    try {
                        HttpExecuteResponse response = executable.call();
                        if (!withoutChecksumEcho || !operation.equals("PutObject")) {
                            return response;
                        }
                        return HttpExecuteResponse.builder()
                                .response(response.httpResponse().toBuilder().removeHeader(DirectPut.CHECKSUM_HEADER).build())
                                .responseBody(response.responseBody().orElse(null)).build();
                    } finally {
                        if (part) {
                            partsInFlight.decrementAndGet();
                        }
                    }
                }

                @Override
                public void abort() {
                    executable.abort();
                }
            };
        }

        private static String operation(SdkHttpRequest http) {
            Map<String, List<String>> query = http.rawQueryParameters();
            return switch (http.method()) {
                case PUT -> query.containsKey("partNumber") ? "UploadPart" : "PutObject";
                case HEAD -> "HeadObject";
                case GET -> "GetObject";
                case POST -> query.containsKey("uploads") ? "CreateMultipartUpload" : "CompleteMultipartUpload";
                case DELETE -> query.containsKey("uploadId") ? "AbortMultipartUpload" : "DeleteObject";
                default -> http.method().name();
            };
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    Segment segment(int index, int size) throws Exception {
        return files.write("cam1", SESSION, index, size);
    }

    void putOther(Segment segment, byte[] bytes, boolean withChecksum) {
        try (S3Client other = withChecksum ? s3.client() : S3Client.builder()
                .endpointOverride(s3.endpoint()).region(software.amazon.awssdk.regions.Region.US_EAST_1).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .credentialsProvider(() -> software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                        S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY))
                .httpClientBuilder(software.amazon.awssdk.http.apache5.Apache5HttpClient.builder())
                .build()) {
            other.putObject(b -> b.bucket("vod").key(segment.relativePath()), RequestBody.fromBytes(bytes));
        }
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    @Test
    void onPlainHttpTheBodyGoesOnceUnsignedWithItsChecksumInAHeaderWithoutWaitingFor100ContinueAndIsConfirmed() throws Exception {
        Segment segment = segment(0, 300_000);

        Confirmation confirmation = uploader.upload(segment, segment.file(recordings));

        assertThat(wire.payloadModes).containsExactly("UNSIGNED-PAYLOAD");
        assertThat(wire.checksumHeaders).containsExactly(FileRange.readCrc32(segment.file(recordings), 0, 300_000));
        assertThat(wire.expectHeaders).isEmpty();
        assertThat(confirmation.sizeBytes()).isEqualTo(300_000);
        assertThat(confirmation.checksum()).isEqualTo("CRC32:" + FileRange.readCrc32(segment.file(recordings), 0, 300_000));
        assertThat(objectSha256(client, "vod", segment.relativePath())).isEqualTo(sha256(segment.file(recordings)));
    }

    @Test
    void aPutWhoseAnswerEchoesItsChecksumIsConfirmedByThatAnswer() throws Exception {
        Segment segment = segment(0, 200_000);

        Confirmation confirmation = uploader.upload(segment, segment.file(recordings));

        assertThat(wire.requests).containsExactly("PutObject");
        assertThat(confirmation.checksum()).isEqualTo("CRC32:" + FileRange.readCrc32(segment.file(recordings), 0, 200_000));
        assertThat(confirmation.etag()).isEqualTo(client.headObject(b -> b.bucket("vod").key(segment.relativePath()))
                .eTag().replace("\"", ""));
    }

    @Test
    void withoutAnEchoTheFirstPutOfARunIsCheckedWithAHeadAndLaterOnesAreConfirmedByTheirAnswers() throws Exception {
        wire.withoutChecksumEcho = true;
        Segment first = segment(0, 200_000);
        Segment second = segment(1, 250_000);

        Confirmation one = uploader.upload(first, first.file(recordings));
        List<String> firstRequests = List.copyOf(wire.requests);
        wire.requests.clear();
        Confirmation two = uploader.upload(second, second.file(recordings));

        assertThat(firstRequests).containsExactly("PutObject", "HeadObject");
        assertThat(wire.requests).containsExactly("PutObject");
        assertThat(two.sizeBytes()).isEqualTo(250_000);
        assertThat(two.checksum()).isEqualTo("CRC32:" + FileRange.readCrc32(second.file(recordings), 0, 250_000));
        assertThat(two.etag()).isEqualTo(client.headObject(b -> b.bucket("vod").key(second.relativePath())).eTag()
                .replace("\"", ""));
        assertThat(one.etag()).isNotEmpty();
        assertThat(objectSha256(client, "vod", second.relativePath())).isEqualTo(sha256(second.file(recordings)));
    }

    @Test
    void aMultipartUploadSendsItsPartsInParallelAndIsConfirmedByItsCompositeChecksum() throws Exception {
        Segment large = segment(0, 23 * MIB + 5);

        Confirmation confirmation = uploader.upload(large, large.file(recordings));

        assertThat(wire.mostPartsInFlight.get()).isGreaterThan(1).isLessThanOrEqualTo(MultipartUpload.PARTS_IN_FLIGHT);
        assertThat(wire.payloadModes).hasSize(5).containsOnly("STREAMING-UNSIGNED-PAYLOAD-TRAILER");
        assertThat(confirmation.checksum()).startsWith("CRC32-composite:").endsWith("-5");
        assertThat(client.headObject(b -> b.bucket("vod").key(large.relativePath())).contentLength())
                .isEqualTo(23L * MIB + 5);
        assertThat(objectSha256(client, "vod", large.relativePath())).isEqualTo(sha256(large.file(recordings)));
        assertThat(client.listMultipartUploads(b -> b.bucket("vod")).uploads()).isEmpty();
    }

    @Test
    void anExistingObjectWithOtherBytesIsNeverOverwritten() throws Exception {
        Segment segment = segment(0, 100_000);
        byte[] other = randomBytes(100_000, 7);
        putOther(segment, other, true);

        assertThatThrownBy(() -> uploader.upload(segment, segment.file(recordings)))
                .isInstanceOf(ObjectConflictException.class)
                .hasMessageContaining("vod/" + segment.relativePath())
                .hasMessageContaining("not overwritten");
        assertThat(objectSha256(client, "vod", segment.relativePath())).isEqualTo(sha256(new java.io.ByteArrayInputStream(other)));
    }

    @Test
    void anExistingObjectWithOtherBytesOfTheSameSizeAndNoChecksumIsReadAndNeverOverwritten() throws Exception {
        Segment segment = segment(0, 100_000);
        byte[] other = randomBytes(100_000, 7);
        putOther(segment, other, false);

        assertThatThrownBy(() -> uploader.upload(segment, segment.file(recordings))).isInstanceOf(ObjectConflictException.class);
        assertThat(objectSha256(client, "vod", segment.relativePath())).isEqualTo(sha256(new java.io.ByteArrayInputStream(other)));
    }

    @Test
    void anExistingObjectWithTheSameBytesConfirmsTheUploadAsARepeatAfterACrashWould() throws Exception {
        Segment segment = segment(0, 100_000);
        putOther(segment, Files.readAllBytes(segment.file(recordings)), false);

        Confirmation confirmation = uploader.upload(segment, segment.file(recordings));

        assertThat(confirmation.sizeBytes()).isEqualTo(100_000);
        assertThat(confirmation.checksum()).isEqualTo("CRC32:" + FileRange.readCrc32(segment.file(recordings), 0, 100_000));
    }

    @Test
    void aRepeatedMultipartUploadFindsItsOwnObjectAndAbortsItsParts() throws Exception {
        Segment large = segment(0, 12 * MIB);
        Confirmation first = uploader.upload(large, large.file(recordings));

        Confirmation again = uploader.upload(large, large.file(recordings));

        assertThat(again.checksum()).isEqualTo(first.checksum());
        assertThat(client.listMultipartUploads(b -> b.bucket("vod")).uploads()).isEmpty();
    }

    @Test
    void aMultipartUploadOverAnotherObjectIsRefusedAndLeavesNoParts() throws Exception {
        Segment large = segment(0, 12 * MIB);
        byte[] other = randomBytes(12 * MIB, 3);
        putOther(large, other, true);

        assertThatThrownBy(() -> uploader.upload(large, large.file(recordings))).isInstanceOf(ObjectConflictException.class);
        assertThat(objectSha256(client, "vod", large.relativePath())).isEqualTo(sha256(new java.io.ByteArrayInputStream(other)));
        assertThat(client.listMultipartUploads(b -> b.bucket("vod")).uploads()).isEmpty();
    }

    @Test
    void withoutConditionalWritesAHeadFirstKeepsOtherBytesAndStillUploadsNewObjects() throws Exception {
        ConditionalWrites headFirst = new ConditionalWrites("test");
        headFirst.fallBack(FailureKindTest.s3(501, "NotImplemented"));
        S3Uploader checking = new S3Uploader(uploaderClient,
                new DirectPut(config, uploaderClient, S3Clients.httpClient(4).build()), config, InstantSource.system(),
                headFirst);
        try {
            Segment taken = segment(0, 100_000);
            byte[] other = randomBytes(100_000, 9);
            putOther(taken, other, true);
            assertThatThrownBy(() -> checking.upload(taken, taken.file(recordings))).isInstanceOf(ObjectConflictException.class);
            assertThat(objectSha256(client, "vod", taken.relativePath())).isEqualTo(sha256(new java.io.ByteArrayInputStream(other)));

            Segment fresh = segment(1, 200_000);
            assertThat(checking.upload(fresh, fresh.file(recordings)).sizeBytes()).isEqualTo(200_000);
            Segment large = segment(2, 11 * MIB);
            assertThat(checking.upload(large, large.file(recordings)).checksum()).startsWith("CRC32-composite:");
            assertThat(checking.upload(large, large.file(recordings)).checksum()).startsWith("CRC32-composite:");
        } finally {
            checking.close();
        }
    }
}
