package io.github.mediamtxvod.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.mediamtxvod.recording.SegmentLayout;
import io.github.mediamtxvod.testing.S3TestServer;
import io.github.mediamtxvod.testing.Pipeline;
import io.github.mediamtxvod.testing.Ffprobe;
import io.github.mediamtxvod.testing.RecorderProcess;
import io.github.mediamtxvod.testing.RtspTestServer;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The promise end to end: the recorder jar records real RTSP streams with real FFmpeg and uploads
 * to a real S3-compatible server (S3Proxy over HTTP, real AWS SDK) through outages, wrong
 * credentials and a SIGKILL of the recorder itself; afterwards every local segment is in S3 with
 * the same bytes and every object plays.
 */
class DurableRecordingIT {
    private static final String BUCKET = Pipeline.BUCKET;

    @TempDir
    Path workDir;

    private Pipeline pipeline;

    @BeforeEach
    void startServers() throws Exception {
        pipeline = Pipeline.start(workDir).withS3();
    }

    @AfterEach
    void stopServers() {
        pipeline.close();
    }

    @Test
    void segmentsArriveUnderTheirKeysWithMetadataAndRetentionDeletesOnlyConfirmedFiles() throws Exception {
        String stream = "cams/front";
        RtspTestServer.Publisher publisher = pipeline.publish(stream);
        pipeline.api.setLive(stream, true);
        RecorderProcess recorder = pipeline.startRecorder("durable", Map.of("S3_PREFIX", "site-1", "LOCAL_RETENTION_DAYS", "0"));

        await("three segments in S3").atMost(Duration.ofSeconds(60)).until(() -> pipeline.segmentObjects().size() >= 3);
        pipeline.api.setLive(stream, false);
        publisher.stop();
        recorder.awaitRecordingStopped("cams/front", Duration.ofSeconds(20));
        assertThat(pipeline.sessionDirs(stream)).hasSize(1);
        Path session = pipeline.sessionDirs(stream).get(0);
        int finished = Files.readAllLines(session.resolve(".segments.csv")).size();
        await("every finished segment uploaded and deleted locally").atMost(Duration.ofSeconds(30))
                .until(() -> pipeline.segmentObjects().size() == finished && Pipeline.segmentFiles(session).isEmpty());

        String prefix = "site-1/" + SegmentLayout.safeStreamName(stream) + "/";
        try (S3Client client = pipeline.s3().client()) {
            for (S3Object object : pipeline.segmentObjects()) {
                assertThat(object.key()).startsWith(prefix)
                        .matches("site-1/cams~2Ffront/\\d{4}-\\d\\d-\\d\\d/\\d{8}_\\d{6}/segment_\\d{3}\\.mp4");
                HeadObjectResponse head = client.headObject(b -> b.bucket(BUCKET).key(object.key()));
                assertThat(head.contentType()).isEqualTo("video/mp4");
                assertThat(URLDecoder.decode(head.metadata().get("stream"), StandardCharsets.UTF_8)).isEqualTo(stream);
                assertThat(head.metadata()).containsKeys("session-start", "segment-start");
                assertThat(playable(client, object.key())).as("%s plays", object.key()).isTrue();
            }
        }
        assertThat(recorder.isAlive()).isTrue();
    }

    @Test
    void anOutageAndASigkillOfTheRecorderLoseNothing() throws Exception {
        String stream = "durable";
        pipeline.publish(stream);
        pipeline.api.setLive(stream, true);
        RecorderProcess first = pipeline.startRecorder("durable", Map.of());
        await("two segments in S3").atMost(Duration.ofSeconds(60)).until(() -> pipeline.segmentObjects().size() >= 2);

        pipeline.s3().stop();
        long outageStart = System.nanoTime();
        long listedBefore = pipeline.finishedSegments(stream);
        await("segments recorded during the outage").atMost(Duration.ofSeconds(60))
                .until(() -> pipeline.finishedSegments(stream) >= listedBefore + 3);
        List<ProcessHandle> ffmpegs = ProcessHandle.of(first.pid()).orElseThrow().children().toList();
        first.kill();
        await("FFmpeg dies with the recorder").atMost(Duration.ofSeconds(5))
                .until(() -> ffmpegs.stream().noneMatch(ProcessHandle::isAlive));
        await("a 20 s outage").atMost(Duration.ofSeconds(30))
                .until(() -> System.nanoTime() - outageStart >= Duration.ofSeconds(20).toNanos());
        pipeline.s3().start();

        RecorderProcess second = pipeline.startRecorder("durable", Map.of());
        Map<String, Path> local = pipeline.localSegmentsByKey(stream);
        assertThat(local).hasSizeGreaterThanOrEqualTo(5);
        await("every segment of the first run in S3").atMost(Duration.ofSeconds(90))
                .until(() -> pipeline.objects().stream().map(S3Object::key).toList().containsAll(local.keySet()));
        try (S3Client client = pipeline.s3().client()) {
            for (Map.Entry<String, Path> segment : local.entrySet()) {
                byte[] object = pipeline.download(segment.getKey());
                byte[] file = Files.readAllBytes(segment.getValue());
                assertThat(object.length).as("size of %s", segment.getKey()).isEqualTo(file.length);
                assertThat(sha256(object)).as("bytes of %s", segment.getKey()).isEqualTo(sha256(file));
                assertThat(playable(client, segment.getKey())).as("%s plays", segment.getKey()).isTrue();
            }
        }
        assertThat(second.output()).doesNotContain("ERROR");
    }

    @Test
    void wrongCredentialsGiveOneClearErrorAndDeleteNothing() throws Exception {
        String stream = "denied";
        pipeline.publish(stream);
        pipeline.api.setLive(stream, true);
        RecorderProcess recorder = pipeline.startRecorder("durable", Map.of("S3_SECRET_ACCESS_KEY", "wrong-secret", "LOCAL_RETENTION_DAYS", "0"));

        await("three finished segments").atMost(Duration.ofSeconds(60)).until(() -> pipeline.finishedSegments(stream) >= 3);
        recorder.awaitOutput("ERROR.*" + BUCKET, Duration.ofSeconds(30));
        String output = recorder.output();
        assertThat(output).contains(pipeline.s3().endpoint().toString()).doesNotContain("wrong-secret");
        assertThat(pipeline.localSegmentsByKey(stream)).hasSizeGreaterThanOrEqualTo(3);
        try (S3Client client = pipeline.s3().client()) {
            assertThat(client.listObjectsV2(b -> b.bucket(BUCKET)).contents()).isEmpty();
        } catch (NoSuchBucketException e) {
            // the bucket could not even be created with a wrong secret: nothing uploaded either
        }
    }

    private boolean playable(S3Client client, String key) throws IOException {
        Path copy = Files.createTempFile(workDir, "download-", ".mp4");
        Files.write(copy, pipeline.download(key));
        return Ffprobe.probe(copy).playable();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
