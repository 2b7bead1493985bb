package io.github.mediamtxvod.upload;

import static org.awaitility.Awaitility.await;

import io.github.mediamtxvod.RecorderConfig;
import io.github.mediamtxvod.catalog.Entry;
import io.github.mediamtxvod.catalog.SegmentState;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.testing.S3TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/** Short timings for the upload stages of tests, and answers about what reached S3. */
final class UploadHarness {
    static final Duration WAIT = Duration.ofSeconds(60);
    /** How long a local file may be missing before its entry is quarantined, in tests. */
    static final Duration MISSING_GRACE = Duration.ofSeconds(3);

    private UploadHarness() {}

    /** Backoff and polling in milliseconds rather than seconds, so tests finish quickly. */
    static UploadTuning fastTuning(RecorderConfig config) {
        return new UploadTuning(
                Duration.ofMillis(100), Duration.ofSeconds(2),
                Duration.ofMillis(300), Duration.ofSeconds(1),
                Duration.ofMillis(100), Duration.ofSeconds(1),
                MISSING_GRACE,
                Duration.ofMillis(200), Duration.ofMillis(500),
                config.upload().drainTimeout());
    }

    static Entry stored(UploadStage stage, Segment segment) {
        return stage.catalog.segment(segment.relativePath()).orElseThrow();
    }

    static void awaitConfirmed(UploadStage stage, List<Segment> segments) {
        await().atMost(WAIT).until(() -> segments.stream()
                .allMatch(s -> stage.catalog.segment(s.relativePath()).map(x -> x.state().confirmedInS3()).orElse(false)));
    }

    static void awaitState(UploadStage stage, Segment segment, SegmentState state) {
        await().atMost(WAIT).until(() -> stage.catalog.segment(segment.relativePath())
                .map(s -> s.state() == state).orElse(false));
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        }
    }

    static String objectSha256(S3Client client, String bucket, String key) throws IOException {
        try (ResponseInputStream<GetObjectResponse> in = client.getObject(b -> b.bucket(bucket).key(key))) {
            return sha256(in);
        }
    }

    static String sha256(InputStream in) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static S3TestServer server(Path dir) throws Exception {
        return new S3TestServer(dir.resolve("s3")).start();
    }
}
