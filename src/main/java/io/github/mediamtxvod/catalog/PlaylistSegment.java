package io.github.mediamtxvod.catalog;

import static java.util.Objects.requireNonNull;

/**
 * A catalogue entry with the media facts a playlist needs, when they are known. Immutable.
 *
 * @param entry the segment and its upload state
 * @param media its init section and fragments, or null when they were never read
 */
public record PlaylistSegment(Entry entry, SegmentMedia media) {
    public PlaylistSegment {
        requireNonNull(entry, "entry is null");
    }

    /** The media facts, when they were read from the file the entry describes now (same size). */
    public boolean mediaCurrent() {
        return media != null && media.sizeBytes() == entry.segment().sizeBytes();
    }
}
