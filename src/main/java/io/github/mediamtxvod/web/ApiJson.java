package io.github.mediamtxvod.web;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mediamtxvod.catalog.CatalogView;
import io.github.mediamtxvod.catalog.Entry;
import io.github.mediamtxvod.catalog.SegmentState;
import io.github.mediamtxvod.mediamtx.PollerStatus;
import io.github.mediamtxvod.recording.OutputFormat;
import io.github.mediamtxvod.recording.RecordingStatus;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.recording.Session;
import io.github.mediamtxvod.upload.UploadStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * The JSON shapes of the API, written out field by field from the stages' snapshots, so the wire
 * format is explicit and stays stable when the records change. Instants are ISO-8601 strings in
 * UTC, durations are seconds (decimal), sizes are bytes; unknown values are {@code null}.
 */
final class ApiJson {
    private ApiJson() {}

    /** The parts of {@code /api/status}, read at one moment. */
    record Status(
            RecorderView.State state,
            String version,
            Instant startedAt,
            RecordingStatus recording,
            UploadStatus uploads,
            Map<SegmentState, Long> queue,
            Duration oldestPendingAge,
            long diskFreeBytes,
            long minFreeDiskBytes,
            PollerStatus mediamtx,
            Map<String, TimelineReader.Live> live) {}

    static ObjectNode status(Status status, Instant now) {
        ObjectNode root = Replies.JSON.createObjectNode();
        root.put("state", status.state().name());
        root.put("version", status.version());
        root.put("startedAt", status.startedAt().toString());
        root.put("now", now.toString());
        root.put("uptimeSeconds", Duration.between(status.startedAt(), now).toSeconds());
        ArrayNode recording = root.putArray("recording");
        for (RecordingStatus.StreamStatus active : status.recording().recording()) {
            ObjectNode node = recording.addObject();
            node.put("stream", active.name());
            node.put("state", active.state().name());
            node.put("since", active.since().toString());
            node.put("segments", active.segments());
            node.put("bytes", active.bytes());
            node.put("restarts", active.restarts());
            node.put("lastError", active.lastError());
            node.put("sessionStart", text(active.sessionStart()));
            TimelineReader.Live live = status.live().get(active.name());
            if (live == null) {
                node.putNull("currentSegment");
            } else {
                node.putObject("currentSegment")
                        .put("index", live.index())
                        .put("since", live.since().toString())
                        .put("url", live.relativePath() == null ? null : RecordingsHandler.url(live.relativePath()));
            }
        }
        ArrayNode waiting = root.putArray("waiting");
        for (RecordingStatus.Waiting stream : status.recording().waiting()) {
            waiting.addObject().put("stream", stream.name()).put("since", stream.since().toString());
        }
        UploadStatus uploads = status.uploads();
        ObjectNode queue = root.putObject("uploads");
        queue.put("localOnly", !uploads.uploadsEnabled());
        queue.put("pending", status.queue().getOrDefault(SegmentState.PENDING, 0L));
        queue.put("inFlight", uploads.inFlight());
        queue.put("failed", status.queue().getOrDefault(SegmentState.QUARANTINED, 0L));
        queue.put("oldestPendingAgeSeconds", seconds(status.oldestPendingAge()));
        queue.put("lastError", uploads.lastError());
        ObjectNode disk = root.putObject("disk");
        disk.put("freeBytes", status.diskFreeBytes());
        disk.put("minFreeBytes", status.minFreeDiskBytes());
        disk.put("aboveGuard", status.diskFreeBytes() < 0 || status.diskFreeBytes() >= status.minFreeDiskBytes());
        PollerStatus mediamtx = status.mediamtx();
        root.set("mediamtx", reachability(mediamtx.reachable(), mediamtx.lastSuccess(), mediamtx.lastError()));
        ObjectNode s3 = reachability(uploads.s3Reachable(), uploads.lastCheck(), uploads.lastError());
        s3.put("localOnly", !uploads.uploadsEnabled());
        root.set("s3", s3);
        return root;
    }

    private static ObjectNode reachability(boolean reachable, Instant lastCheck, String lastError) {
        ObjectNode node = Replies.JSON.createObjectNode();
        node.put("reachable", reachable);
        node.put("lastCheck", text(lastCheck));
        node.put("lastError", lastError);
        return node;
    }

    /** One stream of {@code /api/streams}: the catalogue's summary and whether it is recorded now. */
    record StreamItem(String stream, boolean recording, long sessions, long segments, long bytes, Instant firstStart,
            Instant lastSessionStart, List<LocalDate> days) {}

    static ObjectNode streams(List<StreamItem> streams) {
        ObjectNode root = Replies.JSON.createObjectNode();
        ArrayNode list = root.putArray("streams");
        for (StreamItem summary : streams) {
            ObjectNode node = list.addObject();
            node.put("stream", summary.stream());
            node.put("recording", summary.recording());
            node.put("sessions", summary.sessions());
            node.put("segments", summary.segments());
            node.put("bytes", summary.bytes());
            node.put("firstStart", text(summary.firstStart()));
            node.put("lastStart", text(summary.lastSessionStart()));
            ArrayNode days = node.putArray("days");
            for (LocalDate day : summary.days()) {
                days.add(day.toString());
            }
        }
        return root;
    }

    /** A session of {@code /api/recordings} with its entries and whether FFmpeg still writes it. */
    record SessionItem(Session session, boolean recording, List<Entry> entries) {}

    /**
     * A page of sessions, streamed straight to bytes: a page may hold thousands of segments, and
     * building a tree for them first would double the work.
     */
    static byte[] recordings(int page, int pageSize, CatalogView.Page<Session> sessions, List<SessionItem> items,
            boolean localOnly) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096 + items.size() * 2048);
        try (JsonGenerator json = Replies.JSON.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField("page", page);
            json.writeNumberField("pageSize", pageSize);
            json.writeNumberField("totalSessions", sessions.total());
            json.writeNumberField("totalPages", (sessions.total() + pageSize - 1) / pageSize);
            json.writeArrayFieldStart("sessions");
            for (SessionItem item : items) {
                session(json, item, localOnly);
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        return out.toByteArray();
    }

    private static void session(JsonGenerator json, SessionItem item, boolean localOnly) throws IOException {
        Session session = item.session();
        json.writeStartObject();
        json.writeStringField("stream", session.stream());
        json.writeStringField("start", session.start().toString());
        json.writeStringField("startedAt", session.startedAt().toString());
        json.writeStringField("format", session.format().extension());
        // whole-session playback appends fragmented MP4 files to Media Source Extensions
        json.writeBooleanField("playable", session.format() == OutputFormat.MP4);
        json.writeBooleanField("recording", item.recording());
        json.writeStringField("relativePath", session.relativePath());
        json.writeStringField("url", RecordingsHandler.url(session.relativePath()) + "/");
        long bytes = 0;
        Duration duration = Duration.ZERO;
        boolean durationKnown = true;
        for (Entry entry : item.entries()) {
            Segment segment = entry.segment();
            bytes += segment.sizeBytes();
            durationKnown &= segment.duration() != null;
            duration = segment.duration() == null ? duration : duration.plus(segment.duration());
        }
        json.writeNumberField("sizeBytes", bytes);
        writeSeconds(json, "durationSeconds", durationKnown ? duration : null);
        json.writeArrayFieldStart("segments");
        for (Entry entry : item.entries()) {
            segment(json, entry, localOnly);
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void segment(JsonGenerator json, Entry entry, boolean localOnly) throws IOException {
        Segment segment = entry.segment();
        String upload = upload(entry, localOnly);
        json.writeStartObject();
        json.writeNumberField("index", segment.index());
        json.writeStringField("start", segment.start().toString());
        writeSeconds(json, "durationSeconds", segment.duration());
        json.writeNumberField("sizeBytes", segment.sizeBytes());
        json.writeStringField("upload", upload);
        json.writeBooleanField("local", entry.localPresent());
        // where the bytes come from when the segment's URL is fetched
        json.writeStringField("source", entry.localPresent() ? "local" : upload.equals("UPLOADED") ? "s3" : "none");
        json.writeStringField("file", segment.fileName());
        json.writeStringField("url", RecordingsHandler.url(segment.relativePath()));
        json.writeEndObject();
    }

    /** PENDING, UPLOADING, FAILED, UPLOADED or LOCAL_ONLY: where a segment's upload stands. */
    private static String upload(Entry entry, boolean localOnly) {
        if (localOnly) {
            return "LOCAL_ONLY";
        }
        return switch (entry.state()) {
            case PENDING -> entry.lastError() == null ? "PENDING" : "FAILED";
            case UPLOADING -> "UPLOADING";
            case UPLOADED, LOCAL_DELETED -> "UPLOADED";
            case QUARANTINED -> "FAILED";
        };
    }

    private static void writeSeconds(JsonGenerator json, String name, Duration duration) throws IOException {
        if (duration == null) {
            json.writeNullField(name);
        } else {
            json.writeNumberField(name, duration.toNanos() / 1e9);
        }
    }

    private static Double seconds(Duration duration) {
        return duration == null ? null : duration.toNanos() / 1e9;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
