package io.github.mediamtxvod.upload;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.recording.SegmentLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Writes small objects the recorder makes itself, such as HLS playlists, next to the segments:
 * same bucket, same key prefix, the same confirmation as a segment: the server verifies a CRC32
 * on receipt; a HEAD after the first put of the run must report the size, and the checksum where
 * the server keeps one; after that the success answer confirms a put. A repeated put rewrites the
 * object. Failures surface as the SDK's exceptions or {@link
 * ConfirmationMismatchException}; {@link #describe} words them for a log line.
 *
 * <p>Lifecycle: the constructor only assigns; {@link #start()} creates connections of its own
 * (two for the puts, through {@link DirectPut}, so playlists never wait for segment uploads, and
 * an SDK client for the HEAD) unless uploads are off; the creator closes. Thread-safe.
 */
public final class S3ObjectWriter implements AutoCloseable {
    private final S3Config config;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile S3Client client;
    private volatile DirectPut direct;
    /** A HEAD after a PUT of this run found exactly what was sent: later PUTs are confirmed by their answers. */
    private volatile boolean serverProven;

    public S3ObjectWriter(S3Config config) {
        this.config = requireNonNull(config, "config is null");
    }

    /** Whether objects go to S3 at all (false in local-only mode). */
    public boolean enabled() {
        return config.enabled();
    }

    public void start() {
        if (config.enabled()) {
            client = S3Clients.client(config, 1);
            direct = new DirectPut(config, client, S3Clients.httpClient(2).build());
        }
    }

    /** The full key of a path below RECORDINGS_DIR: {@code [S3_PREFIX/]relativePath}. */
    public String keyOf(String relativePath) {
        return SegmentLayout.s3Key(config.prefix(), relativePath);
    }

    /** The bucket objects go to. */
    public String bucket() {
        return config.bucket();
    }

    /**
     * Puts {@code content} at the key of {@code relativePath} and confirms it; returns the key.
     *
     * @param cacheControl the Cache-Control header the object is served with, or null for none
     */
    public String put(String relativePath, byte[] content, String contentType, String cacheControl) {
        CRC32 crc = new CRC32();
        crc.update(content);
        try {
            return put(relativePath, ContentStreamProvider.fromByteArrayUnsafe(content), content.length,
                    FileRange.encode((int) crc.getValue()), contentType, cacheControl);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // bytes in memory: never a local read failure
        }
    }

    /**
     * Puts the file's content at the key of {@code relativePath}, streamed from disk, and confirms
     * it; returns the key. The file must not change meanwhile.
     *
     * @throws IOException when the file cannot be read
     */
    public String put(String relativePath, Path file, String contentType, String cacheControl) throws IOException {
        long length = Files.size(file);
        String checksum = FileRange.readCrc32(file, 0, length);
        try (FileRange body = new FileRange(file, 0, length)) {
            return put(relativePath, body, length, checksum, contentType, cacheControl);
        }
    }

    private String put(String relativePath, ContentStreamProvider body, long length, String checksum,
            String contentType, String cacheControl) throws IOException {
        S3Client current = client;
        DirectPut put = direct;
        if (current == null || put == null) {
            throw new IllegalStateException("S3 object writer is not started or uploads are off");
        }
        String key = keyOf(relativePath);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", contentType);
        headers.put("Cache-Control", cacheControl);
        headers.put("x-amz-storage-class", config.storageClass());
        DirectPut.Answer answer = put.put(key, body, length, checksum, headers);
        S3Uploader.requireEchoed(config.bucket() + "/" + key, checksum, answer.checksumCrc32());
        if (serverProven || checksum.equals(answer.checksumCrc32())) {
            // S3 adds an object whole or not at all and checked the CRC32 header against the body
            return key;
        }
        S3Uploader.requireStored(current, config.bucket(), key, length, checksum, "");
        serverProven = true;
        return key;
    }

    /** A short description of a failure of {@link #put}: the S3 error code or the exception. */
    public static String describe(Throwable failure) {
        return FailureKind.describe(failure);
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        S3Client current = client;
        DirectPut put = direct;
        client = null;
        direct = null;
        if (put != null) {
            put.close();
        }
        if (current != null) {
            current.close();
        }
    }
}
