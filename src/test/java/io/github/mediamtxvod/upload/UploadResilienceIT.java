package io.github.mediamtxvod.upload;

import static io.github.mediamtxvod.upload.UploadHarness.awaitConfirmed;
import static io.github.mediamtxvod.upload.UploadHarness.awaitState;
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
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.testing.LogCapture;
import io.github.mediamtxvod.testing.S3TestServer;
import io.github.mediamtxvod.testing.SegmentFiles;
import io.github.mediamtxvod.testing.TestConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Outages, refusals, restarts and shutdowns in the middle of uploads: nothing is lost or deleted.
 * Trouble that passes is not permanent: a file missing for a moment, an Error in a worker, a lost
 * catalogue.
 */
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
                // queued (or claimed for the next try), never set aside
                assertThat(stored(service, segment).state()).isIn(SegmentState.PENDING, SegmentState.UPLOADING);
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

    @Test
    void aFileMissingForAMomentIsUploadedWhenItIsBackNotQuarantined() throws Exception {
        try (UploadStage stage = UploadStage.start(TestConfig.s3(recordings, s3).build());
                LogCapture log = LogCapture.of(UploadWorkers.class)) {
            Segment segment = files.write("cam1", SESSION, 0, 50_000);
            Path file = segment.file(recordings);
            Path away = file.resolveSibling("moved-away");
            Files.move(file, away);

            stage.record(segment);
            await("the worker found it missing").atMost(UploadHarness.WAIT)
                    .until(() -> String.valueOf(stored(stage, segment).lastError()).contains("local file missing"));
            // queued again (or already claimed for the next try), never set aside
            assertThat(stored(stage, segment).state()).isIn(SegmentState.PENDING, SegmentState.UPLOADING);
            Files.move(away, file);

            awaitConfirmed(stage, List.of(segment));
            assertThat(log.messages(Level.WARN)).anySatisfy(line -> assertThat(line).contains("local file missing",
                    "quarantined only if it is still missing"));
            assertThat(log.messages(Level.ERROR)).isEmpty();
        }
    }

    @Test
    void aFileMissingForTheWholeGracePeriodIsQuarantinedAfterSeveralTries() throws Exception {
        try (UploadStage stage = UploadStage.start(TestConfig.s3(recordings, s3).build())) {
            Segment segment = files.write("cam1", SESSION, 0, 50_000);
            Files.delete(segment.file(recordings));
            long recorded = System.nanoTime();

            stage.record(segment);
            awaitState(stage, segment, SegmentState.QUARANTINED);

            Duration missingFor = Duration.ofNanos(System.nanoTime() - recorded);
            assertThat(missingFor).isGreaterThanOrEqualTo(UploadHarness.MISSING_GRACE);
            assertThat(stored(stage, segment).attempts()).isGreaterThanOrEqualTo(3);
            assertThat(stored(stage, segment).lastError()).contains("missing before upload for 3 s", "expected 50000 bytes");
        }
    }

    @Test
    void aWorkerThatHitsAnErrorSaysSoAndGoesOn() throws Exception {
        try (UploadStage stage = UploadStage.start(TestConfig.s3(recordings, s3).workers(1).build());
                LogCapture log = LogCapture.of(UploadWorkers.class)) {
            AtomicBoolean first = new AtomicBoolean(true);
            stage.workers.whenConfirmed(() -> {
                if (first.getAndSet(false)) {
                    throw new AssertionError("injected failure");
                }
            });
            Segment before = files.write("cam1", SESSION, 0, 10_000);
            stage.record(before);
            awaitConfirmed(stage, List.of(before));

            Segment after = files.write("cam1", SESSION, 1, 10_000);
            stage.record(after);

            awaitConfirmed(stage, List.of(after));
            assertThat(log.messages(Level.ERROR)).singleElement().asString()
                    .contains("upload-worker-1 failed unexpectedly", "injected failure", "it goes on");
        }
    }

    @Test
    void segmentsS3HoldsAlreadyAreNotUploadedAgainWhenTheCatalogueIsLost() throws Exception {
        List<Segment> segments = List.of(files.write("cam1", SESSION, 0, 30_000), files.write("cam1", SESSION, 1, 30_000),
                files.write("cam2", SESSION, 0, 30_000));
        try (UploadStage stage = UploadStage.start(TestConfig.s3(recordings, s3).build())) {
            segments.forEach(stage::record);
            awaitConfirmed(stage, segments);
        }
        Segment unknownToS3 = files.write("cam2", SESSION, 1, 30_000);
        // the catalogue is overwritten, as after a disk error; the files and S3 are fine
        Path database = Catalog.databaseFile(recordings);
        Files.writeString(database, "not a database ".repeat(500), StandardCharsets.UTF_8);
        Files.deleteIfExists(database.resolveSibling("catalog.db-wal"));

        try (UploadStage stage = UploadStage.start(TestConfig.s3(recordings, s3).build())) {
            List<Segment> all = List.of(segments.get(0), segments.get(1), segments.get(2), unknownToS3);
            awaitConfirmed(stage, all);

            assertThat(stage.status().uploadsSucceeded()).as("only the one S3 did not have").isEqualTo(1);
            try (var listing = Files.list(database.getParent())) {
                assertThat(listing.map(path -> path.getFileName().toString())).anyMatch(name -> name.startsWith("corrupt-"));
            }
        }
    }
}
