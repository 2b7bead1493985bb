package io.github.mediamtxvod.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mediamtxvod.web.RecorderView.ReadyState;
import java.util.List;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /health} (liveness: answering at all means the process works, always 200 {@code
 * {"status":"UP"}}) and {@code /ready} (readiness from {@link RecorderView#ready()}: 200 {@code
 * {"status":"READY","reasons":[]}} or 503 {@code {"status":"NOT_READY","reasons":[...]}}).
 */
final class ProbeHandler implements Request.Handler {
    static final String HEALTH = "/health";
    static final String READY = "/ready";

    private static final Logger log = LoggerFactory.getLogger(ProbeHandler.class);

    private final RecorderView view;
    private final String version;

    ProbeHandler(RecorderView view, String version) {
        this.view = view;
        this.version = version;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Replies.requireMethod(request, response, HttpMethod.GET);
        ObjectNode body = Replies.JSON.createObjectNode();
        if (request.getHttpURI().getPath().equals(HEALTH)) {
            body.put("status", "UP");
            body.put("version", version);
            return Replies.json(request, response, callback, 200, body);
        }
        ReadyState state = readyState();
        body.put("status", state.ready() ? "READY" : "NOT_READY");
        body.put("ready", state.ready());
        List<String> reasons = state.reasons();
        reasons.forEach(body.putArray("reasons")::add);
        return Replies.json(request, response, callback, state.ready() ? 200 : 503, body);
    }

    private ReadyState readyState() {
        try {
            return view.ready();
        } catch (RuntimeException e) {
            log.warn("Readiness check failed", e);
            return new ReadyState(false, List.of("readiness check failed"));
        }
    }
}
