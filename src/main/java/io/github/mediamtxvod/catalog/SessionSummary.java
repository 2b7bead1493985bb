package io.github.mediamtxvod.catalog;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A finished recording session as the {@code session.finished} webhook reports it. Immutable.
 *
 * @param stream the MediaMTX path name
 * @param sessionStart the session start its folder is named after
 * @param folder the session folder below RECORDINGS_DIR
 * @param start start of its first segment
 * @param end end of its last segment
 * @param segments segments that reached S3 (or, without S3, that are on disk)
 * @param missing segments that never will (quarantined: their files vanished before upload)
 * @param sizeBytes bytes of the {@code segments}
 * @param key the S3 key of the session folder (S3_PREFIX included), or null without S3
 * @param playlist the key of the session playlist (below S3_PREFIX in S3, else below
 *     RECORDINGS_DIR), or null when there is none (segments that are not MP4)
 */
public record SessionSummary(
        String stream,
        Instant sessionStart,
        String folder,
        Instant start,
        Instant end,
        int segments,
        int missing,
        long sizeBytes,
        String key,
        String playlist) {
    public SessionSummary {
        requireNonNull(stream, "stream is null");
        requireNonNull(sessionStart, "sessionStart is null");
        requireNonNull(folder, "folder is null");
        requireNonNull(start, "start is null");
        requireNonNull(end, "end is null");
    }
}
