package io.github.mediamtxvod.web;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Writes whole, small answers (JSON, HTML, text) in one go; HEAD gets the headers only. */
final class Replies {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String JSON_TYPE = "application/json; charset=utf-8";
    static final String HTML_TYPE = "text/html; charset=utf-8";

    private Replies() {}

    /** Answers {@code {"error": message, "status": status}}. */
    static boolean error(Request request, Response response, Callback callback, int status, String message) {
        return json(request, response, callback, status, errorBody(status, message));
    }

    static ObjectNode errorBody(int status, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("error", message);
        body.put("status", status);
        return body;
    }

    static boolean json(Request request, Response response, Callback callback, int status, Object body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON", e);
        }
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        return bytes(request, response, callback, status, JSON_TYPE, bytes);
    }

    static boolean html(Request request, Response response, Callback callback, int status, String page) {
        return bytes(request, response, callback, status, HTML_TYPE, page.getBytes(UTF_8));
    }

    static boolean bytes(
            Request request, Response response, Callback callback, int status, String contentType, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        boolean head = HttpMethod.HEAD.is(request.getMethod());
        response.write(true, head ? ByteBuffer.allocate(0) : ByteBuffer.wrap(body), callback);
        return true;
    }

    /** Throws 405 unless the request uses one of the given methods (HEAD counts as GET). */
    static void requireMethod(Request request, Response response, HttpMethod... allowed) {
        String method = request.getMethod();
        StringBuilder allow = new StringBuilder();
        for (HttpMethod candidate : allowed) {
            if (candidate.is(method) || (candidate == HttpMethod.GET && HttpMethod.HEAD.is(method))) {
                return;
            }
            allow.append(allow.isEmpty() ? "" : ", ").append(candidate.asString());
            if (candidate == HttpMethod.GET) {
                allow.append(", HEAD");
            }
        }
        response.getHeaders().put(HttpHeader.ALLOW, allow.toString());
        throw HttpProblem.methodNotAllowed();
    }
}
