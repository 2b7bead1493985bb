package io.github.mediamtxvod.catalog;

import io.github.mediamtxvod.recording.Segment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Changes the catalogue could not take when they happened, kept in memory until it can: finished
 * segments (by path, latest wins) and upload outcomes (in order). Both are bounded. A segment
 * dropped for room is still on disk and marks the disk as needing a reconciliation; a dropped
 * outcome leaves its entry UPLOADING, which the next start queues again (the upload is repeated,
 * nothing is lost). Thread-safe.
 */
final class DeferredWrites {
    private static final Logger log = LoggerFactory.getLogger(DeferredWrites.class);

    private final int maxSegments;
    private final int maxOutcomes;
    // @GuardedBy("this")
    private final LinkedHashMap<String, Segment> segments = new LinkedHashMap<>();
    // @GuardedBy("this")
    private final ArrayDeque<UploadOutcome> outcomes = new ArrayDeque<>();
    // @GuardedBy("this")
    private boolean segmentsDropped;
    // @GuardedBy("this")
    private long outcomesDropped;

    DeferredWrites(int maxSegments, int maxOutcomes) {
        this.maxSegments = maxSegments;
        this.maxOutcomes = maxOutcomes;
    }

    synchronized void add(Segment segment) {
        segments.remove(segment.relativePath());
        segments.put(segment.relativePath(), segment);
        if (segments.size() > maxSegments) {
            Iterator<Map.Entry<String, Segment>> oldest = segments.entrySet().iterator();
            oldest.next();
            oldest.remove();
            if (!segmentsDropped) {
                log.warn("More than {} finished segments wait for the catalogue; the oldest are left to the next scan of"
                        + " the disk, which queues them", maxSegments);
            }
            segmentsDropped = true;
        }
    }

    synchronized void add(UploadOutcome outcome) {
        outcomes.addLast(outcome);
        if (outcomes.size() > maxOutcomes) {
            UploadOutcome dropped = outcomes.removeFirst();
            if (outcomesDropped++ == 0) {
                log.warn("{} - more than {} upload results wait for the catalogue; this one is dropped and the segment"
                        + " is uploaded again after the next start", dropped.claimed().relativePath(), maxOutcomes);
            }
        }
    }

    synchronized int size() {
        return segments.size() + outcomes.size();
    }

    synchronized List<Segment> segments() {
        return new ArrayList<>(segments.values());
    }

    synchronized List<UploadOutcome> outcomes() {
        return new ArrayList<>(outcomes);
    }

    /** Forgets segments once recorded; a newer version of one recorded meanwhile stays. */
    synchronized void recorded(List<Segment> done) {
        for (Segment segment : done) {
            segments.remove(segment.relativePath(), segment);
        }
    }

    /** Forgets the oldest outcome, once recorded. */
    synchronized void recorded(UploadOutcome done) {
        outcomes.remove(done);
    }

    /** Whether a segment was dropped since the last call (the disk must be reconciled); resets. */
    synchronized boolean takeSegmentsDropped() {
        boolean dropped = segmentsDropped;
        segmentsDropped = false;
        return dropped;
    }
}
