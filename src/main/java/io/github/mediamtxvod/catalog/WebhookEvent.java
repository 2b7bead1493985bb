package io.github.mediamtxvod.catalog;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * One event of the webhook outbox, as it waits for delivery. What a field means depends on the
 * type; fields a type does not use are null. Immutable.
 *
 * @param seq the outbox order: events of one stream are delivered in this order
 * @param id the event id, sent with every attempt so the receiver can drop repeats: derived from
 *     what the event is about ({@link #idOf}), so an event raised again (a segment found in S3 by a
 *     rebuilt catalogue, a session ended again after a crash) has the id it had the first time
 * @param type what happened
 * @param stream the MediaMTX path name
 * @param sessionStart the session start its folder is named after
 * @param relativePath the segment file (segment.uploaded) or session folder (session.finished)
 *     below RECORDINGS_DIR
 * @param segmentIndex the segment's number in its session (segment.uploaded)
 * @param start start of the segment, or of the session's first segment
 * @param end end of the session's last segment (session.finished)
 * @param duration the segment's duration (segment.uploaded), when known
 * @param segments segments of the session in S3, or on disk without S3 (session.finished)
 * @param missing segments of the session that never reach S3 (session.finished)
 * @param sizeBytes bytes of the segment, or of the session's segments
 * @param key the S3 key of the segment, or of the session folder; null without S3
 * @param etag the segment's ETag (segment.uploaded)
 * @param checksum the segment's checksum as S3 confirmed it, such as {@code CRC32:<base64>}
 * @param playlist the key of the session playlist (session.finished), when there is one
 * @param createdAt when the event happened
 * @param body the exact JSON sent at the first attempt, kept so that every attempt sends (and
 *     signs) the same bytes; null before the first attempt
 * @param attempts delivery attempts so far
 */
public record WebhookEvent(
        long seq,
        String id,
        Type type,
        String stream,
        Instant sessionStart,
        String relativePath,
        Integer segmentIndex,
        Instant start,
        Instant end,
        Duration duration,
        Integer segments,
        Integer missing,
        Long sizeBytes,
        String key,
        String etag,
        String checksum,
        String playlist,
        Instant createdAt,
        String body,
        int attempts) {

    /** The event types, with the names the receiver sees. */
    public enum Type {
        SEGMENT_UPLOADED("segment.uploaded"),
        SESSION_FINISHED("session.finished");

        private final String wireName;

        Type(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        static Type of(String wireName) {
            for (Type type : values()) {
                if (type.wireName.equals(wireName)) {
                    return type;
                }
            }
            throw new IllegalArgumentException("unknown webhook event type in catalogue: " + wireName);
        }
    }

    public WebhookEvent {
        requireNonNull(id, "id is null");
        requireNonNull(type, "type is null");
        requireNonNull(stream, "stream is null");
        requireNonNull(sessionStart, "sessionStart is null");
        requireNonNull(relativePath, "relativePath is null");
        requireNonNull(start, "start is null");
        requireNonNull(createdAt, "createdAt is null");
    }

    /**
     * The wire id of an event from its natural key in the outbox ({@code "<type> <relative
     * path>"}): 32 hex digits of its SHA-256, the same every time the same thing happens.
     */
    static String idOf(String naturalKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(naturalKey.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
