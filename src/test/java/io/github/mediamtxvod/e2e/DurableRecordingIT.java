package io.github.mediamtxvod.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.mediamtxvod.recording.SegmentLayout;
import io.github.mediamtxvod.testing.S3TestServer;
import io.github.mediamtxvod.testing.FakeMediaMtx;
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
    private static final String BUCKET = "vod-it";

    @TempDir
    Path workDir;

    private RtspTestServer rtsp;
    private FakeMediaMtx api;
    private S3TestServer s3;
    private final List<RecorderProcess> recorders = new ArrayList<>();

    @BeforeEach
    void startServers() throws Exception {
        rtsp = RtspTestServer.start();
        api = FakeMediaMtx.start();
        s3 = new S3TestServer(workDir.resolve("s3")).start();
    }

    @AfterEach
    void stopServers() {
        recorders.forEach(RecorderProcess::close);
        if (s3 != null) {
            s3.close();
        }
        if (api != null) {
            api.close();
        }
        if (rtsp != null) {
            rtsp.close();
        }
    }

    @Test
    void segmentsArriveUnderTheirKeysWithMetadataAndRetentionDeletesOnlyConfirmedFiles() throws Exception {
        String stream = "cams/front";
        RtspTestServer.Publisher publisher = rtsp.publish(stream);
        api.setLive(stream, true);
        RecorderProcess recorder = startRecorder(Map.of("S3_PREFIX", "site-1", "LOCAL_RETENTION_DAYS", "0"));

        await("three objects in S3").atMost(Duration.ofSeconds(60)).until(() -> objects().size() >= 3);
        api.setLive(stream, false);
        publisher.stop();
        recorder.awaitOutput("cams/front - recording stopped", Duration.ofSeconds(20));
        Path session = onlySession(stream);
        int finished = Files.readAllLines(session.resolve(".segments.csv")).size();
        await("every finished segment uploaded and deleted locally").atMost(Duration.ofSeconds(30))
                .until(() -> objects().size() == finished && localSegments(session).isEmpty());

        String prefix = "site-1/" + SegmentLayout.safeStreamName(stream) + "/";
        try (S3Client client = s3.client()) {
            for (S3Object object : objects()) {
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
        rtsp.publish(stream);
        api.setLive(stream, true);
        RecorderProcess first = startRecorder(Map.of());
        await("two objects in S3").atMost(Duration.ofSeconds(60)).until(() -> objects().size() >= 2);

        s3.stop();
        long outageStart = System.nanoTime();
        int listedBefore = listedSegments(stream);
        await("segments recorded during the outage").atMost(Duration.ofSeconds(60))
                .until(() -> listedSegments(stream) >= listedBefore + 3);
        List<ProcessHandle> ffmpegs = ProcessHandle.of(first.pid()).orElseThrow().children().toList();
        first.kill();
        await("FFmpeg dies with the recorder").atMost(Duration.ofSeconds(5))
                .until(() -> ffmpegs.stream().noneMatch(ProcessHandle::isAlive));
        await("a 20 s outage").atMost(Duration.ofSeconds(30))
                .until(() -> System.nanoTime() - outageStart >= Duration.ofSeconds(20).toNanos());
        s3.start();

        RecorderProcess second = startRecorder(Map.of());
        Map<String, Path> local = localSegmentsByKey(stream);
        assertThat(local).hasSizeGreaterThanOrEqualTo(5);
        await("every segment of the first run in S3").atMost(Duration.ofSeconds(90))
                .until(() -> objects().stream().map(S3Object::key).toList().containsAll(local.keySet()));
        try (S3Client client = s3.client()) {
            for (Map.Entry<String, Path> segment : local.entrySet()) {
                byte[] object = download(client, segment.getKey());
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
        rtsp.publish(stream);
        api.setLive(stream, true);
        RecorderProcess recorder = startRecorder(Map.of("S3_SECRET_ACCESS_KEY", "wrong-secret", "LOCAL_RETENTION_DAYS", "0"));

        await("three finished segments").atMost(Duration.ofSeconds(60)).until(() -> listedSegments(stream) >= 3);
        recorder.awaitOutput("ERROR.*" + BUCKET, Duration.ofSeconds(30));
        String output = recorder.output();
        assertThat(output).contains(s3.endpoint().toString()).doesNotContain("wrong-secret");
        assertThat(localSegmentsByKey(stream)).hasSizeGreaterThanOrEqualTo(3);
        try (S3Client client = s3.client()) {
            assertThat(client.listObjectsV2(b -> b.bucket(BUCKET)).contents()).isEmpty();
        } catch (NoSuchBucketException e) {
            // the bucket could not even be created with a wrong secret: nothing uploaded either
        }
    }

    private RecorderProcess startRecorder(Map<String, String> overrides) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("MEDIAMTX_API_URL", api.apiUrl().toString());
        env.put("MEDIAMTX_RTSP_URL", rtsp.rtspUrl().toString());
        env.put("POLLING_INTERVAL", "1");
        env.put("SEGMENT_DURATION", "2");
        env.put("RECORDINGS_DIR", workDir.resolve("recordings").toString());
        env.put("MIN_FREE_DISK_MB", "0");
        env.put("S3_ENDPOINT_URL", s3.endpoint().toString());
        env.put("S3_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY);
        env.put("S3_SECRET_ACCESS_KEY", S3TestServer.SECRET_KEY);
        env.put("S3_BUCKET_NAME", BUCKET);
        env.putAll(overrides);
        RecorderProcess recorder = RecorderProcess.start("durable", workDir, env);
        recorders.add(recorder);
        recorder.awaitOutput("Recorder - Start completed", Duration.ofSeconds(60));
        return recorder;
    }

    private List<S3Object> objects() {
        try (S3Client client = s3.client()) {
            return client.listObjectsV2Paginator(b -> b.bucket(BUCKET)).contents().stream().toList();
        } catch (RuntimeException e) {
            return List.of(); // bucket not created yet, or S3 stopped
        }
    }

    private Path streamDir(String stream) {
        return workDir.resolve("recordings").resolve(SegmentLayout.safeStreamName(stream));
    }

    private Path onlySession(String stream) throws IOException {
        try (Stream<Path> walk = Files.walk(streamDir(stream), 2)) {
            List<Path> sessions = walk.filter(path -> streamDir(stream).relativize(path).getNameCount() == 2).toList();
            assertThat(sessions).hasSize(1);
            return sessions.get(0);
        }
    }

    private static List<Path> localSegments(Path session) throws IOException {
        try (Stream<Path> list = Files.list(session)) {
            return list.filter(path -> path.getFileName().toString().startsWith("segment_")).toList();
        }
    }

    /** Every local segment file of a stream, by the S3 key it must have (no prefix). */
    private Map<String, Path> localSegmentsByKey(String stream) throws IOException {
        Path recordings = workDir.resolve("recordings");
        Map<String, Path> byKey = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(streamDir(stream))) {
            walk.filter(path -> path.getFileName().toString().startsWith("segment_"))
                    .forEach(path -> byKey.put(recordings.relativize(path).toString().replace('\\', '/'), path));
        }
        return byKey;
    }

    private int listedSegments(String stream) throws IOException {
        int count = 0;
        try (Stream<Path> walk = Files.walk(streamDir(stream))) {
            for (Path list : walk.filter(path -> path.getFileName().toString().equals(".segments.csv")).toList()) {
                count += (int) Files.readAllLines(list).stream().filter(line -> !line.isBlank()).count();
            }
        } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException e) {
            return 0;
        }
        return count;
    }

    private static byte[] download(S3Client client, String key) {
        ResponseBytes<GetObjectResponse> bytes = client.getObjectAsBytes(b -> b.bucket(BUCKET).key(key));
        return bytes.asByteArray();
    }

    private boolean playable(S3Client client, String key) throws IOException {
        Path copy = Files.createTempFile(workDir, "download-", ".mp4");
        Files.write(copy, download(client, key));
        return Ffprobe.probe(copy).playable();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
