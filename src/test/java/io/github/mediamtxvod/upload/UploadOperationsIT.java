package io.github.mediamtxvod.upload;

import static io.github.mediamtxvod.upload.UploadHarness.awaitConfirmed;
import static io.github.mediamtxvod.upload.UploadHarness.awaitState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.mediamtxvod.RecorderConfig;
import io.github.mediamtxvod.catalog.SegmentState;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.testing.S3TestServer;
import io.github.mediamtxvod.testing.SegmentFiles;
import io.github.mediamtxvod.testing.TestConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention after upload, the metrics, the disk guard and the check command against a real S3 server. */
class UploadOperationsIT {
    static final Instant SESSION = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(3600);

    @TempDir
    Path tmp;

    Path recordings;
    S3TestServer s3;
    SegmentFiles files;

    @BeforeEach
    void startS3() throws Exception {
        recordings = tmp.resolve("recordings");
        s3 = UploadHarness.server(tmp);
        files = new SegmentFiles(recordings);
    }

    @AfterEach
    void stopS3() {
        s3.close();
    }

    @Test
    void withRetentionZeroALocalFileGoesRightAfterItsConfirmationAndTheSessionBookkeepingStays() throws Exception {
        try (UploadStage service = UploadStage.start(TestConfig.s3(recordings, s3).retentionDays(0).build())) {
            Segment segment = files.write("cam1", SESSION, 0, 10_000);
            service.record(segment);

            awaitState(service, segment, SegmentState.LOCAL_DELETED);
            assertThat(segment.file(recordings)).doesNotExist();
            assertThat(segment.file(recordings).resolveSibling(".session.json")).exists();
            assertThat(service.count(SegmentState.LOCAL_DELETED)).isEqualTo(1);
        }
    }

    @Test
    void theDiskGuardFreesConfirmedFilesAndStopsNewSessionsWhenOnlyUnconfirmedOnesAreLeft() throws Exception {
        java.util.concurrent.atomic.AtomicLong free = new java.util.concurrent.atomic.AtomicLong(10_000_000);
        RecorderConfig config = TestConfig.s3(recordings, s3).minFreeBytes(5_000_000).build();
        try (UploadStage service = UploadStage.start(config, dir -> free.get())) {
            Segment uploaded = files.write("cam1", SESSION, 0, 1000);
            service.record(uploaded);
            awaitConfirmed(service, List.of(uploaded));
            s3.stop();
            Segment unconfirmed = files.write("cam1", SESSION, 1, 1000);
            service.record(unconfirmed);

            free.set(1_000_000);
            awaitState(service, uploaded, SegmentState.LOCAL_DELETED);
            await().atMost(UploadHarness.WAIT).until(() -> !service.disk.hasRoom());
            assertThat(unconfirmed.file(recordings)).exists();
            assertThat(service.disk.hasRoom()).isFalse();

            free.set(10_000_000);
            await().atMost(UploadHarness.WAIT).until(service.disk::hasRoom);
            assertThat(unconfirmed.file(recordings)).exists();
        }
    }

    @Test
    void theMetricsCountUploadsBytesAndTheQueueUnderPrometheusNames() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RecorderConfig config = TestConfig.s3(recordings, s3).build();
        try (UploadStage service = UploadStage.start(config, dir -> 123_456_789L, registry)) {
            Segment segment = files.write("cam1", SESSION, 0, 4096);
            service.record(segment);
            awaitConfirmed(service, List.of(segment));

            String scrape = registry.scrape();
            assertThat(scrape)
                    .contains("vodrecorder_uploads_total{outcome=\"success\"} 1.0")
                    .contains("vodrecorder_uploads_total{outcome=\"transient_error\"} 0.0")
                    .contains("vodrecorder_uploads_total{outcome=\"permanent_error\"} 0.0")
                    .contains("vodrecorder_uploaded_bytes_total 4096.0")
                    .contains("vodrecorder_upload_duration_seconds_bucket")
                    .contains("vodrecorder_upload_queue_depth 0.0")
                    .contains("vodrecorder_upload_oldest_pending_age_seconds 0.0")
                    .contains("vodrecorder_disk_free_bytes 1.23456789E8");
        }
    }

    @Test
    void theCheckReportsAReachableServerAcceptedCredentialsAndTheBucket() throws Exception {
        S3Check.Report missing = check(TestConfig.s3(recordings, s3).build());
        assertThat(missing.ok()).isTrue();
        assertThat(missing.lines()).anyMatch(line -> line.startsWith("OK") && line.contains("will be created"));

        assertThat(check(TestConfig.s3(recordings, s3).createBucket(false).build()).ok()).isFalse();

        try (var client = s3.client()) {
            client.createBucket(b -> b.bucket("vod"));
        }
        S3Check.Report found = check(TestConfig.s3(recordings, s3).build());
        assertThat(found.ok()).isTrue();
        assertThat(String.join("\n", found.lines())).contains("OK").contains("bucket 'vod' exists")
                .contains("access key test****").doesNotContain(S3TestServer.SECRET_KEY);
    }

    @Test
    void theCheckFailsClearlyOnAWrongSecretAndOnAnUnreachableServer() throws Exception {
        S3Check.Report wrong = check(TestConfig.s3(recordings, s3).secretKey("nope").build());
        assertThat(wrong.ok()).isFalse();
        assertThat(wrong.lines()).anyMatch(line -> line.startsWith("FAIL") && line.contains("403")
                && line.contains("S3_SECRET_ACCESS_KEY"));

        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        RecorderConfig unreachable = withEndpoint(TestConfig.s3(recordings, s3).build(),
                URI.create("http://127.0.0.1:" + closedPort));
        S3Check.Report down = check(unreachable);
        assertThat(down.ok()).isFalse();
        assertThat(down.lines()).anyMatch(line -> line.startsWith("FAIL cannot reach S3 at http://127.0.0.1:" + closedPort));
    }

    private static S3Check.Report check(RecorderConfig config) {
        return S3Check.check(config.s3(), config.recording().recordingsDir());
    }

    static RecorderConfig withEndpoint(RecorderConfig config, URI endpoint) {
        S3Config s3 = config.s3();
        return new RecorderConfig(config.mediamtx(), config.recording(),
                new S3Config(true, endpoint, s3.accessKeyId(), s3.secretAccessKey(), s3.bucket(), s3.region(),
                        s3.forcePathStyle(), s3.storageClass(), s3.prefix(), s3.createBucket(),
                        s3.multipartThresholdBytes(), s3.multipartPartSizeBytes()),
                config.upload(), config.retention(), config.web(), config.webhook(), config.logLevel());
    }
}
