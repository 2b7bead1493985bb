package io.github.mediamtxvod.recording;

/**
 * Asks MediaMTX whether one path is still published, when FFmpeg ended by itself: a publisher
 * that stopped is the normal end of a recording, not a failure to restart.
 *
 * <p>Contract for implementations: {@link #check} blocks the calling thread (a stream recorder's
 * own thread, never the supervisor's) for a bounded time, at most the MediaMTX API timeout; it is
 * thread-safe and never throws: any trouble asking is {@link Answer#UNKNOWN}.
 */
@FunctionalInterface
public interface PathCheck {

    /** What MediaMTX said about a path. */
    enum Answer {
        /** Published and ready: FFmpeg should read it again at once. */
        LIVE,
        /** Unknown to MediaMTX or not ready: the recording is over. */
        GONE,
        /** MediaMTX could not be asked or gave no usable answer: treated as live, with backoff. */
        UNKNOWN
    }

    /** The state of {@code stream} (a MediaMTX path name, untrusted) now. */
    Answer check(String stream);
}
