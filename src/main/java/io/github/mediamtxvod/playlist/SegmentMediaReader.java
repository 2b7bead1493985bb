package io.github.mediamtxvod.playlist;

import io.github.mediamtxvod.catalog.SegmentMedia;
import io.github.mediamtxvod.mp4.FileSegmentSource;
import io.github.mediamtxvod.mp4.FragmentIndex;
import io.github.mediamtxvod.mp4.PlaybackException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Reads what a playlist needs from a fragmented-MP4 segment file: the length of its init section
 * and of its complete fragments, and their duration. Only box headers and moofs are read (about
 * one small read per fragment), never media data. Stateless and thread-safe; blocks in file
 * reads, so it runs on platform threads.
 */
final class SegmentMediaReader {
    private SegmentMediaReader() {}

    /**
     * @throws IOException when the file cannot be read or is not a fragmented MP4 (the message says
     *     which)
     */
    static SegmentMedia read(Path file) throws IOException {
        // the start only anchors wall-clock answers of the index; lengths and durations do not use it
        FileSegmentSource source = FileSegmentSource.of(file, Instant.EPOCH);
        FragmentIndex index;
        try {
            index = FragmentIndex.read(source);
        } catch (PlaybackException e) {
            throw new IOException(file + " is not a fragmented MP4 a playlist can point into: " + e.getMessage(), e);
        }
        long initLength = index.initLength();
        return new SegmentMedia(source.size(), initLength, index.completeLength() - initLength, index.duration());
    }
}
