package io.github.mediamtxvod.mediamtx;

import static java.util.Objects.requireNonNull;

/**
 * A call to MediaMTX's Control API failed. The message is meant for the operator: it names the
 * URL, says what went wrong and what to check, and never contains the API password.
 */
public final class MediaMtxException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What kind of failure; lets callers react without parsing the message. */
    public enum Reason {
        /** No connection: refused, unknown host, reset, TLS failure. */
        UNREACHABLE,
        /** No answer within MEDIAMTX_API_TIMEOUT_SECONDS. */
        TIMEOUT,
        /** HTTP 401 or 403: missing or wrong credentials, or no {@code api} permission. */
        UNAUTHORIZED,
        /** Any other HTTP status than 200. */
        HTTP_ERROR,
        /** HTTP 200 with a body that is not the expected JSON. */
        INVALID_ANSWER,
        /** The calling thread was interrupted (shutdown). */
        INTERRUPTED
    }

    private final Reason reason;

    public MediaMtxException(Reason reason, String message) {
        super(message);
        this.reason = requireNonNull(reason, "reason is null");
    }

    public MediaMtxException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = requireNonNull(reason, "reason is null");
    }

    public Reason reason() {
        return reason;
    }
}
