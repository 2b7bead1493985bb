package io.github.mediamtxvod.catalog;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.recording.Segment;

/**
 * An immutable snapshot of one catalogue entry: a segment and where it stands on its way to S3.
 *
 * @param segment the segment file; its size is the local size last seen
 * @param state the upload state
 * @param localPresent whether the local file is believed to exist
 * @param attempts upload attempts so far
 * @param lastError the last upload failure, or null
 * @param confirmation what S3 confirmed, or null when not (or no longer) confirmed
 * @param version bumped whenever the local file changed; guards state changes made by a worker
 *     against a file that grew meanwhile
 */
public record Entry(
        Segment segment,
        SegmentState state,
        boolean localPresent,
        int attempts,
        String lastError,
        Confirmation confirmation,
        long version) {

    public Entry {
        requireNonNull(segment, "segment is null");
        requireNonNull(state, "state is null");
    }

    /** The segment's path below RECORDINGS_DIR, the entry's key. */
    public String relativePath() {
        return segment.relativePath();
    }
}
