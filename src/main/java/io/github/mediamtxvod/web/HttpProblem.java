package io.github.mediamtxvod.web;

/**
 * A request the server refuses with a given status. Its message is written by this package for the
 * client (never built from a secret) and goes into the JSON error answer as it is.
 */
final class HttpProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    HttpProblem(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }

    static HttpProblem badRequest(String message) {
        return new HttpProblem(400, message);
    }

    static HttpProblem notFound() {
        return new HttpProblem(404, "not found");
    }

    static HttpProblem methodNotAllowed() {
        return new HttpProblem(405, "method not allowed");
    }
}
