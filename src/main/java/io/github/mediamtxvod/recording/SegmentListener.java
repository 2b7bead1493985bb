package io.github.mediamtxvod.recording;

/**
 * Receives every finished segment exactly once per recorder run, in order per stream. Called on
 * the stream's own thread: an implementation must be quick (hand the work off) and must not
 * throw; a failure it throws is logged and the next listener still runs.
 */
@FunctionalInterface
public interface SegmentListener {
    void segmentFinished(Segment segment);
}
