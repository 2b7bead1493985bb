package io.github.mediamtxvod.recording;

/**
 * Why an FFmpeg run ended, from its exit status, two facts of its stderr and what the recorder did
 * to it (FFmpeg 5.1, RTSP input, segment muxer; measured in the FFmpeg lab of this project).
 */
enum FfmpegExit {
    /** The recorder asked it to stop (the stream went away, or shutdown). */
    STOPPED,
    /** The watchdog stopped it: no media for FFMPEG_STALL_TIMEOUT_SECONDS. */
    STALLED,
    /** It could not write: {@code No space left on device}. */
    DISK_FULL,
    /** Status 0 after {@code Connection timed out}: the server went silent. */
    TIMED_OUT,
    /** Status 0 otherwise: the server ended the stream, normally because the publisher stopped. */
    STREAM_ENDED,
    /** Killed by a signal the recorder did not send (SIGKILL, the OOM killer, an operator). */
    CRASHED,
    /** Any other status, usually 1: it could not open the input or the output. */
    FAILED;

    /** FFmpeg's status after SIGINT/SIGTERM, and after more than three signals. */
    private static final int SIGNALLED = 255;
    private static final int HARD_EXIT = 123;
    /** Java reports a process killed by signal N as 128 + N. */
    private static final int KILLED_BY_SIGNAL = 128;

    /**
     * @param status        the exit status as {@link Process#exitValue()} reports it
     * @param stopRequested the recorder asked FFmpeg to stop
     * @param stalled       the watchdog stopped it
     * @param noSpace       stderr said {@code No space left on device}
     * @param timedOut      stderr said {@code Connection timed out}
     */
    static FfmpegExit classify(int status, boolean stopRequested, boolean stalled, boolean noSpace, boolean timedOut) {
        if (stopRequested) {
            return STOPPED;
        }
        if (stalled) {
            return STALLED;
        }
        if (noSpace) {
            return DISK_FULL;
        }
        if (status == 0) {
            return timedOut ? TIMED_OUT : STREAM_ENDED;
        }
        if (status >= KILLED_BY_SIGNAL || status == HARD_EXIT) {
            return status == SIGNALLED && timedOut ? TIMED_OUT : CRASHED;
        }
        return FAILED;
    }

    /** Whether MediaMTX is asked before FFmpeg starts again: it may have ended because the path did. */
    boolean asksMediaMtx() {
        return this == STREAM_ENDED || this == FAILED;
    }
}
