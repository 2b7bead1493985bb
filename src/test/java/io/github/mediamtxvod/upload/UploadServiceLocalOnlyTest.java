package io.github.mediamtxvod.upload;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.mediamtxvod.catalog.SegmentState;
import io.github.mediamtxvod.fixtures.SegmentFiles;
import io.github.mediamtxvod.fixtures.TestConfig;
import io.github.mediamtxvod.recording.FinishedSegment;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With no S3 setting the service still catalogues every segment, uploads nothing and deletes nothing. */
class UploadServiceLocalOnlyTest {
    @TempDir
    Path dir;

    @Test
    void localOnlyModeWarnsCataloguesAndDeletesNothing() throws Exception {
        ListAppender<ILoggingEvent> logs = UploadResilienceIT.capture(UploadService.class);
        SegmentFiles files = new SegmentFiles(dir);
        FinishedSegment old = files.write("cam1", Instant.now().minus(Duration.ofDays(30)), 0, 100);
        try (UploadService service = UploadHarness.start(
                TestConfig.localOnly(dir).retentionDays(0).minFreeBytes(Long.MAX_VALUE).build())) {
            FinishedSegment fresh = files.write("cam1", Instant.now().minusSeconds(60), 0, 100);
            service.listener().segmentFinished(fresh);

            UploadStatus status = service.status();
            assertThat(status.uploadsEnabled()).isFalse();
            assertThat(status.s3State()).isEqualTo(UploadStatus.S3State.DISABLED);
            assertThat(status.pending()).isEqualTo(2);
            assertThat(service.catalog().segment(old.relativePath()).orElseThrow().state()).isEqualTo(SegmentState.PENDING);
            assertThat(service.presignedUrl(fresh.relativePath(), Duration.ofMinutes(1))).isEmpty();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !service.mayStartNewSessions());
            assertThat(old.file()).exists();
            assertThat(fresh.file()).exists();
        } finally {
            UploadResilienceIT.detach(UploadService.class, logs);
        }
        assertThat(logs.list).anyMatch(e -> e.getLevel() == Level.WARN
                && e.getFormattedMessage().contains("Uploads are OFF (local-only mode)"));
    }

    @Test
    void closeIsIdempotentAndWorksWithoutStart() {
        UploadService service = new UploadService(TestConfig.localOnly(dir).build(), java.time.InstantSource.system(),
                ignored -> 0, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        service.close();
        service.close();
        assertThat(service.status().pending()).isZero();
    }
}
