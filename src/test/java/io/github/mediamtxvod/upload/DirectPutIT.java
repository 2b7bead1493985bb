package io.github.mediamtxvod.upload;

import static io.github.mediamtxvod.upload.UploadHarness.objectSha256;
import static io.github.mediamtxvod.upload.UploadHarness.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import io.github.mediamtxvod.testing.LogCapture;
import io.github.mediamtxvod.testing.S3TestServer;
import io.github.mediamtxvod.testing.SelfSignedCertificate;
import io.github.mediamtxvod.testing.TestConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@link DirectPut} against a real S3-compatible server (S3Proxy, over HTTP and HTTPS): what the
 * server stores, that it checks the CRC32 header, and how each kind of failure surfaces, the way
 * the SDK client's own would (status and S3 error code, network, local file).
 */
class DirectPutIT {
    @TempDir
    Path tmp;

    S3TestServer s3;
    S3Client client;
    S3Config config;
    S3Client sdk;
    DirectPut put;

    @BeforeEach
    void start() throws Exception {
        s3 = UploadHarness.server(tmp);
        client = s3.client();
        client.createBucket(b -> b.bucket("vod"));
        config = TestConfig.s3(tmp.resolve("recordings"), s3).build().s3();
        sdk = S3Clients.client(config, 1);
        put = new DirectPut(config, sdk, S3Clients.httpClient(2).build());
    }

    @AfterEach
    void stop() {
        put.close();
        sdk.close();
        client.close();
        s3.close();
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static String crc32(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return FileRange.encode((int) crc.getValue());
    }

    DirectPut.Answer putBytes(DirectPut to, String key, byte[] bytes, Map<String, String> headers) throws IOException {
        return to.put(key, ContentStreamProvider.fromByteArray(bytes), bytes.length, crc32(bytes), headers);
    }

    @Test
    void storesTheBytesWithTheirHeadersAndAnswersWithTheEtagAndTheChecksum() throws Exception {
        byte[] bytes = randomBytes(300_000, 1);

        DirectPut.Answer answer = putBytes(put, "cam1/2026-12-06/20261206_101500/segment_000.mp4", bytes,
                Map.of("Content-Type", "video/mp4", "Cache-Control", "max-age=5", "x-amz-storage-class", "STANDARD",
                        "x-amz-meta-stream", "cam1"));

        var head = client.headObject(b -> b.bucket("vod").key("cam1/2026-12-06/20261206_101500/segment_000.mp4"));
        assertThat(head.contentLength()).isEqualTo(300_000);
        assertThat(head.contentType()).isEqualTo("video/mp4");
        assertThat(head.cacheControl()).isEqualTo("max-age=5");
        assertThat(head.metadata()).containsEntry("stream", "cam1");
        assertThat(answer.etag()).isEqualTo(head.eTag());
        assertThat(answer.checksumCrc32()).isEqualTo(crc32(bytes));
        assertThat(objectSha256(client, "vod", "cam1/2026-12-06/20261206_101500/segment_000.mp4"))
                .isEqualTo(sha256(new ByteArrayInputStream(bytes)));
    }

    @Test
    void aKeyWithSpacesPlusPercentAndUnicodeIsStoredUnderExactlyThatKey() throws Exception {
        String key = "live/Küche 1/a+b%20c=d&e/segment #1.mp4";
        byte[] bytes = randomBytes(1000, 2);

        putBytes(put, key, bytes, Map.of());

        assertThat(client.listObjectsV2(b -> b.bucket("vod")).contents()).extracting(o -> o.key()).containsExactly(key);
        assertThat(objectSha256(client, "vod", key)).isEqualTo(sha256(new ByteArrayInputStream(bytes)));
    }

    @Test
    void theServerRefusesABodyThatDoesNotMatchItsChecksumAndStoresNothing() {
        byte[] bytes = randomBytes(100_000, 3);

        assertThatThrownBy(() -> put.put("cam1/x.mp4", ContentStreamProvider.fromByteArray(bytes), bytes.length,
                crc32(new byte[] {1, 2, 3}), Map.of()))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(FailureKind.of(e)).isEqualTo(FailureKind.TRANSIENT);
                });
        assertThat(client.listObjectsV2(b -> b.bucket("vod")).contents()).isEmpty();
    }

    @Test
    void aSecondWriteWithIfNoneMatchIsAPreconditionFailureAndKeepsTheFirst() throws Exception {
        byte[] first = randomBytes(1000, 4);
        putBytes(put, "cam1/taken.mp4", first, Map.of("If-None-Match", "*"));

        assertThatThrownBy(() -> putBytes(put, "cam1/taken.mp4", randomBytes(1000, 5), Map.of("If-None-Match", "*")))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(412);
                    assertThat(ConditionalWrites.alreadyExists(e)).isTrue();
                });
        assertThat(objectSha256(client, "vod", "cam1/taken.mp4")).isEqualTo(sha256(new ByteArrayInputStream(first)));
    }

    @Test
    void aMissingBucketIsAPermanentFailureWithItsS3ErrorCode() throws Exception {
        S3Config other = TestConfig.s3(tmp.resolve("recordings"), s3).bucket("no-such-bucket").build().s3();
        try (S3Client otherSdk = S3Clients.client(other, 1);
                DirectPut missing = new DirectPut(other, otherSdk, S3Clients.httpClient(1).build())) {
            assertThatThrownBy(() -> putBytes(missing, "cam1/x.mp4", randomBytes(10, 6), Map.of()))
                    .isInstanceOfSatisfying(S3Exception.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(404);
                        assertThat(FailureKind.errorCode(e)).isEqualTo("NoSuchBucket");
                        assertThat(FailureKind.of(e)).isEqualTo(FailureKind.PERMANENT);
                        assertThat(FailureKind.describe(e)).startsWith("404 NoSuchBucket: ");
                    });
        }
    }

    @Test
    void aClockAnHourBehindIsCorrectedWithTheServersTimeAndTheRequestSentAgain() throws Exception {
        Clock behind = Clock.offset(Clock.systemUTC(), Duration.ofHours(-1));
        try (DirectPut skewed = new DirectPut(config, sdk, S3Clients.httpClient(1).build(), behind);
                LogCapture log = LogCapture.of(DirectPut.class)) {
            byte[] first = randomBytes(1000, 10);
            byte[] second = randomBytes(1000, 11);

            putBytes(skewed, "cam1/skewed-1.mp4", first, Map.of("If-None-Match", "*"));
            putBytes(skewed, "cam1/skewed-2.mp4", second, Map.of("If-None-Match", "*"));

            assertThat(objectSha256(client, "vod", "cam1/skewed-1.mp4")).isEqualTo(sha256(new ByteArrayInputStream(first)));
            assertThat(objectSha256(client, "vod", "cam1/skewed-2.mp4")).isEqualTo(sha256(new ByteArrayInputStream(second)));
            // the second PUT was signed with the corrected time at once: no second refusal, no second warning
            assertThat(log.messages(Level.WARN)).singleElement().asString()
                    .contains("behind S3's (RequestTimeTooSkewed)");
        }
    }

    @Test
    void aServerThatIsDownIsANetworkFailureAndAServerBackIsUsedAgain() throws Exception {
        putBytes(put, "cam1/before.mp4", randomBytes(1000, 7), Map.of());
        s3.stop();

        assertThatThrownBy(() -> putBytes(put, "cam1/during.mp4", randomBytes(1000, 8), Map.of()))
                .isInstanceOfSatisfying(SdkClientException.class,
                        e -> assertThat(FailureKind.of(e)).isEqualTo(FailureKind.TRANSIENT));

        s3.start();
        // the pooled connection died with the old server: the put still goes through, without a failure
        putBytes(put, "cam1/after.mp4", randomBytes(1000, 9), Map.of());
        assertThat(client.headObject(b -> b.bucket("vod").key("cam1/after.mp4")).contentLength()).isEqualTo(1000);
    }

    @Test
    void aFileShorterThanTheLengthAnnouncedIsALocalFailure() throws Exception {
        Path file = Files.write(tmp.resolve("short.mp4"), randomBytes(50_000, 10));

        try (FileRange body = new FileRange(file, 0, 60_000)) {
            assertThatThrownBy(() -> put.put("cam1/short.mp4", body, 60_000, crc32(new byte[0]), Map.of()))
                    .isInstanceOf(IOException.class)
                    .satisfies(e -> assertThat(FailureKind.of(e)).isEqualTo(FailureKind.LOCAL));
        }
        Files.delete(file);
        try (FileRange gone = new FileRange(file, 0, 10)) {
            assertThatThrownBy(() -> put.put("cam1/gone.mp4", gone, 10, crc32(new byte[0]), Map.of()))
                    .isInstanceOf(UncheckedIOException.class)
                    .satisfies(e -> assertThat(FailureKind.of(e)).isEqualTo(FailureKind.LOCAL));
        }
        // S3Proxy may still hold the cut-off request's temporary file (the key with a suffix) for a
        // moment: what counts is that neither key names an object
        assertThat(client.listObjectsV2(b -> b.bucket("vod")).contents()).extracting(o -> o.key())
                .doesNotContain("cam1/short.mp4", "cam1/gone.mp4");
    }

    @Test
    void overHttpsTheBodyIsStoredAndItsChecksumChecked() throws Exception {
        SelfSignedCertificate certificate = SelfSignedCertificate.create(tmp);
        URI https = s3.secureEndpoint(certificate);
        S3Config secure = TestConfig.s3(tmp.resolve("recordings"), s3).endpoint(https).build().s3();
        byte[] bytes = randomBytes(2_000_000, 11);
        try (S3Client secureSdk = S3Clients.client(secure, 1);
                DirectPut overTls = new DirectPut(secure, secureSdk, trusting(certificate))) {
            DirectPut.Answer answer = putBytes(overTls, "cam1/tls.mp4", bytes, Map.of("Content-Type", "video/mp4"));

            assertThat(answer.checksumCrc32()).isEqualTo(crc32(bytes));
            assertThatThrownBy(() -> overTls.put("cam1/bad.mp4", ContentStreamProvider.fromByteArray(bytes),
                    bytes.length, crc32(new byte[0]), Map.of()))
                    .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(400));
        }
        assertThat(objectSha256(client, "vod", "cam1/tls.mp4")).isEqualTo(sha256(new ByteArrayInputStream(bytes)));
        assertThat(client.listObjectsV2(b -> b.bucket("vod")).contents()).hasSize(1);
    }

    @Test
    @Timeout(60) // a client that never gives up would hang here instead of failing
    void aServerThatStopsAnsweringFailsTheRequestOnceNothingMovedForTheTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // takes every connection and reads every byte sent, answers nothing
            Thread.ofPlatform().daemon().name("silent-s3").start(() -> {
                while (!silent.isClosed()) {
                    try {
                        Socket connection = silent.accept();
                        Thread.ofPlatform().daemon().start(() -> {
                            try (connection) {
                                connection.getInputStream().transferTo(OutputStream.nullOutputStream());
                            } catch (IOException e) {
                                // the client gave up
                            }
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            S3Config stalled = TestConfig.s3(tmp.resolve("recordings"), s3)
                    .endpoint(URI.create("http://127.0.0.1:" + silent.getLocalPort())).build().s3();
            try (S3Client stalledSdk = S3Clients.client(stalled, 1);
                    DirectPut toSilent = new DirectPut(stalled, stalledSdk,
                            S3Clients.httpClient(1, Duration.ofSeconds(2)).build())) {
                long start = System.nanoTime();

                assertThatThrownBy(() -> putBytes(toSilent, "cam1/never.mp4", randomBytes(100_000, 5), Map.of()))
                        .isInstanceOf(SdkClientException.class)
                        .satisfies(e -> assertThat(FailureKind.of(e)).isEqualTo(FailureKind.TRANSIENT));
                // sent once more at once on a fresh connection (see DirectPut), each given up after 2 s
                assertThat(Duration.ofNanos(System.nanoTime() - start))
                        .isBetween(Duration.ofSeconds(2), Duration.ofSeconds(30));
            }
        }
    }

    /**
     * The production HTTP client, built while {@code javax.net.ssl.trustStore} names a store with only
     * the test server's certificate: the way an operator makes the recorder trust a private CA.
     */
    private static SdkHttpClient trusting(SelfSignedCertificate certificate) throws IOException, GeneralSecurityException {
        String store = certificate.trustStore().toString();
        System.setProperty("javax.net.ssl.trustStore", store);
        System.setProperty("javax.net.ssl.trustStorePassword", SelfSignedCertificate.PASSWORD);
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        try {
            return S3Clients.httpClient(1).build();
        } finally {
            System.clearProperty("javax.net.ssl.trustStore");
            System.clearProperty("javax.net.ssl.trustStorePassword");
            System.clearProperty("javax.net.ssl.trustStoreType");
        }
    }
}
