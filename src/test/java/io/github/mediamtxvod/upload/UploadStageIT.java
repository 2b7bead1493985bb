package io.github.mediamtxvod.upload;

import static io.github.mediamtxvod.upload.UploadHarness.awaitConfirmed;
import static io.github.mediamtxvod.upload.UploadHarness.objectSha256;
import static io.github.mediamtxvod.upload.UploadHarness.sha256;
import static io.github.mediamtxvod.upload.UploadHarness.stored;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.catalog.Entry;
import io.github.mediamtxvod.catalog.SegmentState;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.recording.SegmentLayout;
import io.github.mediamtxvod.testing.S3TestServer;
import io.github.mediamtxvod.testing.SegmentFiles;
import io.github.mediamtxvod.testing.TestConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/** Uploads against a real S3-compatible server (S3Proxy over HTTP) with the real SDK. */
class UploadStageIT {
    // recent, so that the default retention of 7 days keeps the local files
    static final Instant SESSION = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minusSeconds(3600);
    static final int MIB = 1024 * 1024;

    @TempDir
    Path tmp;

    Path recordings;
    S3TestServer s3;
    S3Client client;
    SegmentFiles files;

    @BeforeEach
    void startS3() throws Exception {
        recordings = tmp.resolve("recordings");
        s3 = UploadHarness.server(tmp);
        client = s3.client();
        files = new SegmentFiles(recordings);
    }

    @AfterEach
    void stopS3() {
        client.close();
        s3.close();
    }

    @Test
    void segmentsArriveUnderTheirKeysWithContentTypeMetadataStorageClassAndChecksum() throws Exception {
        TestConfig config = TestConfig.s3(recordings, s3).prefix("site/a").storageClass("STANDARD_IA");
        try (UploadStage service = UploadStage.start(config.build())) {
            Segment first = files.write("Küche/1", SESSION, 0, 300_000);
            Segment second = files.write("Küche/1", SESSION, 1, 1);
            service.record(first);
            service.record(second);
            awaitConfirmed(service, List.of(first, second));

            String key = "site/a/" + first.relativePath();
            assertThat(key).isEqualTo("site/a/K~C3~BCche~2F1/" + SegmentLayout.day(SESSION) + "/"
                    + SegmentLayout.sessionName(SESSION) + "/segment_000.mp4");
            HeadObjectResponse head = client.headObject(b -> b.bucket("vod").key(key));
            assertThat(head.contentLength()).isEqualTo(300_000);
            assertThat(head.contentType()).isEqualTo("video/mp4");
            assertThat(head.metadata())
                    .containsEntry("stream", "K%C3%BCche/1")
                    .containsEntry("session-start", SESSION.toString())
                    .containsEntry("segment-start", SESSION.toString())
                    .containsEntry("segment-index", "0")
                    .containsEntry("duration", "60");
            assertThat(head.storageClassAsString()).isEqualTo("STANDARD_IA");
            assertThat(objectSha256(client, "vod", key)).isEqualTo(sha256(first.file(recordings)));

            Entry confirmed = stored(service, first);
            assertThat(confirmed.state()).isEqualTo(SegmentState.UPLOADED);
            assertThat(confirmed.confirmation().key()).isEqualTo(key);
            assertThat(confirmed.confirmation().sizeBytes()).isEqualTo(300_000);
            assertThat(confirmed.confirmation().etag()).isNotEmpty();
            assertThat(confirmed.confirmation().checksum()).startsWith("CRC32:");
            assertThat(first.file(recordings)).exists();
            assertThat(service.status().uploadsSucceeded()).isEqualTo(2);
            assertThat(service.status().bytesUploaded()).isEqualTo(300_001);
            assertThat(service.status().s3Reachable()).isTrue();
        }
    }

    @Test
    void aLargeFileGoesMultipartAndArrivesIntact() throws Exception {
        TestConfig config = TestConfig.s3(recordings, s3).multipart(5L * MIB, 5L * MIB);
        try (UploadStage service = UploadStage.start(config.build())) {
            Segment large = files.write("cam1", SESSION, 0, 12 * MIB + 17);
            service.record(large);
            awaitConfirmed(service, List.of(large));

            HeadObjectResponse head = client.headObject(b -> b.bucket("vod").key(large.relativePath()));
            assertThat(head.contentLength()).isEqualTo(12L * MIB + 17);
            assertThat(head.eTag()).endsWith("-3\"");
            assertThat(head.metadata()).containsEntry("stream", "cam1");
            assertThat(objectSha256(client, "vod", large.relativePath())).isEqualTo(sha256(large.file(recordings)));
            assertThat(client.listMultipartUploads(b -> b.bucket("vod")).uploads()).isEmpty();
            assertThat(stored(service, large).confirmation().checksum()).startsWith("CRC32-composite:");
        }
    }

    @Test
    void anObjectWithOtherBytesUnderTheKeyIsNeverOverwrittenAndTheSegmentIsSetAsideWithItsFile() throws Exception {
        client.createBucket(b -> b.bucket("vod"));
        try (UploadStage service = UploadStage.start(TestConfig.s3(recordings, s3).build())) {
            Segment segment = files.write("cam1", SESSION, 0, 5000);
            Segment next = files.write("cam1", SESSION, 1, 5000);
            byte[] other = new byte[4000];
            client.putObject(b -> b.bucket("vod").key(segment.relativePath()), RequestBody.fromBytes(other));
            service.record(segment);
            service.record(next);

            UploadHarness.awaitState(service, segment, SegmentState.QUARANTINED);
            awaitConfirmed(service, List.of(next));
            assertThat(stored(service, segment).lastError()).contains("not overwritten").contains("4000 bytes");
            assertThat(client.headObject(b -> b.bucket("vod").key(segment.relativePath())).contentLength()).isEqualTo(4000);
            assertThat(segment.file(recordings)).exists();
        }
    }

    @Test
    void aPresignedUrlServesAConfirmedSegmentAndNothingElse() throws Exception {
        try (UploadStage service = UploadStage.start(TestConfig.s3(recordings, s3).build())) {
            Segment segment = files.write("cam1", SESSION, 0, 5000);
            assertThat(service.presignedUrl(segment.relativePath(), Duration.ofMinutes(5))).isEmpty();
            service.record(segment);
            awaitConfirmed(service, List.of(segment));

            URI url = service.presignedUrl(segment.relativePath(), Duration.ofMinutes(5)).orElseThrow();
            HttpResponse<byte[]> response = HttpClient.newHttpClient()
                    .send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(sha256(new java.io.ByteArrayInputStream(response.body()))).isEqualTo(sha256(segment.file(recordings)));
            assertThat(service.presignedUrl("../../etc/passwd", Duration.ofMinutes(5))).isEmpty();
        }
    }
}
