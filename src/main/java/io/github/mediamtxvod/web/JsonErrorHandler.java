package io.github.mediamtxvod.web;

import java.util.Locale;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Makes the errors Jetty itself produces (malformed requests, ambiguous URIs, headers too large,
 * failures after a handler gave up) look like ours: {@code {"error": ..., "status": N}} with the
 * security headers. A server error never shows its cause.
 */
final class JsonErrorHandler extends ErrorHandler {
    @Override
    protected void generateResponse(
            Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        SecurityHeaders.apply(response.getHeaders());
        Replies.error(request, response, callback, code, text(code, message));
    }

    private static String text(int code, String message) {
        if (code >= 500 || message == null || message.isBlank()) {
            String reason = HttpStatus.getMessage(code);
            return reason == null ? "error" : reason.toLowerCase(Locale.ROOT);
        }
        return message;
    }
}
