package io.github.mediamtxvod.upload;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.mediamtxvod.RecorderConfig;
import io.github.mediamtxvod.catalog.SegmentState;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.testing.SegmentFiles;
import io.github.mediamtxvod.testing.TestConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With no S3 setting the service still catalogues every segment, uploads nothing and deletes nothing. */
class UploadStageLocalOnlyTest {
    @TempDir
    Path dir;

    @Test
    void localOnlyModeWarnsCataloguesAndDeletesNothing() throws Exception {
        ListAppender<ILoggingEvent> logs = UploadResilienceIT.capture(UploadWorkers.class);
        SegmentFiles files = new SegmentFiles(dir);
        Segment old = files.write("cam1", Instant.now().minus(Duration.ofDays(30)), 0, 100);
        try (UploadStage service = UploadStage.start(
                TestConfig.localOnly(dir).retentionDays(0).minFreeBytes(Long.MAX_VALUE).build())) {
            Segment fresh = files.write("cam1", Instant.now().minusSeconds(60), 0, 100);
            service.record(fresh);

            UploadStatus status = service.status();
            assertThat(status.uploadsEnabled()).isFalse();
            assertThat(status.s3State()).isEqualTo(UploadStatus.S3State.DISABLED);
            assertThat(service.count(SegmentState.PENDING)).isEqualTo(2);
            assertThat(service.catalog.segment(old.relativePath()).orElseThrow().state()).isEqualTo(SegmentState.PENDING);
            assertThat(service.presignedUrl(fresh.relativePath(), Duration.ofMinutes(1))).isEmpty();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !service.disk.hasRoom());
            assertThat(old.file(dir)).exists();
            assertThat(fresh.file(dir)).exists();
        } finally {
            UploadResilienceIT.detach(UploadWorkers.class, logs);
        }
        assertThat(logs.list).anyMatch(e -> e.getLevel() == Level.WARN
                && e.getFormattedMessage().contains("Uploads are OFF (local-only mode)"));
    }

    @Test
    void closeIsIdempotentAndWorksWithoutStart() {
        RecorderConfig config = TestConfig.localOnly(dir).build();
        UploadWorkers workers = new UploadWorkers(new io.github.mediamtxvod.catalog.Catalog(dir, java.time.InstantSource.system()),
                config.s3(), config.upload(), java.time.InstantSource.system(),
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        workers.close();
        workers.close();
        assertThat(workers.status().inFlight()).isZero();
    }
}
