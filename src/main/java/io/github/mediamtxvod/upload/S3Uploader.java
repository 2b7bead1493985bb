package io.github.mediamtxvod.upload;

import io.github.mediamtxvod.catalog.Confirmation;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.recording.SegmentLayout;
import io.github.mediamtxvod.recording.OutputFormat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Uploads one segment file and confirms it: PutObject (or a multipart upload from the
 * threshold on) streamed from the file with a CRC32 the server verifies, then a HEAD whose size
 * (and checksum, when the server reports one) must match before the upload counts. The key is
 * deterministic, so repeating an upload rewrites the same object with the same bytes.
 *
 * <p>Thread-safe (the SDK client is); failures surface as the SDK's exceptions, an {@link
 * IOException} for the local file, or {@link ConfirmationMismatchException}.
 */
final class S3Uploader {
    private static final Logger log = LoggerFactory.getLogger(S3Uploader.class);

    private final S3Client client;
    private final S3Config config;
    private final InstantSource clock;

    S3Uploader(S3Client client, S3Config config, InstantSource clock) {
        this.client = client;
        this.config = config;
        this.clock = clock;
    }

    String keyOf(Segment segment) {
        return SegmentLayout.s3Key(config.prefix(), segment.relativePath());
    }

    /** Uploads the file as it is now and returns what S3 confirmed. */
    Confirmation upload(Segment segment, Path file) throws IOException {
        String key = keyOf(segment);
        long size = Files.size(file);
        OutputFormat format = OutputFormat.fromFileName(file.getFileName().toString());
        String contentType = format == null ? "application/octet-stream" : format.contentType();
        Map<String, String> metadata = ObjectMetadata.of(segment);
        Uploaded uploaded = size >= config.multipartThresholdBytes()
                ? uploadMultipart(key, file, size, contentType, metadata)
                : put(key, file, size, contentType, metadata);
        HeadObjectResponse head = client.headObject(b -> b.bucket(config.bucket()).key(key).checksumMode(ChecksumMode.ENABLED));
        if (head.contentLength() == null || head.contentLength() != size) {
            throw new ConfirmationMismatchException(config.bucket() + "/" + key + " - S3 reports "
                    + head.contentLength() + " bytes after uploading " + size + " bytes from " + file);
        }
        // servers that store checksums report them on HEAD; it must be the one computed from the file
        String reported = head.checksumCRC32();
        if (reported != null && !reported.equals(uploaded.checksum())) {
            throw new ConfirmationMismatchException(config.bucket() + "/" + key + " - S3 reports CRC32 "
                    + reported + " but the local file has " + uploaded.checksum());
        }
        String label = uploaded.multipart() ? "CRC32-composite:" : "CRC32:";
        return new Confirmation(key, size, unquote(head.eTag() != null ? head.eTag() : uploaded.etag()),
                label + uploaded.checksum(), clock.instant());
    }

    /** The checksum is the one computed from the local file, which the server verified on receipt. */
    private record Uploaded(String etag, String checksum, boolean multipart) {}

    private Uploaded put(String key, Path file, long size, String contentType, Map<String, String> metadata)
            throws IOException {
        try (FileRange body = new FileRange(file, 0, size)) {
            String crc32 = body.crc32();
            PutObjectResponse response = client.putObject(b -> b.bucket(config.bucket()).key(key)
                    .contentType(contentType).contentLength(size).metadata(metadata)
                    .storageClass(config.storageClass())
                    .checksumAlgorithm(ChecksumAlgorithm.CRC32).checksumCRC32(crc32),
                    body.body(contentType));
            return new Uploaded(response.eTag(), crc32, false);
        }
    }

    private Uploaded uploadMultipart(String key, Path file, long size, String contentType, Map<String, String> metadata)
            throws IOException {
        String uploadId = client.createMultipartUpload(b -> b.bucket(config.bucket()).key(key)
                .contentType(contentType).metadata(metadata).storageClass(config.storageClass())
                .checksumAlgorithm(ChecksumAlgorithm.CRC32)).uploadId();
        boolean completed = false;
        try {
            List<CompletedPart> parts = new ArrayList<>();
            for (MultipartPlan.Part part : MultipartPlan.parts(size, config.multipartPartSizeBytes())) {
                parts.add(uploadPart(key, uploadId, file, part));
            }
            CompleteMultipartUploadResponse response = client.completeMultipartUpload(b -> b.bucket(config.bucket())
                    .key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
            completed = true;
            return new Uploaded(response.eTag(),
                    FileRange.composite(parts.stream().map(CompletedPart::checksumCRC32).toList()), true);
        } finally {
            if (!completed) {
                abortQuietly(key, uploadId);
            }
        }
    }

    private CompletedPart uploadPart(String key, String uploadId, Path file, MultipartPlan.Part part)
            throws IOException {
        try (FileRange body = new FileRange(file, part.offset(), part.length())) {
            String crc32 = body.crc32();
            UploadPartResponse response = client.uploadPart(b -> b.bucket(config.bucket()).key(key)
                    .uploadId(uploadId).partNumber(part.number()).contentLength(part.length())
                    .checksumAlgorithm(ChecksumAlgorithm.CRC32).checksumCRC32(crc32),
                    body.body("application/octet-stream"));
            log.debug("{}/{} - part {} uploaded ({} bytes)", config.bucket(), key, part.number(), part.length());
            return CompletedPart.builder().partNumber(part.number()).eTag(response.eTag()).checksumCRC32(crc32).build();
        }
    }

    /** Aborts an unfinished multipart upload; on failure says what an operator may need to purge. */
    private void abortQuietly(String key, String uploadId) {
        // an interrupt (shutdown) would make the SDK refuse the abort call itself
        boolean interrupted = Thread.interrupted();
        try {
            client.abortMultipartUpload(b -> b.bucket(config.bucket()).key(key).uploadId(uploadId));
        } catch (RuntimeException e) {
            log.warn("{}/{} - could not abort multipart upload {}: {}; its parts stay stored (and billed) until"
                            + " purged: abort it by hand or add a lifecycle rule AbortIncompleteMultipartUpload",
                    config.bucket(), key, uploadId, FailureKind.describe(e));
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String unquote(String etag) {
        if (etag == null) {
            return "";
        }
        return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"") ? etag.substring(1, etag.length() - 1) : etag;
    }
}
