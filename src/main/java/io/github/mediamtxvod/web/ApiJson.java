package io.github.mediamtxvod.web;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mediamtxvod.config.OutputFormat;
import io.github.mediamtxvod.web.RecorderView.ActiveRecording;
import io.github.mediamtxvod.web.RecorderView.Reachability;
import io.github.mediamtxvod.web.RecorderView.RecordingsPage;
import io.github.mediamtxvod.web.RecorderView.Segment;
import io.github.mediamtxvod.web.RecorderView.Session;
import io.github.mediamtxvod.web.RecorderView.StatusSnapshot;
import io.github.mediamtxvod.web.RecorderView.StreamSummary;
import io.github.mediamtxvod.web.RecorderView.UploadQueue;
import io.github.mediamtxvod.web.RecorderView.UploadState;
import io.github.mediamtxvod.web.RecorderView.WaitingStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;

/**
 * The JSON shapes of the API, written out field by field so the wire format is explicit and stays
 * stable when the view's records change. Instants are ISO-8601 strings in UTC, durations are
 * seconds (decimal), sizes are bytes; unknown values are {@code null}.
 */
final class ApiJson {
    private ApiJson() {}

    static ObjectNode status(StatusSnapshot status, Instant now) {
        ObjectNode root = Replies.JSON.createObjectNode();
        root.put("state", status.state().name());
        root.put("version", status.version());
        root.put("startedAt", status.startedAt().toString());
        root.put("now", now.toString());
        root.put("uptimeSeconds", Duration.between(status.startedAt(), now).toSeconds());
        ArrayNode recording = root.putArray("recording");
        for (ActiveRecording active : status.recording()) {
            ObjectNode node = recording.addObject();
            node.put("stream", active.stream());
            node.put("since", active.since().toString());
            node.put("segments", active.segments());
            node.put("bytes", active.bytes());
            node.put("restarts", active.restarts());
            node.put("lastError", active.lastError());
        }
        ArrayNode waiting = root.putArray("waiting");
        for (WaitingStream stream : status.waiting()) {
            waiting.addObject().put("stream", stream.stream()).put("since", stream.since().toString());
        }
        root.set("uploads", uploads(status.uploads()));
        ObjectNode disk = root.putObject("disk");
        disk.put("freeBytes", status.disk().freeBytes());
        disk.put("minFreeBytes", status.disk().minFreeBytes());
        disk.put("aboveGuard", status.disk().aboveGuard());
        root.set("mediamtx", reachability(status.mediamtx()));
        ObjectNode s3 = reachability(status.s3());
        s3.put("localOnly", status.uploads().localOnly());
        root.set("s3", s3);
        return root;
    }

    private static ObjectNode uploads(UploadQueue queue) {
        ObjectNode node = Replies.JSON.createObjectNode();
        node.put("localOnly", queue.localOnly());
        node.put("pending", queue.pending());
        node.put("inFlight", queue.inFlight());
        node.put("failed", queue.failed());
        node.put("oldestPendingAgeSeconds", seconds(queue.oldestPendingAge()));
        node.put("lastError", queue.lastError());
        return node;
    }

    private static ObjectNode reachability(Reachability reachability) {
        ObjectNode node = Replies.JSON.createObjectNode();
        node.put("reachable", reachability.reachable());
        node.put("lastCheck", text(reachability.lastCheck()));
        node.put("lastError", reachability.lastError());
        return node;
    }

    static ObjectNode streams(Iterable<StreamSummary> streams) {
        ObjectNode root = Replies.JSON.createObjectNode();
        ArrayNode list = root.putArray("streams");
        for (StreamSummary summary : streams) {
            ObjectNode node = list.addObject();
            node.put("stream", summary.stream());
            node.put("recording", summary.recording());
            node.put("sessions", summary.sessions());
            node.put("segments", summary.segments());
            node.put("bytes", summary.bytes());
            node.put("firstStart", text(summary.firstStart()));
            node.put("lastStart", text(summary.lastStart()));
            ArrayNode days = node.putArray("days");
            for (LocalDate day : summary.days()) {
                days.add(day.toString());
            }
        }
        return root;
    }

    /**
     * A page of sessions, streamed straight to bytes: a page may hold thousands of segments, and
     * building a tree for them first would double the work.
     */
    static byte[] recordings(RecordingsPage page) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096 + page.sessions().size() * 2048);
        try (JsonGenerator json = Replies.JSON.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField("page", page.page());
            json.writeNumberField("pageSize", page.pageSize());
            json.writeNumberField("totalSessions", page.totalSessions());
            json.writeNumberField("totalPages", (page.totalSessions() + page.pageSize() - 1) / page.pageSize());
            json.writeArrayFieldStart("sessions");
            for (Session session : page.sessions()) {
                session(json, session);
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        return out.toByteArray();
    }

    private static void session(JsonGenerator json, Session session) throws IOException {
        json.writeStartObject();
        json.writeStringField("stream", session.stream());
        json.writeStringField("start", session.start().toString());
        json.writeStringField("format", session.format().extension());
        // whole-session playback appends fragmented MP4 files to Media Source Extensions
        json.writeBooleanField("playable", session.format() == OutputFormat.MP4);
        json.writeBooleanField("recording", session.recording());
        json.writeStringField("relativePath", session.relativePath());
        json.writeStringField("url", RecordingsHandler.url(session.relativePath()) + "/");
        long bytes = 0;
        Duration duration = Duration.ZERO;
        boolean durationKnown = true;
        for (Segment segment : session.segments()) {
            bytes += segment.sizeBytes();
            durationKnown &= segment.duration() != null;
            duration = segment.duration() == null ? duration : duration.plus(segment.duration());
        }
        json.writeNumberField("sizeBytes", bytes);
        writeSeconds(json, "durationSeconds", durationKnown ? duration : null);
        json.writeArrayFieldStart("segments");
        for (Segment segment : session.segments()) {
            segment(json, segment);
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void segment(JsonGenerator json, Segment segment) throws IOException {
        json.writeStartObject();
        json.writeNumberField("index", segment.index());
        json.writeStringField("start", segment.start().toString());
        writeSeconds(json, "durationSeconds", segment.duration());
        json.writeNumberField("sizeBytes", segment.sizeBytes());
        json.writeStringField("upload", segment.upload().name());
        json.writeBooleanField("local", segment.localFile());
        json.writeStringField("source", source(segment));
        String path = segment.relativePath();
        json.writeStringField("file", path.substring(path.lastIndexOf('/') + 1));
        json.writeStringField("url", RecordingsHandler.url(path));
        json.writeEndObject();
    }

    private static void writeSeconds(JsonGenerator json, String name, Duration duration) throws IOException {
        if (duration == null) {
            json.writeNullField(name);
        } else {
            json.writeNumberField(name, duration.toNanos() / 1e9);
        }
    }

    /** Where the bytes come from when the segment's URL is fetched: "local", "s3" or "none". */
    private static String source(Segment segment) {
        if (segment.localFile()) {
            return "local";
        }
        return segment.upload() == UploadState.UPLOADED ? "s3" : "none";
    }

    private static Double seconds(Duration duration) {
        return duration == null ? null : duration.toNanos() / 1e9;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
