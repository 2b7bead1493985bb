package io.github.mediamtxvod.upload;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * One multipart upload: parts read from the file by offset ({@link MultipartPlan}), up to {@link
 * #PARTS_IN_FLIGHT} at once on the uploader's part threads while the calling thread waits, each
 * with a trailing CRC32 the server checks; then the completion, with {@code If-None-Match: *}
 * when asked, or an abort when anything failed (if the abort fails, the log names the upload id
 * to purge). The checksum it returns is the composite S3 reports, computed from the local bytes.
 */
final class MultipartUpload {
    /** Parts of one file uploaded at the same time. */
    static final int PARTS_IN_FLIGHT = 4;

    private static final Logger log = LoggerFactory.getLogger(MultipartUpload.class);

    private final S3Client client;
    private final S3Config config;
    private final ExecutorService partThreads;

    MultipartUpload(S3Client client, S3Config config, ExecutorService partThreads) {
        this.client = client;
        this.config = config;
        this.partThreads = partThreads;
    }

    S3Uploader.Uploaded upload(String key, Path file, long size, String contentType, Map<String, String> metadata,
            boolean ifNoneMatch) throws IOException {
        String uploadId = client.createMultipartUpload(b -> b.bucket(config.bucket()).key(key)
                .contentType(contentType).metadata(metadata).storageClass(config.storageClass())
                .checksumAlgorithm(ChecksumAlgorithm.CRC32)).uploadId();
        boolean completed = false;
        try {
            List<CompletedPart> parts = uploadParts(key, uploadId, file, MultipartPlan.parts(size, config.multipartPartSizeBytes()));
            CompleteMultipartUploadResponse response = client.completeMultipartUpload(b -> b.bucket(config.bucket())
                    .key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts))
                    .ifNoneMatch(ifNoneMatch ? "*" : null));
            completed = true;
            return new S3Uploader.Uploaded(response.eTag(),
                    FileRange.composite(parts.stream().map(CompletedPart::checksumCRC32).toList()), true, false);
        } finally {
            if (!completed) {
                abortQuietly(key, uploadId);
            }
        }
    }

    /** Uploads every part, in parallel lanes that take the next part number; returns them in order. */
    private List<CompletedPart> uploadParts(String key, String uploadId, Path file, List<MultipartPlan.Part> plan)
            throws IOException {
        CompletedPart[] done = new CompletedPart[plan.size()];
        new Lanes(plan.size(), index -> done[index] = uploadPart(key, uploadId, file, plan.get(index)))
                .run(partThreads, PARTS_IN_FLIGHT);
        return Arrays.asList(done);
    }

    private CompletedPart uploadPart(String key, String uploadId, Path file, MultipartPlan.Part part) throws IOException {
        try (FileRange body = new FileRange(file, part.offset(), part.length())) {
            UploadPartResponse response = client.uploadPart(b -> b.bucket(config.bucket()).key(key)
                    .uploadId(uploadId).partNumber(part.number()).contentLength(part.length())
                    .checksumAlgorithm(ChecksumAlgorithm.CRC32),
                    body.body("application/octet-stream"));
            String crc32 = body.streamedCrc32();
            S3Uploader.requireEchoed(config.bucket() + "/" + key + " part " + part.number(), crc32, response.checksumCRC32());
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

}
