package io.github.mediamtxvod.recording;

/**
 * Receives every finished segment exactly once per recorder run, in order per session, and the end
 * of each recording session. Called on the stream's own thread, and for a second or two after UTC
 * midnight also on the thread that finishes the previous day's session, so the two sessions'
 * events may interleave: an implementation must be thread-safe and quick (hand the work off) and
 * must not throw; a failure it throws is logged and the next listener still runs.
 */
@FunctionalInterface
public interface SegmentListener {
    void segmentFinished(Segment segment);

    /**
     * The session's FFmpeg is gone and its last segment was handed to {@link #segmentFinished}:
     * nothing more will be written into its folder. Called once per session that finished at
     * least one segment; a session cut off by a crash of the recorder is not reported (the next
     * start finds it on disk, and whoever keeps state about sessions ends it then).
     */
    default void sessionEnded(Session session) {
        // most listeners only care about segments
    }
}
