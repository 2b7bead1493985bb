package io.github.mediamtxvod.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mediamtxvod.mediamtx.PollerStatus;
import io.github.mediamtxvod.upload.UploadStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /health} (liveness: answering at all means the process works, always 200 {@code
 * {"status":"UP"}}) and {@code /ready} (running, MediaMTX and S3 reachable, disk above its guard: 200 {@code
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
        List<String> reasons = notReadyReasons();
        body.put("status", reasons.isEmpty() ? "READY" : "NOT_READY");
        body.put("ready", reasons.isEmpty());
        reasons.forEach(body.putArray("reasons")::add);
        return Replies.json(request, response, callback, reasons.isEmpty() ? 200 : 503, body);
    }

    /** Why the recorder is not ready, one line each; empty when it is. */
    private List<String> notReadyReasons() {
        try {
            List<String> reasons = new ArrayList<>();
            if (view.state() != RecorderView.State.RUNNING) {
                reasons.add("the recorder is " + view.state().name().toLowerCase(Locale.ROOT));
            }
            PollerStatus poll = view.mediamtx();
            if (!poll.reachable()) {
                reasons.add("MediaMTX API not reachable" + (poll.lastError() == null ? "" : ": " + poll.lastError()));
            }
            UploadStatus upload = view.uploads();
            if (upload.uploadsEnabled() && !upload.s3Reachable()) {
                reasons.add("S3 not reachable" + (upload.lastError() == null ? "" : ": " + upload.lastError()));
            }
            if (view.disk().belowMinimum()) {
                reasons.add("free disk space below MIN_FREE_DISK_MB");
            }
            return reasons;
        } catch (RuntimeException e) {
            log.warn("Readiness check failed", e);
            return List.of("readiness check failed");
        }
    }
}
