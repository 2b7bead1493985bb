package io.github.mediamtxvod.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.mediamtxvod.testing.Ffprobe;
import io.github.mediamtxvod.testing.Pipeline;
import io.github.mediamtxvod.testing.RecorderProcess;
import io.github.mediamtxvod.testing.Tmpfs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A full disk while S3 is down, with the real file system: RECORDINGS_DIR on a 10 MiB tmpfs, two
 * live streams, S3 stopped for 45 s. The disk fills, FFmpeg and SQLite get ENOSPC; once S3 is
 * back the backlog drains, retention (LOCAL_RETENTION_DAYS=0) frees the disk, and recording goes
 * on. Each stream has at least 3 clean segments begun after S3 returned, the log stayed short,
 * the recorder stops on SIGTERM and starts again cleanly, and once the streams ended every
 * segment file that reached the disk is in S3 with its size. Needs root for the tmpfs; skipped
 * elsewhere.
 */
class FullDiskIT {
    static final long DISK_BYTES = 10L * 1024 * 1024;
    static final Duration OUTAGE = Duration.ofSeconds(45);
    static final List<String> STREAMS = List.of("cam1", "cam2");

    @TempDir
    Path workDir;

    /** Every segment file seen on the disk, by S3 key, with the largest size seen. */
    final Map<String, Long> seen = new ConcurrentHashMap<>();
    final AtomicLong leastFree = new AtomicLong(Long.MAX_VALUE);

    @Test
    void aFullDiskWhileS3IsDownLosesNothingAndRecordingGoesOnWhenSpaceReturns() throws Exception {
        Pipeline pipeline = Pipeline.start(workDir).withS3();
        Tmpfs disk = null;
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try {
            disk = Tmpfs.mount(pipeline.recordingsDir(), DISK_BYTES);
            Tmpfs mounted = disk;
            sampler.scheduleAtFixedRate(() -> sample(pipeline.recordingsDir(), mounted), 0, 200, TimeUnit.MILLISECONDS);
            STREAMS.forEach(pipeline::publishLive);
            Map<String, String> settings = Map.of("LOCAL_RETENTION_DAYS", "0");
            RecorderProcess recorder = pipeline.startRecorder("full-disk", settings);
            await("uploads work").atMost(Duration.ofSeconds(90)).until(() -> pipeline.segmentObjects().size() >= 2);

            int linesBefore = lineCount(recorder);
            pipeline.s3().stop();
            long outageStart = System.nanoTime();
            await("a " + OUTAGE.toSeconds() + " s outage").atMost(OUTAGE.plusSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> System.nanoTime() - outageStart >= OUTAGE.toNanos());
            System.out.printf("least free space during the outage: %d KiB of %d KiB%n", leastFree.get() / 1024,
                    DISK_BYTES / 1024);
            assertThat(leastFree.get()).as("the disk was full").isLessThan(512 * 1024);
            pipeline.s3().start();
            Instant back = Instant.now();

            await("3 segments of each stream begun after S3 returned, in S3").atMost(Duration.ofSeconds(180))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> STREAMS.stream().allMatch(stream -> begunAfter(pipeline, stream, back).size() >= 3));
            int linesDuring = lineCount(recorder) - linesBefore;
            System.out.printf("log lines from the outage until 3 new segments per stream were in S3: %d%n", linesDuring);
            assertThat(linesDuring).as("log lines during the full disk").isLessThan(200);
            for (String stream : STREAMS) {
                for (S3Object object : begunAfter(pipeline, stream, back).subList(0, 3)) {
                    assertThat(decodeErrors(pipeline, object)).as("%s decodes cleanly", object.key()).isEmpty();
                }
            }

            long stopStart = System.nanoTime();
            recorder.terminate();
            assertThat(recorder.awaitExit(Duration.ofSeconds(30))).isZero();
            System.out.printf("stopped on SIGTERM in %d ms%n", Duration.ofNanos(System.nanoTime() - stopStart).toMillis());

            RecorderProcess again = pipeline.startRecorder("full-disk-again", settings);
            for (String stream : STREAMS) {
                again.awaitOutput(stream + " - recording to", Duration.ofSeconds(60));
                pipeline.api.setLive(stream, false);
            }
            for (String stream : STREAMS) {
                again.awaitOutput(stream + " - recording stopped", Duration.ofSeconds(30));
            }
            List<RecorderProcess> runs = List.of(recorder, again);
            await("every segment that reached the disk in S3 with its size").atMost(Duration.ofSeconds(90))
                    .until(() -> missingOrShort(pipeline, runs).isEmpty());
            again.terminate();
            assertThat(again.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(again.output()).contains("Start completed").doesNotContain("ERROR");
            sampler.shutdownNow();
            assertThat(missingOrShort(pipeline, runs)).isEmpty();
            System.out.printf("%d segment files reached the disk; all are in S3%n", seen.size());
        } finally {
            sampler.shutdownNow();
            pipeline.close();
            if (disk != null) {
                disk.close();
            }
        }
    }

    /** Notes every segment file on the disk and the free space. */
    private void sample(Path recordings, Tmpfs disk) {
        try (Stream<Path> files = Files.walk(recordings)) {
            leastFree.accumulateAndGet(disk.freeBytes(), Math::min);
            for (Path file : files.filter(path -> path.getFileName().toString().startsWith("segment_")).toList()) {
                try {
                    long size = Files.size(file);
                    seen.merge(recordings.relativize(file).toString().replace('\\', '/'), size, Math::max);
                } catch (IOException gone) {
                    // deleted by retention between the listing and now: seen before, or never finished
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // a folder removed while walking: the next sample sees the rest
        }
    }

    /**
     * Segment files seen on the disk that are not in S3 with their size: a file still on the disk
     * must be there with the same size; one retention deleted must be there (retention deletes a
     * file only when S3 confirmed its size). A file FFmpeg began without writing any media is
     * removed by the recorder, which says so in its log, and has nothing to upload.
     */
    private List<String> missingOrShort(Pipeline pipeline, List<RecorderProcess> recorders) throws IOException {
        Map<String, Long> inS3 = new ConcurrentHashMap<>();
        pipeline.objects().forEach(object -> inS3.put(object.key(), object.size()));
        String logs = recorders.stream().map(RecorderProcess::output).collect(Collectors.joining("\n"));
        List<String> problems = new ArrayList<>();
        for (String key : seen.keySet()) {
            Path file = pipeline.recordingsDir().resolve(key);
            Long stored = inS3.get(key);
            if (stored == null && !logs.contains(file + " holds no media")) {
                problems.add(key + " is not in S3");
            } else if (stored != null && Files.exists(file) && Files.size(file) != stored) {
                problems.add(key + " has " + Files.size(file) + " bytes on disk, " + stored + " in S3");
            }
        }
        return problems;
    }

    /** Objects of a stream whose segment began after {@code instant}, oldest first. */
    private static List<S3Object> begunAfter(Pipeline pipeline, String stream, Instant instant) {
        try (S3Client client = pipeline.s3().client()) {
            return pipeline.segmentObjects().stream()
                    .filter(object -> object.key().startsWith(stream + "/"))
                    .filter(object -> segmentStart(client, object).isAfter(instant))
                    .sorted((a, b) -> a.key().compareTo(b.key()))
                    .toList();
        }
    }

    /** When an object's segment began; the epoch for one that is listed but not readable yet (being written). */
    private static Instant segmentStart(S3Client client, S3Object object) {
        try {
            return Instant.parse(client.headObject(b -> b.bucket(Pipeline.BUCKET).key(object.key()))
                    .metadata().get("segment-start"));
        } catch (NoSuchKeyException e) {
            return Instant.EPOCH;
        }
    }

    private List<String> decodeErrors(Pipeline pipeline, S3Object object) throws IOException {
        Path copy = Files.createTempFile(workDir, "object-", ".mp4");
        Files.write(copy, pipeline.download(object.key()));
        return Ffprobe.decodeErrors(copy);
    }

    private static int lineCount(RecorderProcess recorder) {
        return (int) recorder.output().lines().count();
    }
}
