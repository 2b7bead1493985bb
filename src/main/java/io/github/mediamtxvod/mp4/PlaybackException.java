package io.github.mediamtxvod.mp4;

import static java.util.Objects.requireNonNull;

/**
 * Why a playback answer cannot be made, with a message fit for an API error body (names the file,
 * the parameter or the value, never a secret). The {@link Reason} maps to an HTTP status:
 * {@code NO_MEDIA} → 404, {@code INVALID_REQUEST} → 400, the others → 500 (the recording is not
 * what the recorder writes).
 */
public final class PlaybackException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Reason {
        /** No sample of any source lies in the requested range. */
        NO_MEDIA,
        /** A parameter is out of range: duration not positive or over the cap, origin after start. */
        INVALID_REQUEST,
        /** A source is not a fragmented MP4 with an empty-sample {@code moov}, or its boxes are malformed. */
        UNSUPPORTED_INPUT,
        /** Fragments and init section disagree: unknown track id, or a cached index that no longer fits. */
        INCONSISTENT_TRACKS
    }

    private final Reason reason;

    public PlaybackException(Reason reason, String message) {
        super(message);
        this.reason = requireNonNull(reason, "reason is null");
    }

    public Reason reason() {
        return reason;
    }
}
