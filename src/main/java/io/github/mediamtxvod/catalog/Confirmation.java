package io.github.mediamtxvod.catalog;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * What S3 confirmed for an object: it accepted the bytes with the CRC32 computed from the local
 * file (the server verifies it on receipt), and the HEAD after the upload matched the size (and
 * the checksum, where the server reports one). Immutable.
 *
 * @param key the full S3 key, prefix included
 * @param sizeBytes the object size S3 reported
 * @param etag the ETag S3 reported
 * @param checksum {@code CRC32:<base64>}, or {@code CRC32-composite:<base64>-<parts>} after a
 *     multipart upload (the CRC32 of the parts' CRC32s, as S3 reports it); null only in entries
 *     written by other tools
 * @param confirmedAt when the confirmation was recorded
 */
public record Confirmation(String key, long sizeBytes, String etag, String checksum, Instant confirmedAt) {
    public Confirmation {
        requireNonNull(key, "key is null");
        requireNonNull(etag, "etag is null");
        requireNonNull(confirmedAt, "confirmedAt is null");
    }
}
