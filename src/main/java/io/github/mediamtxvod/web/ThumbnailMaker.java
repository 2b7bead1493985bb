package io.github.mediamtxvod.web;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.mp4.FileSegmentSource;
import io.github.mediamtxvod.mp4.FragmentIndex;
import io.github.mediamtxvod.mp4.IndexedSource;
import io.github.mediamtxvod.mp4.Keyframe;
import io.github.mediamtxvod.mp4.KeyframeLocator;
import io.github.mediamtxvod.mp4.PlaybackException;
import io.github.mediamtxvod.mp4.SegmentSource;
import io.github.mediamtxvod.runtime.TransitionLog;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes thumbnails on demand: the keyframe nearest an instant is found from the segment's
 * fragment index, written out as a one-frame fragmented MP4 ({@link KeyframeLocator#writeStill}),
 * and FFmpeg decodes that single frame into a JPEG of the asked width. Nothing is decoded
 * continuously; a recording costs nothing until someone asks.
 *
 * <p>Bounds: the work runs on {@value #THREADS} platform threads ({@code thumbnail-N}; file and
 * S3 reads block them, never a virtual thread) with a queue of {@value #QUEUE} (beyond: 503), at
 * most {@value #FFMPEG_PERMITS} FFmpeg processes at a time, each killed after {@link
 * #FFMPEG_TIMEOUT}. FFmpeg writes to files, never to a pipe someone reads. Finished images go to
 * the {@link ThumbnailCache}, keyed by segment, keyframe and width, so every instant that maps to
 * the same keyframe is one cache entry; fragment indexes of finished segments are kept in memory
 * ({@value #INDEXES} of them, least recently used out).
 *
 * <p>Lifecycle: {@link #start()} opens the cache and the threads, {@link #close()} stops them; the
 * web server owns it. {@link #make} is thread-safe and blocks its caller until the image is made.
 */
final class ThumbnailMaker implements AutoCloseable {
    static final Duration FFMPEG_TIMEOUT = Duration.ofSeconds(15);
    private static final Logger log = LoggerFactory.getLogger(ThumbnailMaker.class);
    private static final int THREADS = 4;
    private static final int QUEUE = 32;
    private static final int FFMPEG_PERMITS = 2;
    private static final int INDEXES = 512;
    private static final Duration WAIT = Duration.ofSeconds(45);

    private final String ffmpegPath;
    private final ThumbnailCache cache;
    private final HttpClient s3Client;
    private final LocalFiles localFiles;
    private final Semaphore ffmpegPermits = new Semaphore(FFMPEG_PERMITS, true);
    private final TransitionLog failures = new TransitionLog(log);
    private final Map<String, FragmentIndex> indexes = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, FragmentIndex> eldest) {
            return size() > INDEXES;
        }
    };
    private ThreadPoolExecutor pool;

    ThumbnailMaker(String ffmpegPath, ThumbnailCache cache, HttpClient s3Client) {
        this(ffmpegPath, cache, s3Client, FileSegmentSource::of);
    }

    ThumbnailMaker(String ffmpegPath, ThumbnailCache cache, HttpClient s3Client, LocalFiles localFiles) {
        this.ffmpegPath = requireNonNull(ffmpegPath, "ffmpegPath is null");
        this.cache = requireNonNull(cache, "cache is null");
        this.s3Client = requireNonNull(s3Client, "s3Client is null");
        this.localFiles = requireNonNull(localFiles, "localFiles is null");
    }

    /** How a local segment file is read ({@link FileSegmentSource#of}; tests put a file that vanishes). */
    @FunctionalInterface
    interface LocalFiles {
        SegmentSource open(Path file, Instant start) throws IOException;
    }

    /**
     * Where a thumbnail's frame is: a segment file, locally or in S3 (one of the two may be null),
     * {@code finished} when the catalogue holds it (its bytes no longer change).
     */
    record Target(String stream, String relativePath, Instant start, long size, Path localFile, URI s3Url,
            boolean finished) {
        Target {
            requireNonNull(stream, "stream is null");
            requireNonNull(relativePath, "relativePath is null");
            requireNonNull(start, "start is null");
            if (localFile == null && s3Url == null) {
                throw new IllegalArgumentException("a thumbnail target needs a local file or an S3 URL");
            }
        }
    }

    /** A JPEG and the wall-clock time of the frame it shows. */
    record Image(byte[] jpeg, Instant frameTime) {}

    void start() throws IOException {
        cache.open();
        pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
                Thread.ofPlatform().name("thumbnail-", 0).daemon(true).factory(),
                new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
    }

    /**
     * The thumbnail of the keyframe nearest {@code at} in {@code target}, {@code width} pixels wide.
     *
     * @throws HttpProblem 404 when the segment has no video (or vanished), 503 when too busy or
     *     stopping, 500/502 when the segment cannot be read or FFmpeg fails (logged here)
     */
    Image make(Target target, Instant at, int width) {
        Future<Image> job;
        try {
            job = pool.submit(() -> run(target, at, width));
        } catch (RejectedExecutionException e) {
            throw new HttpProblem(503, "too many thumbnails are being made; try again in a moment");
        }
        try {
            return job.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof HttpProblem problem) {
                throw problem;
            }
            failures.failed("{} - cannot make a thumbnail from {} at {}: {}", target.stream(), target.relativePath(), at,
                    String.valueOf(e.getCause()));
            boolean s3 = e.getCause() instanceof IOException && target.localFile() == null;
            throw new HttpProblem(s3 ? 502 : 500, s3 ? "cannot read the segment from S3" : "cannot make the thumbnail");
        } catch (TimeoutException e) {
            job.cancel(true);
            throw new HttpProblem(503, "making the thumbnail took too long; try again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            job.cancel(true);
            throw new HttpProblem(503, "shutting down");
        }
    }

    /**
     * From the local file while there is one; from S3 when it is gone, also when retention deletes
     * it while it is read (S3 confirmed it before the delete).
     */
    private Image run(Target target, Instant at, int width) throws IOException, PlaybackException, InterruptedException {
        if (target.localFile() != null) {
            try {
                return run(target, localFiles.open(target.localFile(), target.start()), at, width);
            } catch (NoSuchFileException e) {
                if (target.s3Url() == null) {
                    throw new HttpProblem(404, "the local file of the recording at that time is gone");
                }
            }
        }
        return run(target, new PresignedSegmentSource(s3Client, target.s3Url(), target.relativePath(), target.start(),
                target.size()), at, width);
    }

    private Image run(Target target, SegmentSource source, Instant at, int width)
            throws IOException, PlaybackException, InterruptedException {
        IndexedSource indexed = indexed(target, source);
        Optional<Keyframe> found = KeyframeLocator.nearest(List.of(indexed), at);
        if (found.isEmpty()) {
            throw new HttpProblem(404, "the recording at that time has no video");
        }
        Keyframe keyframe = found.get();
        String key = key(target.relativePath(), keyframe.time(), width);
        Optional<byte[]> cached = cache.get(key);
        if (cached.isPresent()) {
            return new Image(cached.get(), keyframe.time());
        }
        byte[] jpeg = decode(keyframe, width, key);
        if (failures.failing()) {
            failures.recovered("Thumbnails are made again after {} failures", failures.failures());
        }
        return new Image(jpeg, keyframe.time());
    }

    /** The segment's bytes with their index, kept for a finished segment (its bytes no longer change). */
    private IndexedSource indexed(Target target, SegmentSource source) throws IOException, PlaybackException {
        if (!target.finished()) {
            return IndexedSource.read(source);
        }
        String indexKey = target.relativePath() + "@" + source.size();
        FragmentIndex index;
        synchronized (indexes) {
            index = indexes.get(indexKey);
        }
        if (index == null) {
            index = FragmentIndex.read(source);
            synchronized (indexes) {
                indexes.put(indexKey, index);
            }
        }
        return new IndexedSource(source, index);
    }

    private byte[] decode(Keyframe keyframe, int width, String key) throws IOException, InterruptedException {
        Path still = cache.temporaryFile(".mp4");
        Path image = cache.temporaryFile(".jpg");
        Path errors = cache.temporaryFile(".log");
        try {
            try (OutputStream out = Files.newOutputStream(still)) {
                KeyframeLocator.writeStill(keyframe, out);
            }
            if (!ffmpegPermits.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new HttpProblem(503, "too many thumbnails are being made; try again in a moment");
            }
            try {
                ffmpeg(still, image, errors, width);
            } finally {
                ffmpegPermits.release();
            }
            byte[] jpeg = Files.readAllBytes(image);
            cache.put(key, image);
            return jpeg;
        } finally {
            Files.deleteIfExists(still);
            Files.deleteIfExists(image);
            Files.deleteIfExists(errors);
        }
    }

    private void ffmpeg(Path still, Path image, Path errors, int width) throws IOException, InterruptedException {
        List<String> command = List.of(ffmpegPath, "-hide_banner", "-nostdin", "-loglevel", "error",
                "-i", still.toString(), "-frames:v", "1", "-vf", "scale=" + width + ":-2", "-q:v", "4",
                "-f", "image2", "-y", image.toString());
        Process process = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(errors.toFile())
                .start();
        try {
            process.getOutputStream().close(); // -nostdin: it reads nothing; no pipe is left open
            if (!process.waitFor(FFMPEG_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("ffmpeg did not decode one frame within " + FFMPEG_TIMEOUT.toSeconds() + " s");
            }
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(2, TimeUnit.SECONDS);
            }
        }
        if (process.exitValue() != 0 || Files.size(image) == 0) {
            String stderr = Files.readString(errors, UTF_8).strip();
            throw new IOException("ffmpeg exited with status " + process.exitValue() + ": "
                    + (stderr.length() > 500 ? stderr.substring(stderr.length() - 500) : stderr));
        }
    }

    /** The cache key: a digest of segment, keyframe time and width (hex, so it is a safe file name). */
    static String key(String relativePath, Instant frameTime, int width) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((relativePath + "\n" + frameTime + "\n" + width).getBytes(UTF_8));
            return HexFormat.of().formatHex(digest.digest(), 0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    @Override
    public void close() {
        if (pool == null) {
            return;
        }
        pool.shutdownNow(); // interrupts waits; a running FFmpeg is killed by the finally above
        try {
            if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("Thumbnail threads did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
