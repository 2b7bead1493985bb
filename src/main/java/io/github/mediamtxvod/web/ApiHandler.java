package io.github.mediamtxvod.web;

import io.github.mediamtxvod.web.RecorderView.RecordingsQuery;
import java.io.IOException;
import java.time.Instant;
import java.time.InstantSource;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The read-only JSON API: {@code GET /api/status}, {@code /api/streams} and {@code
 * /api/recordings?stream=&from=&to=&page=&pageSize=}. Answers come from the {@link RecorderView}
 * and are never cached by the client.
 */
final class ApiHandler implements Request.Handler {
    static final String STATUS = "/api/status";
    static final String STREAMS = "/api/streams";
    static final String RECORDINGS = "/api/recordings";
    static final int DEFAULT_PAGE_SIZE = 50;

    private final RecorderView view;
    private final InstantSource clock;

    ApiHandler(RecorderView view, InstantSource clock) {
        this.view = view;
        this.clock = clock;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws IOException {
        Replies.requireMethod(request, response, HttpMethod.GET);
        String path = request.getHttpURI().getPath();
        return switch (path) {
            case STATUS -> Replies.json(request, response, callback, 200, ApiJson.status(view.status(), clock.instant()));
            case STREAMS -> Replies.json(request, response, callback, 200, ApiJson.streams(view.streams()));
            case RECORDINGS -> {
                byte[] body = ApiJson.recordings(view.recordings(query(request)));
                response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
                yield Replies.bytes(request, response, callback, 200, Replies.JSON_TYPE, body);
            }
            default -> throw HttpProblem.notFound();
        };
    }

    /** The validated query of {@code /api/recordings}. */
    static RecordingsQuery query(Request request) {
        QueryParameters parameters = QueryParameters.of(request);
        String stream = parameters.name("stream");
        Instant from = parameters.instant("from");
        Instant to = parameters.instant("to");
        if (from != null && to != null && !from.isBefore(to)) {
            throw HttpProblem.badRequest("parameter 'to' must be after parameter 'from'");
        }
        int page = parameters.integer("page", 1, 1, 1_000_000);
        int pageSize = parameters.integer("pageSize", DEFAULT_PAGE_SIZE, 1, RecordingsQuery.MAX_PAGE_SIZE);
        return new RecordingsQuery(stream, from, to, page, pageSize);
    }
}
