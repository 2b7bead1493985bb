package io.github.mediamtxvod.upload;

import static io.github.mediamtxvod.upload.UploadHarness.awaitConfirmed;
import static io.github.mediamtxvod.upload.UploadHarness.awaitState;
import static io.github.mediamtxvod.upload.UploadHarness.stored;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.RecorderConfig;
import io.github.mediamtxvod.catalog.SegmentState;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.testing.S3TestServer;
import io.github.mediamtxvod.testing.SegmentFiles;
import io.github.mediamtxvod.testing.TestConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** The verify command against a real S3 server (S3Proxy) and a real catalogue. */
class VerifyCommandIT {
    static final Instant SESSION = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(3600);

    @TempDir
    Path tmp;

    Path recordings;
    S3TestServer s3;
    S3Client client;
    SegmentFiles files;
    RecorderConfig config;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void startS3() throws Exception {
        recordings = tmp.resolve("recordings");
        s3 = UploadHarness.server(tmp);
        client = s3.client();
        files = new SegmentFiles(recordings);
        config = TestConfig.s3(recordings, s3).prefix("site-1").build();
    }

    @AfterEach
    void stopS3() {
        client.close();
        s3.close();
    }

    int verify(String... args) {
        out.reset();
        err.reset();
        return VerifyCommand.run(recordings, config.s3(), List.of(args), new PrintStream(out, true, UTF_8),
                new PrintStream(err, true, UTF_8));
    }

    String output() {
        return out.toString(UTF_8);
    }

    @Test
    void everythingInS3IsExitCode0AndMissingOrDifferentObjectsAreListedWithExitCode1() throws Exception {
        List<Segment> segments = List.of(files.write("cam1", SESSION, 0, 20_000), files.write("cam1", SESSION, 1, 20_000),
                files.write("cam2", SESSION, 0, 20_000));
        try (UploadStage stage = UploadStage.start(config)) {
            segments.forEach(stage::record);
            awaitConfirmed(stage, segments);
        }
        assertThat(verify()).as(output()).isZero();
        assertThat(output()).contains("Checked 3 segments confirmed in S3", "3 present, 0 missing, 0 of another size",
                "(2 listings)");

        String gone = "site-1/" + segments.get(0).relativePath();
        String changed = "site-1/" + segments.get(2).relativePath();
        client.deleteObject(b -> b.bucket("vod").key(gone));
        client.putObject(b -> b.bucket("vod").key(changed), RequestBody.fromString("other bytes"));

        assertThat(verify("--since", "1")).isEqualTo(1);
        assertThat(output()).contains("missing  " + gone + "  expected 20000 bytes, found no object",
                "differs  " + changed + "  expected 20000 bytes, found 11 bytes", "1 present, 1 missing, 1 of another size");

        // uploads never replace other bytes in S3 (conditional writes): the repair leaves that one to a person
        assertThat(verify("--repair")).isEqualTo(1);
        assertThat(output()).contains("left as it is: an upload never replaces other bytes in S3",
                "Repair: 1 segments queued for upload again", "1 left as they are");
    }

    @Test
    void repairQueuesWhatHasALocalFileAndTheUploadBringsItBack() throws Exception {
        Segment kept = files.write("cam1", SESSION, 0, 20_000);
        Segment deletedLocally = files.write("cam1", SESSION, 1, 20_000);
        try (UploadStage stage = UploadStage.start(config)) {
            stage.record(kept);
            stage.record(deletedLocally);
            awaitConfirmed(stage, List.of(kept, deletedLocally));
            Files.delete(deletedLocally.file(recordings));
            stage.catalog.markLocalDeleted(stored(stage, deletedLocally));
        }
        client.deleteObject(b -> b.bucket("vod").key("site-1/" + kept.relativePath()));
        client.deleteObject(b -> b.bucket("vod").key("site-1/" + deletedLocally.relativePath()));

        assertThat(verify("--repair")).isEqualTo(1);
        assertThat(output()).contains("queued for upload again from " + kept.file(recordings),
                "cannot be repaired: no local file", "Repair: 1 segments queued for upload again", "1 cannot be repaired");

        try (UploadStage stage = UploadStage.start(config)) {
            awaitState(stage, kept, SegmentState.UPLOADED);
            assertThat(stage.status().uploadsSucceeded()).isEqualTo(1);
        }
        assertThat(verify()).isEqualTo(1);
        assertThat(output()).contains("1 present, 1 missing");
    }

    @Test
    void badArgumentsAndNoS3AreExitCode2AndNoCatalogueIsNothingToVerify() {
        assertThat(verify("--since")).isEqualTo(2);
        assertThat(err.toString(UTF_8)).contains("--since needs a whole number of days", "Usage: verify");
        assertThat(verify("--since", "-3")).isEqualTo(2);
        assertThat(verify("--fix")).isEqualTo(2);
        assertThat(err.toString(UTF_8)).contains("unexpected argument '--fix'");

        assertThat(verify()).isZero();
        assertThat(output()).contains("Nothing to verify: there is no catalogue");

        config = TestConfig.localOnly(recordings).build();
        assertThat(verify()).isEqualTo(2);
        assertThat(err.toString(UTF_8)).contains("uploads are off", "S3_BUCKET_NAME");
    }
}
