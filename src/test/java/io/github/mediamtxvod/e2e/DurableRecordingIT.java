package io.github.mediamtxvod.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mediamtxvod.recording.SegmentLayout;
import io.github.mediamtxvod.testing.Ffprobe;
import io.github.mediamtxvod.testing.HlsPlaylist;
import io.github.mediamtxvod.testing.Pipeline;
import io.github.mediamtxvod.testing.RecorderProcess;
import io.github.mediamtxvod.testing.RtspTestServer;
import io.github.mediamtxvod.testing.S3TestServer;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
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
 * the same bytes and every object plays. The catalogue is an index, never a single point of
 * failure: a second recorder on the same folder leaves at once; an overwritten catalogue is set
 * aside and rebuilt while recording goes on, and nothing S3 holds is uploaded twice; {@code
 * verify} finds an object missing from S3 and {@code --repair} brings it back.
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

    @Test
    void aSecondRecorderOnTheSameFolderLeavesWithinSecondsAndTheFirstNeverNotices() throws Exception {
        pipeline.publishLive("cam1");
        RecorderProcess first = pipeline.startRecorder("first", Map.of());
        pipeline.awaitFinishedSegments("cam1", 2);

        long started = System.nanoTime();
        RecorderProcess second = pipeline.run("second", Map.of());
        int exitCode = second.awaitExit(Duration.ofSeconds(60));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(exitCode).isEqualTo(1);
        List<String> errors = second.output().lines().filter(line -> line.contains("Error")).toList();
        assertThat(errors).singleElement().asString()
                .contains("RECORDINGS_DIR=" + pipeline.recordingsDir(),
                        pipeline.recordingsDir().resolve(".vod-recorder").resolve("recorder.lock").toString(),
                        "PID " + first.pid());
        assertThat(second.output()).as("nothing started").doesNotContain("Starting vod-recorder");
        System.out.printf("second recorder exited with %d after %d ms: %s%n", exitCode, took.toMillis(), errors.getFirst());
        assertThat(took).isLessThan(Duration.ofSeconds(20));

        long finished = pipeline.finishedSegments("cam1");
        pipeline.awaitFinishedSegments("cam1", finished + 2);
        assertThat(first.isAlive()).isTrue();
        assertThat(first.output()).doesNotContain("ERROR");
    }

    @Test
    void anOverwrittenCatalogueIsSetAsideAndRebuiltWhileRecordingGoesOnAndNothingIsUploadedTwice() throws Exception {
        pipeline.publishLive("cam1");
        RecorderProcess before = pipeline.startRecorder("before", Map.of());
        await("three objects in S3").atMost(Duration.ofSeconds(90)).until(() -> pipeline.segmentObjects().size() >= 3);
        before.kill();
        // segments: a playlist is uploaded again whenever it changes (here: completed)
        Map<String, Instant> uploaded = pipeline.segmentObjects().stream()
                .collect(Collectors.toMap(S3Object::key, S3Object::lastModified, (a, b) -> a, TreeMap::new));
        Path database = pipeline.recordingsDir().resolve(".vod-recorder").resolve("catalog.db");
        // every file of the recorder's own folder: the catalogue, its logs, the reserve, the lock file
        try (var files = Files.walk(database.getParent())) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                overwrite(file);
            }
        }
        assertThat(database).exists();

        RecorderProcess after = pipeline.startRecorder("after", Map.of());
        after.awaitOutput("Catalogue rebuilt from the disk", Duration.ofSeconds(60));
        long finished = pipeline.finishedSegments("cam1");
        pipeline.awaitFinishedSegments("cam1", finished + 2);
        pipeline.api.setLive("cam1", false);
        after.awaitOutput("cam1 - recording stopped", Duration.ofSeconds(30));
        await("every local segment in S3").atMost(Duration.ofSeconds(90)).until(() -> pipeline.objects().stream()
                .map(S3Object::key).toList().containsAll(pipeline.localSegmentsByKey("cam1").keySet()));

        List<String> aside = after.output().lines().filter(line -> line.contains("ERROR")).toList();
        assertThat(aside).singleElement().asString().contains(database.toString(), "moved aside to",
                database.resolveSibling("corrupt-").toString());
        try (var folders = Files.list(database.getParent())) {
            assertThat(folders.filter(path -> path.getFileName().toString().startsWith("corrupt-")))
                    .singleElement().satisfies(folder -> assertThat(folder.resolve("catalog.db")).exists());
        }
        Map<String, Instant> now = pipeline.objects().stream()
                .collect(Collectors.toMap(S3Object::key, S3Object::lastModified));
        for (Map.Entry<String, Instant> object : uploaded.entrySet()) {
            assertThat(now.get(object.getKey())).as("%s not uploaded again", object.getKey()).isEqualTo(object.getValue());
        }
        assertThat(after.output()).contains("S3 holds it already with the same size");
    }

    @Test
    void aCatalogueDamagedWhileRecordingIsSetAsideAndUploadsGoOnWithoutARestartAndNothingIsUploadedTwice()
            throws Exception {
        pipeline.publishLive("cam1");
        RecorderProcess recorder = pipeline.startRecorder("damaged", Map.of());
        await("three objects in S3").atMost(Duration.ofSeconds(90)).until(() -> pipeline.segmentObjects().size() >= 3);
        Map<String, Instant> uploaded = pipeline.segmentObjects().stream()
                .collect(Collectors.toMap(S3Object::key, S3Object::lastModified, (a, b) -> a, TreeMap::new));
        Path database = pipeline.recordingsDir().resolve(".vod-recorder").resolve("catalog.db");
        overwrite(database);

        recorder.awaitOutput("moved aside to", Duration.ofSeconds(120));
        long finished = pipeline.finishedSegments("cam1");
        pipeline.awaitFinishedSegments("cam1", finished + 2);
        pipeline.api.setLive("cam1", false);
        recorder.awaitOutput("cam1 - recording stopped", Duration.ofSeconds(30));
        await("every local segment in S3, those of the session recorded across the damage too").atMost(Duration.ofSeconds(90))
                .until(() -> pipeline.objects().stream().map(S3Object::key).toList()
                        .containsAll(pipeline.localSegmentsByKey("cam1").keySet()));

        int local = pipeline.localSegmentsByKey("cam1").size();
        await("the catalogue lists every segment as uploaded, those recorded before the damage too")
                .atMost(Duration.ofSeconds(60)).until(() -> uploadedInCatalogue("cam1") == local);
        String session = pipeline.localSegmentsByKey("cam1").keySet().iterator().next();
        String playlistKey = session.substring(0, session.lastIndexOf('/')) + "/index.m3u8";
        await("the session's playlist in S3, complete").atMost(Duration.ofSeconds(60)).until(() -> {
            if (pipeline.objects().stream().noneMatch(object -> object.key().equals(playlistKey))) {
                return false;
            }
            HlsPlaylist playlist = HlsPlaylist.parse(new String(pipeline.download(playlistKey), StandardCharsets.UTF_8));
            return playlist.ended() && playlist.entries().size() == local;
        });

        assertThat(recorder.isAlive()).as("no restart").isTrue();
        assertThat(recorder.output()).contains("S3 holds it already with the same size");
        assertThat(recorder.output().lines().filter(line -> line.contains("moved aside to")))
                .singleElement().asString().contains("ERROR", database.toString(), database.resolveSibling("corrupt-").toString());
        Map<String, Instant> now = pipeline.objects().stream()
                .collect(Collectors.toMap(S3Object::key, S3Object::lastModified));
        for (Map.Entry<String, Instant> object : uploaded.entrySet()) {
            assertThat(now.get(object.getKey())).as("%s not uploaded again", object.getKey()).isEqualTo(object.getValue());
        }
    }

    @Test
    void verifyFindsAnObjectMissingFromS3AndRepairBringsItBack() throws Exception {
        pipeline.publishLive("cam1");
        pipeline.startRecorder("recorder", Map.of());
        await("three objects in S3").atMost(Duration.ofSeconds(90)).until(() -> pipeline.segmentObjects().size() >= 3);
        S3Object lost = pipeline.segmentObjects().getFirst();
        try (S3Client client = pipeline.s3().client()) {
            client.deleteObject(b -> b.bucket(Pipeline.BUCKET).key(lost.key()));
        }

        RecorderProcess verify = pipeline.run("verify", Map.of(), "verify");
        assertThat(verify.awaitExit(Duration.ofSeconds(60))).as(verify.output()).isEqualTo(1);
        assertThat(verify.output()).contains("missing  " + lost.key() + "  expected " + lost.size()
                + " bytes, found no object", "1 missing");

        RecorderProcess repair = pipeline.run("verify-repair", Map.of(), "verify", "--repair");
        assertThat(repair.awaitExit(Duration.ofSeconds(60))).as(repair.output()).isEqualTo(1);
        assertThat(repair.output()).contains("queued for upload again", "Repair: 1 segments queued");
        await("the running recorder uploads it again").atMost(Duration.ofSeconds(60))
                .until(() -> pipeline.objects().stream().anyMatch(object -> object.key().equals(lost.key())
                        && object.size().equals(lost.size())));

        RecorderProcess again = pipeline.run("verify-again", Map.of(), "verify", "--since", "1");
        assertThat(again.awaitExit(Duration.ofSeconds(60))).as(again.output()).isEqualTo(0);
        assertThat(again.output()).contains("0 missing, 0 of another size");
    }

    private boolean playable(S3Client client, String key) throws IOException {
        Path copy = Files.createTempFile(workDir, "download-", ".mp4");
        Files.write(copy, pipeline.download(key));
        return Ffprobe.probe(copy).playable();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** How many segments of the stream the catalogue lists as uploaded ({@code /api/recordings}). */
    private long uploadedInCatalogue(String stream) throws Exception {
        JsonNode page = pipeline.getJson("/api/recordings?pageSize=500&stream=" + stream, 200);
        long uploaded = 0;
        for (JsonNode session : page.get("sessions")) {
            for (JsonNode segment : session.get("segments")) {
                uploaded += segment.get("upload").asText().equals("UPLOADED") ? 1 : 0;
            }
        }
        return uploaded;
    }

    private static void overwrite(Path file) throws Exception {
        byte[] garbage = new byte[Math.max(4096, Files.exists(file) ? (int) Files.size(file) : 0)];
        new Random(42).nextBytes(garbage);
        Arrays.fill(garbage, 0, 16, (byte) 'x'); // not even SQLite's header
        Files.write(file, garbage);
    }
}
