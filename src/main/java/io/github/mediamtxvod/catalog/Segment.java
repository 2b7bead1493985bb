package io.github.mediamtxvod.catalog;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;

/**
 * An immutable snapshot of one catalogued segment.
 *
 * @param relativePath path below RECORDINGS_DIR with '/' separators; the S3 key below S3_PREFIX
 * @param streamName the original MediaMTX path name (untrusted; escape before display)
 * @param sessionStart start of the recording session the segment belongs to
 * @param index segment number within the session
 * @param start when the segment's first frame was recorded (best estimate)
 * @param duration media duration, or null when unknown
 * @param sizeBytes the local file size last seen
 * @param state the upload state
 * @param localPresent whether the local file is believed to exist
 * @param attempts upload attempts so far
 * @param lastError the last upload failure, or null
 * @param confirmation what S3 confirmed, or null when not (or no longer) confirmed
 * @param version bumped whenever the local file changed; guards state changes made by a worker
 *     against a file that grew meanwhile
 */
public record Segment(
        String relativePath,
        String streamName,
        Instant sessionStart,
        int index,
        Instant start,
        Duration duration,
        long sizeBytes,
        SegmentState state,
        boolean localPresent,
        int attempts,
        String lastError,
        Confirmation confirmation,
        long version) {

    public Segment {
        requireNonNull(relativePath, "relativePath is null");
        requireNonNull(streamName, "streamName is null");
        requireNonNull(sessionStart, "sessionStart is null");
        requireNonNull(start, "start is null");
        requireNonNull(state, "state is null");
    }

    /** The session folder below RECORDINGS_DIR, '/' separated. */
    public String sessionPath() {
        int slash = relativePath.lastIndexOf('/');
        return slash < 0 ? "" : relativePath.substring(0, slash);
    }

    /**
     * What S3 confirmed for an object: it accepted the bytes with the CRC32 computed from the
     * local file (the server verifies it on receipt), and the HEAD after the upload matched the
     * size (and the checksum, where the server reports one).
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
}
