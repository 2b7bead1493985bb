package io.github.mediamtxvod.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.mediamtxvod.testing.Pipeline;
import io.github.mediamtxvod.testing.RecorderProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the AWS Common Runtime's native library cannot be loaded, S3 requests go through Apache
 * HttpClient instead, and the recorder says so once. The recorder jar runs as users run it, told
 * by the CRT's own {@code AWS_CRT_ARCH} variable that the machine is one the jar ships no library
 * for; segments and the session playlist still reach S3 (S3Proxy over HTTP) with their bytes.
 */
class CrtFallbackIT {
    private static final String STREAM = "fallback";
    private static final String WARNING = "The AWS Common Runtime's native library cannot be loaded here";

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
    void withoutTheNativeLibrarySegmentsAndPlaylistsAreUploadedThroughApacheHttpClient() throws Exception {
        pipeline.publishLive(STREAM);
        // a platform the jar has no library for: the CRT cannot even unpack one
        RecorderProcess recorder = pipeline.startRecorder("crt-fallback", Map.of("AWS_CRT_ARCH", "mips"));

        await("three segments in S3").atMost(Duration.ofSeconds(60)).until(() -> pipeline.segmentObjects().size() >= 3);
        await("the session playlist in S3").atMost(Duration.ofSeconds(30))
                .until(() -> pipeline.objects().stream().anyMatch(object -> object.key().endsWith("/index.m3u8")));

        // objects first: a segment is on disk before it is uploaded, and stays (LOCAL_RETENTION_DAYS 7)
        var objects = pipeline.segmentObjects();
        Map<String, Path> local = pipeline.localSegmentsByKey(STREAM);
        for (var object : objects) {
            assertThat(local).as("the local file of %s", object.key()).containsKey(object.key());
            assertThat(pipeline.download(object.key())).as(object.key()).isEqualTo(Files.readAllBytes(local.get(object.key())));
        }
        assertThat(recorder.output()).containsOnlyOnce(WARNING).contains("platform linux/mips");
        assertThat(recorder.isAlive()).isTrue();
    }
}
