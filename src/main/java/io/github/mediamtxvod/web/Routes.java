package io.github.mediamtxvod.web;

import io.github.mediamtxvod.catalog.CatalogException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks access, picks the handler by the raw request path and turns failures into JSON errors:
 * an {@link HttpProblem} becomes its status and message; anything else is logged and answered 500
 * without detail. Runs on a virtual thread (a blocking handler), so handlers may block.
 */
final class Routes extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(Routes.class);

    private final AccessControl access;
    private final StaticAssets assets;
    private final RecordingsHandler recordings;
    private final ApiHandler api;
    private final TimelineHandler timeline;
    private final ThumbnailHandler thumbnails;
    private final HookHandler hooks;
    private final ProbeHandler probes;
    private final MetricsHandler metrics;
    private final PlaybackHandler playback;

    Routes(
            AccessControl access,
            StaticAssets assets,
            RecordingsHandler recordings,
            ApiHandler api,
            TimelineHandler timeline,
            ThumbnailHandler thumbnails,
            HookHandler hooks,
            ProbeHandler probes,
            MetricsHandler metrics,
            PlaybackHandler playback) {
        super(InvocationType.BLOCKING);
        this.access = access;
        this.assets = assets;
        this.recordings = recordings;
        this.api = api;
        this.timeline = timeline;
        this.thumbnails = thumbnails;
        this.hooks = hooks;
        this.probes = probes;
        this.metrics = metrics;
        this.playback = playback;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        try {
            access.check(request, response);
            if (path.equals("/recordings")) {
                Response.sendRedirect(request, response, callback, 301, RecordingsHandler.MOUNT, true);
                return true;
            }
            Request.Handler handler = route(path);
            if (handler == null) {
                throw HttpProblem.notFound();
            }
            return handler.handle(request, response, callback);
        } catch (HttpProblem problem) {
            log.debug("{} {}?{}: {} {}", request.getMethod(), path, withoutToken(request.getHttpURI().getQuery()),
                    problem.status(), problem.getMessage());
            return fail(request, response, callback, problem.status(), problem.getMessage(), null);
        } catch (CatalogException e) {
            // starting (the catalogue opens after the web server) or a catalogue failure the recorder logs itself
            log.debug("{} {}: catalogue not available: {}", request.getMethod(), path, e.toString());
            return fail(request, response, callback, 503, "the catalogue is not available", null);
        } catch (Exception e) {
            return fail(request, response, callback, 500, "internal error", e);
        }
    }

    private Request.Handler route(String path) {
        return switch (path) {
            case "/", StaticAssets.FAVICON_ICO -> assets;
            case ApiHandler.STATUS, ApiHandler.STREAMS, ApiHandler.RECORDINGS -> api;
            case TimelineHandler.TIMELINE, TimelineHandler.SEGMENTS -> timeline;
            case ThumbnailHandler.PATH -> thumbnails;
            case HookHandler.READY, HookHandler.NOT_READY -> hooks;
            case ProbeHandler.HEALTH, ProbeHandler.READY -> probes;
            case MetricsHandler.PATH -> metrics;
            case PlaybackHandler.LIST, PlaybackHandler.GET -> playback;
            default -> {
                if (path.startsWith(StaticAssets.MOUNT)) {
                    yield assets;
                }
                yield path.startsWith(RecordingsHandler.MOUNT) ? recordings : null;
            }
        };
    }

    /** A query as it came, but for the values of {@code token} parameters (a hook's secret), however encoded. */
    static String withoutToken(String query) {
        if (query == null) {
            return "";
        }
        return Arrays.stream(query.split("&", -1)).map(part -> {
            int equals = part.indexOf('=');
            String name = equals < 0 ? part : part.substring(0, equals);
            try {
                name = URLDecoder.decode(name, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return part; // not a name QueryParameters accepts either
            }
            return name.equals("token") ? (equals < 0 ? part : part.substring(0, equals)) + "=[REDACTED]" : part;
        }).collect(Collectors.joining("&"));
    }

    private static boolean fail(
            Request request, Response response, Callback callback, int status, String message, Exception cause) {
        if (cause != null) {
            log.warn("{} {} failed", request.getMethod(), request.getHttpURI().getPath(), cause);
        }
        if (response.isCommitted()) {
            callback.failed(cause != null ? cause : new IllegalStateException(message));
            return true;
        }
        if (PlaybackHandler.handles(request.getHttpURI().getPath())) {
            return PlaybackHandler.error(request, response, callback, status, message);
        }
        return Replies.error(request, response, callback, status, message);
    }
}
