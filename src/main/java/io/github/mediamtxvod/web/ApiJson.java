package io.github.mediamtxvod.web;

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

    static ObjectNode recordings(RecordingsPage page) {
        ObjectNode root = Replies.JSON.createObjectNode();
        root.put("page", page.page());
        root.put("pageSize", page.pageSize());
        root.put("totalSessions", page.totalSessions());
        root.put("totalPages", (page.totalSessions() + page.pageSize() - 1) / page.pageSize());
        ArrayNode sessions = root.putArray("sessions");
        for (Session session : page.sessions()) {
            sessions.add(session(session));
        }
        return root;
    }

    private static ObjectNode session(Session session) {
        ObjectNode node = Replies.JSON.createObjectNode();
        node.put("stream", session.stream());
        node.put("start", session.start().toString());
        node.put("format", session.format().extension());
        // whole-session playback appends fragmented MP4 files to Media Source Extensions
        node.put("playable", session.format() == OutputFormat.MP4);
        node.put("recording", session.recording());
        node.put("relativePath", session.relativePath());
        node.put("url", RecordingsHandler.url(session.relativePath()) + "/");
        long bytes = 0;
        Duration duration = Duration.ZERO;
        boolean durationKnown = true;
        ArrayNode segments = node.putArray("segments");
        for (Segment segment : session.segments()) {
            segments.add(segment(segment));
            bytes += segment.sizeBytes();
            durationKnown &= segment.duration() != null;
            duration = segment.duration() == null ? duration : duration.plus(segment.duration());
        }
        node.put("sizeBytes", bytes);
        node.put("durationSeconds", durationKnown ? seconds(duration) : null);
        return node;
    }

    private static ObjectNode segment(Segment segment) {
        ObjectNode node = Replies.JSON.createObjectNode();
        node.put("index", segment.index());
        node.put("start", segment.start().toString());
        node.put("durationSeconds", seconds(segment.duration()));
        node.put("sizeBytes", segment.sizeBytes());
        node.put("upload", segment.upload().name());
        node.put("local", segment.localFile());
        node.put("source", source(segment));
        node.put("relativePath", segment.relativePath());
        node.put("url", RecordingsHandler.url(segment.relativePath()));
        return node;
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
