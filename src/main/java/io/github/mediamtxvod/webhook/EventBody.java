package io.github.mediamtxvod.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mediamtxvod.catalog.WebhookEvent;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

/**
 * The JSON a receiver gets for an event: one object, fields in a fixed order, times in RFC 3339
 * (UTC), durations in seconds, sizes in bytes. Rendered once per event, at its first attempt, and
 * kept: every retry sends the same bytes. Pure.
 *
 * <pre>
 * {"type":"segment.uploaded","id":"…","time":"…","stream":"cams/front","session":"2024-05-01T10:00:00Z",
 *  "index":3,"start":"…","end":"…","duration":60.012,"size":7340032,"bucket":"vod","key":"…/segment_003.mp4",
 *  "etag":"…","checksum":"CRC32:…"}
 * {"type":"session.finished","id":"…","time":"…","stream":"cams/front","session":"2024-05-01T10:00:00Z",
 *  "start":"…","end":"…","duration":3601.2,"segments":60,"missing":0,"size":440401920,"bucket":"vod",
 *  "folder":"…/20240501_100000","playlist":"…/20240501_100000/index.m3u8"}
 * </pre>
 */
final class EventBody {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EventBody() {}

    /** @param bucket the bucket the keys are in, or null in local-only mode */
    static String render(WebhookEvent event, String bucket) {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", event.type().wireName());
        node.put("id", event.id());
        node.put("time", event.createdAt().toString());
        node.put("stream", event.stream());
        node.put("session", event.sessionStart().toString());
        switch (event.type()) {
            case SEGMENT_UPLOADED -> {
                node.put("index", event.segmentIndex());
                times(node, event.start(), event.duration() == null ? null : event.start().plus(event.duration()));
                node.put("size", event.sizeBytes());
                node.put("bucket", bucket);
                node.put("key", event.key());
                node.put("etag", event.etag());
                node.put("checksum", event.checksum());
            }
            case SESSION_FINISHED -> {
                times(node, event.start(), event.end());
                node.put("segments", event.segments());
                node.put("missing", event.missing());
                node.put("size", event.sizeBytes());
                node.put("bucket", bucket);
                node.put("folder", event.key() != null ? event.key() : event.relativePath());
                node.put("playlist", event.playlist());
            }
        }
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render webhook event " + event.id(), e);
        }
    }

    private static void times(ObjectNode node, Instant start, Instant end) {
        node.put("start", start.toString());
        node.put("end", end == null ? null : end.toString());
        node.put("duration", end == null ? null : BigDecimal.valueOf(Duration.between(start, end).toMillis(), 3));
    }
}
