package io.github.mediamtxvod.upload;

import static io.github.mediamtxvod.upload.UploadHarness.awaitConfirmed;
import static io.github.mediamtxvod.upload.UploadHarness.objectSha256;
import static io.github.mediamtxvod.upload.UploadHarness.sha256;
import static io.github.mediamtxvod.upload.UploadHarness.stored;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.mediamtxvod.catalog.Catalog;
import io.github.mediamtxvod.catalog.SegmentState;
import io.github.mediamtxvod.testing.S3TestServer;
import io.github.mediamtxvod.testing.SegmentFiles;
import io.github.mediamtxvod.testing.TestConfig;
import io.github.mediamtxvod.recording.Segment;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/** Outages, refusals, restarts and shutdowns in the middle of uploads: nothing is lost or deleted. */
class UploadResilienceIT {
    static final Instant SESSION = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(3600);
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

    void assertInS3Intact(List<Segment> segments) throws Exception {
        for (Segment segment : segments) {
            assertThat(client.headObject(b -> b.bucket("vod").key(segment.relativePath())).contentLength())
                    .as(segment.relativePath()).isEqualTo(segment.sizeBytes());
            assertThat(objectSha256(client, "vod", segment.relativePath())).isEqualTo(sha256(segment.file(recordings)));
        }
    }

    @Test
    void anS3OutageOf20SecondsLosesNothingAndTheBacklogDrainsAfterwards() throws Exception {
        try (UploadStage service = UploadStage.start(TestConfig.s3(recordings, s3).build())) {
            List<Segment> segments = new ArrayList<>();
            segments.add(files.write("cam1", SESSION, 0, 200_000));
            service.record(segments.getFirst());
            awaitConfirmed(service, segments);

            s3.stop();
            long outageStarted = System.nanoTime();
            while (Duration.ofNanos(System.nanoTime() - outageStarted).compareTo(Duration.ofSeconds(20)) < 0) {
                int failuresBefore = service.status().consecutiveFailures();
                Segment segment = files.write(segments.size() % 2 == 0 ? "cam1" : "cam2", SESSION,
                        segments.size(), 200_000 + segments.size());
                segments.add(segment);
                service.record(segment);
                await().atMost(Duration.ofSeconds(30)).until(() -> service.status().consecutiveFailures() > failuresBefore);
            }
            UploadStatus down = service.status();
            assertThat(down.s3State()).isEqualTo(UploadStatus.S3State.UNREACHABLE);
            assertThat(service.count(SegmentState.PENDING)).isPositive();
            assertThat(service.catalog.oldestQueuedAt()).hasValueSatisfying(at -> assertThat(at).isBefore(java.time.Instant.now()));
            assertThat(down.lastError()).isNotBlank();

            s3.start();
            awaitConfirmed(service, segments);
            assertInS3Intact(segments);
            assertThat(service.status().s3Reachable()).isTrue();
            assertThat(service.count(SegmentState.PENDING)).isZero();
        }
    }

    @Test
    void wrongCredentialsGiveOneClearErrorAndNothingIsDeleted() throws Exception {
        ListAppender<ILoggingEvent> logs = capture(S3Health.class);
        TestConfig config = TestConfig.s3(recordings, s3).secretKey("wrong-secret").retentionDays(0);
        try (UploadStage service = UploadStage.start(config.build())) {
            List<Segment> segments = List.of(files.write("cam1", SESSION, 0, 1000),
                    files.write("cam1", SESSION, 1, 1000));
            segments.forEach(service::record);

            await().atMost(UploadHarness.WAIT).until(() -> service.status().consecutiveFailures() >= 4);
            UploadStatus status = service.status();
            assertThat(status.permanentError()).isTrue();
            assertThat(status.lastError()).contains("403 SignatureDoesNotMatch");
            for (Segment segment : segments) {
                assertThat(segment.file(recordings)).exists();
                assertThat(stored(service, segment).state()).isEqualTo(SegmentState.PENDING);
            }
        } finally {
            detach(S3Health.class, logs);
        }
        List<ILoggingEvent> errors = logs.list.stream().filter(e -> e.getLevel() == Level.ERROR).toList();
        assertThat(errors).hasSize(1);
        assertThat(errors.getFirst().getFormattedMessage())
                .contains("bucket 'vod'").contains(s3.endpoint().toString()).contains("403 SignatureDoesNotMatch")
                .contains("S3_SECRET_ACCESS_KEY");
    }

    @Test
    void aMissingBucketThatMayNotBeCreatedIsAClearErrorAndUploadsResumeOnceItExists() throws Exception {
        try (UploadStage service = UploadStage.start(TestConfig.s3(recordings, s3).bucket("absent")
                .createBucket(false).build())) {
            Segment segment = files.write("cam1", SESSION, 0, 1000);
            service.record(segment);

            await().atMost(UploadHarness.WAIT).until(() -> service.status().permanentError());
            assertThat(service.status().lastError()).contains("bucket 'absent' does not exist")
                    .contains("S3_CREATE_BUCKET=true");

            client.createBucket(b -> b.bucket("absent"));
            awaitConfirmed(service, List.of(segment));
        }
    }

    @Test
    void anUploadInterruptedByACrashIsUploadedAgainAfterARestart() throws Exception {
        Segment interrupted = files.write("cam1", SESSION, 0, 3 * MIB);
        Segment unknown = files.write("cam1", SESSION, 1, 1000);
        try (Catalog crashed = new Catalog(recordings, InstantSource.system())) {
            crashed.start();
            crashed.recordFinished(interrupted);
            crashed.claimNextPending().orElseThrow();
        }

        try (UploadStage service = UploadStage.start(TestConfig.s3(recordings, s3).build())) {
            awaitConfirmed(service, List.of(interrupted, unknown));
            assertThat(stored(service, interrupted).attempts()).isEqualTo(2);
        }
        assertInS3Intact(List.of(interrupted, unknown));
    }

    @Test
    void closingInTheMiddleOfUploadsLosesNothingAndTheNextStartFinishes() throws Exception {
        TestConfig config = TestConfig.s3(recordings, s3).workers(2).drainTimeout(Duration.ZERO)
                .multipart(5L * MIB, 5L * MIB);
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            segments.add(files.write("cam" + (i % 3), SESSION, i, i % 4 == 0 ? 11 * MIB : MIB));
        }
        try (UploadStage service = UploadStage.start(config.build())) {
            segments.forEach(service::record);
            await().atMost(UploadHarness.WAIT).until(() -> service.status().uploadsSucceeded() >= 2);
        }
        try (UploadStage service = UploadStage.start(config.build())) {
            awaitConfirmed(service, segments);
        }
        assertInS3Intact(segments);
        for (Segment segment : segments) {
            assertThat(segment.file(recordings)).exists();
        }
    }

    static ListAppender<ILoggingEvent> capture(Class<?> type) {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(type)).addAppender(appender);
        return appender;
    }

    static void detach(Class<?> type, ListAppender<ILoggingEvent> appender) {
        ((Logger) LoggerFactory.getLogger(type)).detachAppender(appender);
    }
}
