package io.github.mediamtxvod.upload;

import io.github.mediamtxvod.catalog.Confirmation;
import io.github.mediamtxvod.recording.OutputFormat;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.recording.SegmentLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * Uploads one segment file and confirms it: one PUT ({@link DirectPut}) with the file's CRC32 in
 * a header, or from the threshold on a multipart upload (parts in parallel, each streamed once
 * with a trailing CRC32); either way the server checks the CRC32 against the bytes it received,
 * and the uploader computes the same CRC32 from the bytes it sent. A HEAD must then find the same
 * size (and checksum, when the server reports one) before the upload counts, except for a single
 * PUT once the server proved itself in this run ({@link #confirm}): then its success answer is the
 * confirmation, one request per segment.
 *
 * <p>A write never replaces an existing object ({@link ConditionalWrites}). When one exists under
 * the key (a repeated upload after a crash or a lost answer), it is compared with the local file:
 * size and checksum from a HEAD, or the object's bytes when no comparable checksum is reported.
 * The same bytes confirm the upload; other bytes are an {@link ObjectConflictException}.
 *
 * <p>Thread-safe (the SDK client and {@link DirectPut} are). Owns the threads of the parts in
 * flight and the {@link DirectPut}; {@link #close} stops and closes them. Failures surface as the
 * SDK's exceptions, an {@link IOException} for the local file, {@link ConfirmationMismatchException}
 * or {@link ObjectConflictException}.
 */
final class S3Uploader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(S3Uploader.class);

    private final S3Client client;
    private final DirectPut direct;
    private final S3Config config;
    private final InstantSource clock;
    private final ConditionalWrites writes;
    private final ExecutorService partThreads =
            Executors.newCachedThreadPool(Thread.ofPlatform().name("upload-part-", 1).daemon(true).factory());
    private final MultipartUpload multipart;
    /** A HEAD after a single PUT of this run found exactly the bytes sent. */
    private volatile boolean serverProven;

    /** @param direct the way of single PUTs, owned from here on */
    S3Uploader(S3Client client, DirectPut direct, S3Config config, InstantSource clock) {
        this(client, direct, config, clock, new ConditionalWrites("bucket '" + config.bucket() + "' at "
                + S3Clients.describeEndpoint(config)));
    }

    S3Uploader(S3Client client, DirectPut direct, S3Config config, InstantSource clock, ConditionalWrites writes) {
        this.client = client;
        this.direct = direct;
        this.config = config;
        this.clock = clock;
        this.writes = writes;
        this.multipart = new MultipartUpload(client, config, partThreads);
    }

    String keyOf(Segment segment) {
        return SegmentLayout.s3Key(config.prefix(), segment.relativePath());
    }

    /**
     * What an upload sent: the ETag S3 answered and the checksum computed from the local bytes;
     * {@code echoed} when S3's answer carried that same checksum.
     */
    record Uploaded(String etag, String checksum, boolean multipart, boolean echoed) {}

    /** Uploads the file as it is now (unless S3 holds the same bytes already) and returns what S3 confirmed. */
    Confirmation upload(Segment segment, Path file) throws IOException {
        String key = keyOf(segment);
        long size = Files.size(file);
        if (writes.supported()) {
            try {
                return confirm(key, file, size, write(segment, key, file, size, true));
            } catch (AwsServiceException e) {
                if (ConditionalWrites.alreadyExists(e)) {
                    return acceptExisting(key, file, size, head(key).orElseThrow(() -> new ConfirmationMismatchException(
                            where(key) + " - S3 refused the write because the object exists, but a HEAD finds none")));
                }
                if (!ConditionalWrites.notImplemented(e)) {
                    throw e;
                }
                writes.fallBack(e);
            }
        }
        Optional<ExistingObject> existing = head(key);
        if (existing.isPresent()) {
            return acceptExisting(key, file, size, existing.get());
        }
        return confirm(key, file, size, write(segment, key, file, size, false));
    }

    private Uploaded write(Segment segment, String key, Path file, long size, boolean ifNoneMatch) throws IOException {
        OutputFormat format = OutputFormat.fromFileName(file.getFileName().toString());
        String contentType = format == null ? "application/octet-stream" : format.contentType();
        Map<String, String> metadata = ObjectMetadata.of(segment);
        return size >= config.multipartThresholdBytes()
                ? multipart.upload(key, file, size, contentType, metadata, ifNoneMatch)
                : put(key, file, size, contentType, metadata, ifNoneMatch);
    }

    /**
     * One PUT ({@link DirectPut}) with the CRC32 of the file in a header, which the server checks
     * against the bytes it receives. The file is read twice, for the header and for the body (from
     * the page cache, as it was just written); should the body's bytes differ from the header's
     * CRC32, the server refuses them, and should a server not check, the mismatch fails here.
     */
    private Uploaded put(String key, Path file, long size, String contentType, Map<String, String> metadata,
            boolean ifNoneMatch) throws IOException {
        String crc32 = FileRange.readCrc32(file, 0, size);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", contentType);
        headers.put("x-amz-storage-class", config.storageClass());
        headers.put("If-None-Match", ifNoneMatch ? "*" : null);
        metadata.forEach((name, value) -> headers.put("x-amz-meta-" + name, value));
        try (FileRange body = new FileRange(file, 0, size)) {
            DirectPut.Answer answer = direct.put(key, body, size, crc32, headers);
            String sent = body.streamedCrc32();
            if (!sent.equals(crc32)) {
                throw new ConfirmationMismatchException(where(key) + " - " + file + " changed during the upload: CRC32 "
                        + crc32 + " before, " + sent + " in the bytes sent");
            }
            requireEchoed(where(key), crc32, answer.checksumCrc32());
            return new Uploaded(answer.etag(), crc32, false, crc32.equals(answer.checksumCrc32()));
        }
    }

    /**
     * Confirms an upload. A single PUT is confirmed by its success answer (S3 adds an object whole
     * or not at all, and checked the CRC32 header against the {@code size} bytes it received)
     * once the answer carries an ETag and either echoes the local CRC32 or this server already
     * proved, with a HEAD after an earlier PUT of this run, that it stores what it is sent. Anything
     * else (the first PUT of a run, a multipart upload) gets a HEAD whose size, and checksum where
     * the server reports one, must be the local file's.
     */
    private Confirmation confirm(String key, Path file, long size, Uploaded uploaded) {
        String label = uploaded.multipart() ? "CRC32-composite:" : "CRC32:";
        boolean answered = !uploaded.multipart() && uploaded.etag() != null && !uploaded.etag().isEmpty();
        if (answered && (uploaded.echoed() || serverProven)) {
            return new Confirmation(key, size, unquote(uploaded.etag()), label + uploaded.checksum(), clock.instant());
        }
        HeadObjectResponse head = requireStored(client, config.bucket(), key, size, uploaded.checksum(),
                " bytes from " + file);
        if (answered && !serverProven) {
            serverProven = true;
            log.debug("{} - the server stored exactly what was sent; later uploads are confirmed by its answers",
                    where(key));
        }
        return new Confirmation(key, size, unquote(head.eTag() != null ? head.eTag() : uploaded.etag()),
                label + uploaded.checksum(), clock.instant());
    }

    /** An object exists under the key: the same bytes confirm the upload, others are a conflict. */
    private Confirmation acceptExisting(String key, Path file, long size, ExistingObject existing) throws IOException {
        String localCrc32 = FileRange.readCrc32(file, 0, size);
        String localComposite = size >= config.multipartThresholdBytes() ? localComposite(file, size) : null;
        boolean same = switch (existing.compare(size, localCrc32, localComposite)) {
            case SAME -> true;
            case DIFFERENT -> false;
            case UNKNOWN -> objectCrc32(key, size).equals(localCrc32);
        };
        if (!same) {
            throw new ObjectConflictException(where(key) + " - S3 already holds another object under this key ("
                    + existing.size() + " bytes, CRC32 " + (existing.crc32() == null ? "not reported" : existing.crc32())
                    + ", ETag " + existing.etag() + ") than the local file " + file + " (" + size + " bytes, CRC32 "
                    + localCrc32 + "). It is not overwritten and the segment is set aside: compare the two, then"
                    + " delete the object (the segment is uploaded at the next start) or the local file");
        }
        log.info("{} - S3 already holds the same {} bytes; the upload counts as confirmed", where(key), size);
        return new Confirmation(key, size, existing.etag(), existing.checksumLabel(localCrc32), clock.instant());
    }

    private String localComposite(Path file, long size) throws IOException {
        List<String> parts = new ArrayList<>();
        for (MultipartPlan.Part part : MultipartPlan.parts(size, config.multipartPartSizeBytes())) {
            parts.add(FileRange.readCrc32(file, part.offset(), part.length()));
        }
        return FileRange.composite(parts);
    }

    /** Reads the stored object and returns its CRC32 (rare: only when S3 reports no comparable checksum). */
    private String objectCrc32(String key, long expectedSize) throws IOException {
        CRC32 crc = new CRC32();
        long total = 0;
        try (InputStream in = client.getObject(b -> b.bucket(config.bucket()).key(key))) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                crc.update(buffer, 0, n);
                total += n;
            }
        }
        if (total != expectedSize) {
            return "size " + total;
        }
        return FileRange.encode((int) crc.getValue());
    }

    private Optional<ExistingObject> head(String key) {
        try {
            HeadObjectResponse head = client.headObject(b -> b.bucket(config.bucket()).key(key)
                    .checksumMode(ChecksumMode.ENABLED));
            return Optional.of(new ExistingObject(head.contentLength(), head.checksumCRC32(), unquote(head.eTag())));
        } catch (AwsServiceException e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * The HEAD after an upload: it must report the {@code size} bytes sent and, where the server
     * reports one, their CRC32.
     *
     * @param sent how the mismatch message goes on after the number of bytes sent
     */
    static HeadObjectResponse requireStored(S3Client client, String bucket, String key, long size, String checksum,
            String sent) {
        HeadObjectResponse head = client.headObject(b -> b.bucket(bucket).key(key).checksumMode(ChecksumMode.ENABLED));
        if (head.contentLength() == null || head.contentLength() != size) {
            throw new ConfirmationMismatchException(bucket + "/" + key + " - S3 reports " + head.contentLength()
                    + " bytes after uploading " + size + sent);
        }
        String reported = head.checksumCRC32();
        if (reported != null && !reported.equals(checksum)) {
            throw new ConfirmationMismatchException(bucket + "/" + key + " - S3 reports CRC32 " + reported
                    + " but " + checksum + " was uploaded");
        }
        return head;
    }

    /** A checksum the server echoed for an upload must be the one computed from the local bytes. */
    static void requireEchoed(String what, String local, String echoed) {
        if (echoed != null && !echoed.equals(local)) {
            throw new ConfirmationMismatchException(what + " - S3 stored CRC32 " + echoed + " but the local bytes have "
                    + local);
        }
    }

    private String where(String key) {
        return config.bucket() + "/" + key;
    }

    private static String unquote(String etag) {
        if (etag == null) {
            return "";
        }
        return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"") ? etag.substring(1, etag.length() - 1) : etag;
    }

    /**
     * Closes the connections of single PUTs, so a PUT blocked on the network fails at once (it stays
     * queued); the SDK client's own are closed by its owner.
     */
    void abortRequests() {
        if (direct != null) {
            direct.close();
        }
    }

    /** Stops the part threads and closes the connections of single PUTs; uploads in flight fail and stay queued. */
    @Override
    public void close() {
        abortRequests();
        partThreads.shutdownNow();
        try {
            if (!partThreads.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("Part uploads did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
