package io.github.mediamtxvod.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.RecorderConfig;
import io.github.mediamtxvod.catalog.SegmentState;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.testing.TestConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CleanCommandTest {
    static final Duration DAYS_10 = Duration.ofDays(10);

    @TempDir
    Path dir;

    RetentionFixture fixture;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void open() {
        fixture = new RetentionFixture(dir);
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    int clean(String... args) {
        RecorderConfig config = TestConfig.localOnly(dir).build();
        return CleanCommand.run(config.recording().recordingsDir(), List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), fixture.clock);
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void badArgumentsPrintTheUsageAndExitWith2() {
        for (String[] args : new String[][] {{}, {"abc"}, {"-1"}, {"5", "6"}, {"5", "--force"}, {"99999"},
                {"--include-unuploaded"}, {"5", "--include-unuploaded", "--include-unuploaded"}}) {
            err.reset();
            assertThat(clean(args)).as(String.join(" ", args)).isEqualTo(2);
            assertThat(err()).contains("Usage: clean DAYS [--include-unuploaded]");
        }
    }

    @Test
    void deletesOnlyConfirmedRecordingsOlderThanDaysAndSaysWhatItKept() throws Exception {
        Segment oldUploaded = fixture.uploaded("cam", DAYS_10, 0, 2048);
        Segment newUploaded = fixture.uploaded("cam", Duration.ofDays(2), 0, 100);
        Segment oldPending = fixture.pending("cam2", DAYS_10, 0, 100);

        assertThat(clean("7")).isZero();

        assertThat(oldUploaded.file(dir)).doesNotExist();
        assertThat(fixture.stored(oldUploaded).state()).isEqualTo(SegmentState.LOCAL_DELETED);
        assertThat(newUploaded.file(dir)).exists();
        assertThat(oldPending.file(dir)).exists();
        assertThat(out()).contains("deleted " + oldUploaded.relativePath() + " (2048 bytes)")
                .contains("Deleted 1 files, 2048 bytes (0.0 MB) freed.")
                .contains("Kept 1 files older than 7 days that are not confirmed in S3");
        assertThat(err()).isEmpty();
    }

    @Test
    void includeUnuploadedDeletesTheRestTooAfterAWarning() throws Exception {
        Segment oldUploaded = fixture.uploaded("cam", DAYS_10, 0, 100);
        Segment oldPending = fixture.pending("cam2", DAYS_10, 0, 100);
        Segment newPending = fixture.pending("cam2", Duration.ofDays(1), 0, 100);

        assertThat(clean("--include-unuploaded", "7")).isZero();

        assertThat(oldUploaded.file(dir)).doesNotExist();
        assertThat(oldPending.file(dir)).doesNotExist();
        assertThat(fixture.catalog.segment(oldPending.relativePath())).isEmpty();
        assertThat(newPending.file(dir)).exists();
        assertThat(err()).contains("WARNING").contains("NOT confirmed in S3");
        assertThat(out()).contains("deleted " + oldPending.relativePath() + " (100 bytes) (NOT in S3)")
                .contains("Deleted 2 files");
    }

    @Test
    void filesChangedInTheLastMinuteAreNeverDeleted() throws Exception {
        Segment live = fixture.pending("cam", DAYS_10, 0, 100);
        Files.writeString(live.file(dir), "still growing");

        assertThat(clean("0", "--include-unuploaded")).isZero();

        assertThat(live.file(dir)).exists();
        assertThat(out()).contains("Skipped 1 files changed in the last minute");
    }

    @Test
    void aMissingRecordingsFolderIsNothingToClean() {
        RecorderConfig config = TestConfig.localOnly(dir.resolve("nope")).build();
        int status = CleanCommand.run(config.recording().recordingsDir(), List.of("3"), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(status).isZero();
        assertThat(out()).contains("Nothing to clean");
    }
}
