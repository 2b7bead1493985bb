package io.github.mediamtxvod.web;

import com.fasterxml.jackson.core.JsonGenerator;
import io.github.mediamtxvod.catalog.CatalogView;
import io.github.mediamtxvod.recording.Segment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The timeline's data, read-only JSON, never cached by the client:
 *
 * <ul>
 *   <li>{@code GET /api/timeline?from=T&to=T[&stream=NAME]...}: per stream the recorded spans
 *       overlapping {@code [from, to)} (consecutive segments with the same storage merged, see
 *       {@link Timeline}) and the segment it is recording now. Without {@code stream}, every
 *       catalogued stream and every stream recording now; with it, exactly the streams named
 *       (a name with nothing recorded has no spans).
 *   <li>{@code GET /api/segments?stream=NAME&from=T&to=T}: the segments of one stream overlapping
 *       {@code [from, to)}, in time order, each with its URL, for the player.
 * </ul>
 *
 * {@code from} and {@code to} are required instants, {@code to} after {@code from}, at most
 * {@link #MAX_RANGE} apart.
 */
final class TimelineHandler implements Request.Handler {
    static final String TIMELINE = "/api/timeline";
    static final String SEGMENTS = "/api/segments";
    static final Duration MAX_RANGE = Duration.ofHours(48);
    static final int MAX_STREAMS = 100;

    private final TimelineReader reader;
    private final RecorderView view;
    private final InstantSource clock;

    TimelineHandler(TimelineReader reader, RecorderView view, InstantSource clock) {
        this.reader = reader;
        this.view = view;
        this.clock = clock;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws IOException {
        Replies.requireMethod(request, response, HttpMethod.GET);
        QueryParameters parameters = QueryParameters.of(request);
        Instant from = parameters.requiredInstant("from");
        Instant to = parameters.requiredInstant("to");
        if (!from.isBefore(to)) {
            throw HttpProblem.badRequest("parameter 'to' must be after parameter 'from'");
        }
        if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
            throw HttpProblem.badRequest("'from' and 'to' may be at most " + MAX_RANGE.toHours() + " hours apart");
        }
        byte[] body = switch (request.getHttpURI().getPath()) {
            case TIMELINE -> timeline(parameters.names("stream"), from, to);
            case SEGMENTS -> segments(parameters.requiredName("stream"), from, to);
            default -> throw HttpProblem.notFound();
        };
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        return Replies.bytes(request, response, callback, 200, Replies.JSON_TYPE, body);
    }

    private byte[] timeline(List<String> requested, Instant from, Instant to) throws IOException {
        if (requested.size() > MAX_STREAMS) {
            throw HttpProblem.badRequest("parameter 'stream' may be given at most " + MAX_STREAMS + " times");
        }
        Map<String, TimelineReader.Live> live = reader.live();
        List<String> streams = requested.isEmpty() ? allStreams(live) : requested.stream().distinct().toList();
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024 + streams.size() * 512);
        try (JsonGenerator json = Replies.JSON.getFactory().createGenerator(out)) {
            window(json, from, to);
            json.writeNumberField("gapToleranceSeconds", Timeline.GAP_TOLERANCE.toMillis() / 1000.0);
            json.writeArrayFieldStart("streams");
            for (String stream : streams) {
                json.writeStartObject();
                json.writeStringField("stream", stream);
                writeLive(json, live.get(stream));
                json.writeArrayFieldStart("spans");
                for (Timeline.Span span : Timeline.spans(reader.spots(stream, from, to))) {
                    json.writeStartObject();
                    json.writeStringField("start", span.start().toString());
                    json.writeStringField("end", span.end().toString());
                    json.writeStringField("storage", span.storage().json());
                    json.writeNumberField("segments", span.segments());
                    json.writeEndObject();
                }
                json.writeEndArray();
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        return out.toByteArray();
    }

    private byte[] segments(String stream, Instant from, Instant to) throws IOException {
        List<Timeline.Piece> pieces = reader.pieces(stream, from, to);
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024 + pieces.size() * 256);
        try (JsonGenerator json = Replies.JSON.getFactory().createGenerator(out)) {
            window(json, from, to);
            json.writeStringField("stream", stream);
            writeLive(json, reader.live().get(stream));
            json.writeArrayFieldStart("segments");
            for (Timeline.Piece piece : pieces) {
                Segment segment = piece.segment();
                json.writeStartObject();
                json.writeStringField("start", piece.start().toString());
                json.writeStringField("end", piece.end().toString());
                if (segment.duration() == null) {
                    json.writeNullField("durationSeconds");
                } else {
                    json.writeNumberField("durationSeconds", segment.duration().toNanos() / 1e9);
                }
                json.writeStringField("session", segment.sessionStart().toString());
                json.writeNumberField("index", segment.index());
                json.writeStringField("storage", piece.storage().json());
                json.writeNumberField("sizeBytes", segment.sizeBytes());
                json.writeStringField("url", RecordingsHandler.url(segment.relativePath()));
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        return out.toByteArray();
    }

    private void window(JsonGenerator json, Instant from, Instant to) throws IOException {
        json.writeStartObject();
        json.writeStringField("from", from.toString());
        json.writeStringField("to", to.toString());
        json.writeStringField("now", clock.instant().toString());
        json.writeBooleanField("localOnly", !view.uploads().uploadsEnabled());
    }

    /** {@code "recording": {"session", "index", "since", "url"}} or null. */
    static void writeLive(JsonGenerator json, TimelineReader.Live live) throws IOException {
        if (live == null) {
            json.writeNullField("recording");
            return;
        }
        json.writeObjectFieldStart("recording");
        json.writeStringField("session", live.sessionStart().toString());
        json.writeNumberField("index", live.index());
        json.writeStringField("since", live.since().toString());
        json.writeStringField("url", live.relativePath() == null ? null : RecordingsHandler.url(live.relativePath()));
        json.writeEndObject();
    }

    private List<String> allStreams(Map<String, TimelineReader.Live> live) {
        List<String> names = new ArrayList<>();
        for (CatalogView.StreamSummary stream : view.catalog().streams()) {
            names.add(stream.stream());
        }
        live.keySet().stream().filter(name -> !names.contains(name)).forEach(names::add);
        return names.stream().sorted().toList();
    }
}
