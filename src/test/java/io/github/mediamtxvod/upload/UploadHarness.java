package io.github.mediamtxvod.upload;

import static org.awaitility.Awaitility.await;

import io.github.mediamtxvod.catalog.Segment;
import io.github.mediamtxvod.catalog.SegmentState;
import io.github.mediamtxvod.config.RecorderConfig;
import io.github.mediamtxvod.fixtures.S3TestServer;
import io.github.mediamtxvod.recording.FinishedSegment;
import io.github.mediamtxvod.retention.DiskSpace;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/** Starts UploadServices with short timings and answers questions about what reached S3. */
final class UploadHarness {
    static final Duration WAIT = Duration.ofSeconds(60);

    private UploadHarness() {}

    /** Backoff and polling in milliseconds rather than seconds, so tests finish quickly. */
    static UploadTuning fastTuning(RecorderConfig config) {
        return new UploadTuning(
                Duration.ofMillis(100), Duration.ofSeconds(2),
                Duration.ofMillis(300), Duration.ofSeconds(1),
                Duration.ofMillis(100), Duration.ofSeconds(1),
                Duration.ofMillis(200), Duration.ofMillis(500),
                config.upload().drainTimeout());
    }

    static UploadService start(RecorderConfig config) {
        return start(config, DiskSpace.fileStore());
    }

    static UploadService start(RecorderConfig config, DiskSpace disk) {
        UploadService service = new UploadService(config, InstantSource.system(), disk, new SimpleMeterRegistry(),
                fastTuning(config));
        service.start();
        return service;
    }

    static Segment stored(UploadService service, FinishedSegment segment) {
        return service.catalog().segment(segment.relativePath()).orElseThrow();
    }

    static void awaitConfirmed(UploadService service, List<FinishedSegment> segments) {
        await().atMost(WAIT).until(() -> segments.stream()
                .allMatch(s -> service.catalog().segment(s.relativePath()).map(x -> x.state().confirmedInS3()).orElse(false)));
    }

    static void awaitState(UploadService service, FinishedSegment segment, SegmentState state) {
        await().atMost(WAIT).until(() -> service.catalog().segment(segment.relativePath())
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
