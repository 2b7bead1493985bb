package io.github.mediamtxvod.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mediamtxvod.web.RecorderView.HookOutcome;
import io.github.mediamtxvod.web.RecorderView.HookResult;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/hooks/ready?path=NAME} and {@code POST /api/hooks/not-ready?path=NAME}: MediaMTX
 * tells the recorder at once that a path became available or went away, so recording starts or
 * stops without waiting for the next poll (polling stays the safety net). Meant for MediaMTX's
 * {@code runOnReady}/{@code runOnNotReady} path hooks, which MediaMTX 1.19.3 and later call {@code
 * runOnAvailable}/{@code runOnUnavailable} (the old names still work there), for example:
 *
 * <pre>
 * runOnReady: curl -fsS -X POST -H "Authorization: Bearer TOKEN" http://recorder:8080/api/hooks/ready?path=$MTX_PATH
 * </pre>
 *
 * <p>The view checks the hook with MediaMTX before it acts (a hook is a hint, not a command), so
 * this call may take up to MEDIAMTX_API_TIMEOUT_SECONDS. A hook that started or stopped a
 * recording is logged at INFO, one that changed nothing at DEBUG (anyone who can reach the
 * endpoint can send them). The token check happens before this handler ({@link AccessControl}).
 * The request body is ignored; one larger than {@value #MAX_BODY_BYTES} bytes is refused with 413. The answer is 200
 * with {@code {"path", "event", "outcome", "message"}} for every outcome but {@link
 * HookOutcome#INVALID} (a 400 error), so a filtered stream does not make MediaMTX log a failing
 * hook.
 */
final class HookHandler implements Request.Handler {
    static final String READY = "/api/hooks/ready";
    static final String NOT_READY = "/api/hooks/not-ready";
    static final long MAX_BODY_BYTES = 64 * 1024;

    private static final Logger log = LoggerFactory.getLogger(HookHandler.class);

    private final RecorderView view;

    HookHandler(RecorderView view) {
        this.view = view;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Replies.requireMethod(request, response, HttpMethod.POST);
        if (request.getLength() > MAX_BODY_BYTES) {
            throw new HttpProblem(413, "request body too large");
        }
        String pathName = QueryParameters.of(request).name("path");
        if (pathName == null) {
            throw HttpProblem.badRequest("parameter 'path' is required");
        }
        boolean ready = request.getHttpURI().getPath().equals(READY);
        String event = ready ? "ready" : "not-ready";
        HookResult result = view.hook(ready, pathName);
        if (result.outcome() == HookOutcome.INVALID) {
            throw HttpProblem.badRequest("parameter 'path' is not acceptable: " + result.message());
        }
        if (changedSomething(result.outcome())) {
            log.info("{} - hook {}: {}", pathName, event, result.outcome());
        } else {
            // anyone may send hooks: the ones that change nothing must not flood the log
            log.debug("{} - hook {}: {} ({})", pathName, event, result.outcome(), result.message());
        }
        ObjectNode body = Replies.JSON.createObjectNode();
        body.put("path", pathName);
        body.put("event", event);
        body.put("outcome", result.outcome().name());
        body.put("message", result.message());
        return Replies.json(request, response, callback, 200, body);
    }

    private static boolean changedSomething(HookOutcome outcome) {
        return switch (outcome) {
            case STARTED, WAITING, STOPPED -> true;
            case ALREADY_RECORDING, NOT_RECORDING, NOT_LIVE, STILL_LIVE, UNCONFIRMED, IGNORED, INVALID -> false;
        };
    }
}
