package io.github.mediamtxvod.upload;

import io.github.mediamtxvod.catalog.CatalogView;
import io.github.mediamtxvod.catalog.Segment;
import io.github.mediamtxvod.config.RecorderConfig;
import io.github.mediamtxvod.fixtures.S3TestServer;
import io.github.mediamtxvod.fixtures.SegmentFiles;
import io.github.mediamtxvod.fixtures.TestConfig;
import io.github.mediamtxvod.recording.FinishedSegment;
import io.github.mediamtxvod.retention.DiskSpace;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The upload benchmarks behind {@code bench/*.sh}; not a test. {@code throughput FILES SIZE_MB
 * WORKERS...}: the same files uploaded by the recorder's uploader and by {@code rclone copy} to
 * the same S3Proxy. {@code latency STREAMS SEGMENT_SECONDS SIZE_MB DURATION_SECONDS}: segments
 * finishing on a schedule, time from "finished" to "confirmed in S3".
 */
public final class UploadBenchmark {
    private static final double MB = 1024.0 * 1024.0;

    private UploadBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path work = Path.of(System.getProperty("bench.dir", "target/bench")).toAbsolutePath();
        switch (args.length == 0 ? "" : args[0]) {
            case "throughput" -> throughput(work, Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                    Stream.of(args).skip(3).map(Integer::parseInt).toList());
            case "latency" -> latency(work, Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                    Double.parseDouble(args[3]), Integer.parseInt(args[4]));
            default -> {
                System.err.println("Usage: UploadBenchmark throughput FILES SIZE_MB WORKERS... | latency STREAMS"
                        + " SEGMENT_SECONDS SIZE_MB DURATION_SECONDS");
                System.exit(2);
            }
        }
        System.exit(0);
    }

    static void throughput(Path work, int files, int sizeMb, List<Integer> workers) throws Exception {
        deleteRecursively(work);
        Path recordings = work.resolve("recordings");
        SegmentFiles writer = new SegmentFiles(recordings);
        Instant session = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(3600);
        for (int i = 0; i < files; i++) {
            writer.write("bench" + (i % 10), session, i / 10, sizeMb * 1024 * 1024);
        }
        double totalMb = (double) files * sizeMb;
        System.out.printf(Locale.ROOT, "%d files of %d MB (%.0f MB) to S3Proxy on loopback%n", files, sizeMb, totalMb);
        System.out.println("| workers | vod-recorder MB/s | rclone MB/s | ratio |");
        System.out.println("|---|---|---|---|");
        try (S3TestServer s3 = new S3TestServer(work.resolve("s3")).start(); S3Client client = s3.client()) {
            for (int count : workers) {
                double ours = totalMb / seconds(() -> uploadAll(recordings, s3, "ours-" + count, count, files));
                client.createBucket(b -> b.bucket("rclone-" + count));
                double rclone = totalMb / seconds(() -> rclone(recordings, s3, "rclone-" + count, count));
                System.out.printf(Locale.ROOT, "| %d | %.1f | %.1f | %.2f |%n", count, ours, rclone, ours / rclone);
            }
        }
    }

    private static void uploadAll(Path recordings, S3TestServer s3, String bucket, int workers, int files)
            throws Exception {
        deleteRecursively(recordings.resolve(".vod-recorder"));
        RecorderConfig config = TestConfig.s3(recordings, s3).bucket(bucket).workers(workers).build();
        try (UploadService service = new UploadService(config, InstantSource.system(), DiskSpace.fileStore(),
                new SimpleMeterRegistry())) {
            service.start();
            while (service.status().uploaded() < files) {
                Thread.sleep(20);
            }
        }
    }

    private static void rclone(Path recordings, S3TestServer s3, String bucket, int transfers) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("rclone", "copy", recordings.toString(), "bench:" + bucket,
                "--transfers", Integer.toString(transfers), "--checkers", Integer.toString(transfers),
                "--exclude", ".vod-recorder/**", "--s3-upload-cutoff", "16M", "--s3-chunk-size", "8M")
                .inheritIO();
        Map<String, String> env = builder.environment();
        // a CA bundle meant for HTTPS elsewhere makes rclone refuse to start; S3Proxy here is plain HTTP
        env.remove("AWS_CA_BUNDLE");
        env.put("RCLONE_CONFIG_BENCH_TYPE", "s3");
        env.put("RCLONE_CONFIG_BENCH_PROVIDER", "Other");
        env.put("RCLONE_CONFIG_BENCH_ENDPOINT", s3.endpoint().toString());
        env.put("RCLONE_CONFIG_BENCH_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY);
        env.put("RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY", S3TestServer.SECRET_KEY);
        env.put("RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE", "true");
        int status = builder.start().waitFor();
        if (status != 0) {
            throw new IllegalStateException("rclone exited with " + status);
        }
    }

    static void latency(Path work, int streams, int segmentSeconds, double sizeMb, int durationSeconds)
            throws Exception {
        deleteRecursively(work);
        Path recordings = work.resolve("recordings");
        SegmentFiles writer = new SegmentFiles(recordings);
        Map<String, Instant> finishedAt = new ConcurrentHashMap<>();
        List<String> paths = new ArrayList<>();
        try (S3TestServer s3 = new S3TestServer(work.resolve("s3")).start();
                UploadService service = new UploadService(TestConfig.s3(recordings, s3).build(), InstantSource.system(),
                        DiskSpace.fileStore(), new SimpleMeterRegistry())) {
            service.start();
            Instant session = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            long started = System.nanoTime();
            for (int index = 0; (long) index * segmentSeconds < durationSeconds; index++) {
                long due = started + Duration.ofSeconds((long) index * segmentSeconds).toNanos();
                while (System.nanoTime() < due) {
                    Thread.sleep(5);
                }
                for (int stream = 0; stream < streams; stream++) {
                    FinishedSegment segment = writer.write("cam" + stream, session, index, (int) (sizeMb * MB));
                    finishedAt.put(segment.relativePath(), Instant.now());
                    paths.add(segment.relativePath());
                    service.listener().segmentFinished(segment);
                }
            }
            CatalogView catalog = service.catalog();
            while (service.status().uploaded() < paths.size()) {
                Thread.sleep(20);
            }
            List<Long> millis = paths.stream()
                    .map(path -> Duration.between(finishedAt.get(path),
                            catalog.segment(path).map(Segment::confirmation).orElseThrow().confirmedAt()).toMillis())
                    .sorted().toList();
            System.out.printf(Locale.ROOT, "%d streams, a %.1f MB segment every %d s each, %d segments: latency"
                            + " finished -> confirmed p50 %d ms, p95 %d ms, max %d ms%n", streams, sizeMb, segmentSeconds,
                    millis.size(), percentile(millis, 50), percentile(millis, 95), millis.getLast());
        }
    }

    private static long percentile(List<Long> sorted, int percent) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percent / 100.0 * sorted.size()) - 1));
    }

    @FunctionalInterface
    private interface Run {
        void run() throws Exception;
    }

    private static double seconds(Run run) throws Exception {
        long started = System.nanoTime();
        run.run();
        return (System.nanoTime() - started) / 1e9;
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
