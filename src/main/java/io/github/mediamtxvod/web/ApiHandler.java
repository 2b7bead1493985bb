package io.github.mediamtxvod.web;

import io.github.mediamtxvod.catalog.CatalogView;
import io.github.mediamtxvod.catalog.Entry;
import io.github.mediamtxvod.recording.RecordingStatus;
import io.github.mediamtxvod.recording.Session;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The read-only JSON API: {@code GET /api/status}, {@code /api/streams} and {@code
 * /api/recordings?stream=&from=&to=&page=&pageSize=}. Answers come from the {@link RecorderView}'s
 * snapshots and are never cached by the client.
 */
final class ApiHandler implements Request.Handler {
    static final String STATUS = "/api/status";
    static final String STREAMS = "/api/streams";
    static final String RECORDINGS = "/api/recordings";
    static final int DEFAULT_PAGE_SIZE = 50;
    static final int MAX_PAGE_SIZE = 500;

    private final RecorderView view;
    private final InstantSource clock;
    private final String version;
    private final Instant startedAt;
    private final TimelineReader timeline;

    ApiHandler(RecorderView view, InstantSource clock, String version, Instant startedAt, TimelineReader timeline) {
        this.view = view;
        this.timeline = timeline;
        this.clock = clock;
        this.version = version;
        this.startedAt = startedAt;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws IOException {
        Replies.requireMethod(request, response, HttpMethod.GET);
        String path = request.getHttpURI().getPath();
        return switch (path) {
            case STATUS -> Replies.json(request, response, callback, 200, ApiJson.status(status(), clock.instant()));
            case STREAMS -> Replies.json(request, response, callback, 200, ApiJson.streams(streams()));
            case RECORDINGS -> {
                byte[] body = recordings(QueryParameters.of(request));
                response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
                yield Replies.bytes(request, response, callback, 200, Replies.JSON_TYPE, body);
            }
            default -> throw HttpProblem.notFound();
        };
    }

    private ApiJson.Status status() {
        CatalogView catalog = view.catalog();
        Instant now = clock.instant();
        Duration oldest = catalog.oldestQueuedAt().map(at -> Duration.between(at, now))
                .map(age -> age.isNegative() ? Duration.ZERO : age).orElse(null);
        return new ApiJson.Status(view.state(), version, startedAt, view.recording(), view.uploads(),
                catalog.countByState(), oldest, view.disk().freeBytes(), view.disk().minFreeBytes(), view.mediamtx(),
                timeline.live());
    }

    /** Every stream with recordings or recorded now, sorted by name. */
    private List<ApiJson.StreamItem> streams() {
        Map<String, CatalogView.StreamSummary> known = new TreeMap<>();
        for (CatalogView.StreamSummary stream : view.catalog().streams()) {
            known.put(stream.stream(), stream);
        }
        Map<String, Instant> recordingNow = new HashMap<>();
        Map<String, Instant> sessionNow = new HashMap<>();
        for (RecordingStatus.StreamStatus stream : view.recording().recording()) {
            recordingNow.put(stream.name(), stream.sessionStart() != null ? stream.sessionStart() : stream.since());
            if (stream.sessionStart() != null) {
                sessionNow.put(stream.name(), stream.sessionStart());
            }
        }
        TreeSet<String> names = new TreeSet<>(known.keySet());
        names.addAll(recordingNow.keySet());
        List<ApiJson.StreamItem> result = new ArrayList<>(names.size());
        for (String name : names) {
            CatalogView.StreamSummary summary = known.get(name);
            Instant now = recordingNow.get(name);
            TreeSet<LocalDate> days = new TreeSet<>(Comparator.reverseOrder());
            if (summary != null) {
                days.addAll(summary.days());
            }
            if (now != null) {
                days.add(LocalDate.ofInstant(now, ZoneOffset.UTC));
            }
            // a session that has not finished its first segment is not catalogued yet, but it is the last one
            Instant session = sessionNow.get(name);
            Instant lastSession = summary == null || session != null && session.isAfter(summary.lastSessionStart())
                    ? session : summary.lastSessionStart();
            result.add(summary == null
                    ? new ApiJson.StreamItem(name, true, 0, 0, 0, now, now, List.copyOf(days))
                    : new ApiJson.StreamItem(name, now != null, summary.sessions(), summary.segments(),
                            summary.sizeBytes(), summary.firstStart(), lastSession, List.copyOf(days)));
        }
        return result;
    }

    /** One page of sessions, newest first unless asked otherwise, each with all its segments. */
    private byte[] recordings(QueryParameters parameters) throws IOException {
        String stream = parameters.name("stream");
        Instant from = parameters.instant("from");
        Instant to = parameters.instant("to");
        if (from != null && to != null && !from.isBefore(to)) {
            throw HttpProblem.badRequest("parameter 'to' must be after parameter 'from'");
        }
        int page = parameters.integer("page", 1, 1, 1_000_000);
        int pageSize = parameters.integer("pageSize", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
        String order = parameters.text("order");
        if (order != null && !order.equals("newest") && !order.equals("oldest")) {
            throw HttpProblem.badRequest("parameter 'order' must be 'newest' (the default) or 'oldest'");
        }
        CatalogView catalog = view.catalog();
        CatalogView.Page<Session> sessions = catalog.sessions(new CatalogView.Query(stream, from, to,
                (long) (page - 1) * pageSize, pageSize, !"oldest".equals(order)));
        Map<String, Instant> current = new HashMap<>();
        for (RecordingStatus.StreamStatus active : view.recording().recording()) {
            if (active.sessionStart() != null) {
                current.put(active.name(), active.sessionStart());
            }
        }
        List<ApiJson.SessionItem> items = new ArrayList<>(sessions.items().size());
        for (Session session : sessions.items()) {
            List<Entry> entries = catalog.sessionSegments(session.stream(), session.start());
            items.add(new ApiJson.SessionItem(session, session.start().equals(current.get(session.stream())), entries));
        }
        return ApiJson.recordings(page, pageSize, sessions, items, !view.uploads().uploadsEnabled());
    }
}
