package io.github.mediamtxvod.catalog;

import static java.util.Objects.requireNonNull;

/**
 * A segment's fragment index (the {@code mp4.FragmentIndex} in its binary form) as the catalogue
 * keeps it for playback, with the size of the file it was read from. The catalogue treats the
 * bytes as opaque; a reader uses them only while the file still has {@code sizeBytes} bytes, and
 * reads the index again otherwise. Immutable apart from the array, which callers must not change.
 *
 * @param relativePath the segment's path below RECORDINGS_DIR
 * @param sizeBytes the size of the file (local or in S3) the index was read from
 * @param bytes the index
 */
public record StoredIndex(String relativePath, long sizeBytes, byte[] bytes) {
    public StoredIndex {
        requireNonNull(relativePath, "relativePath is null");
        requireNonNull(bytes, "bytes is null");
    }

    /** Whether the index describes a file of {@code size} bytes. */
    public boolean fits(long size) {
        return sizeBytes == size;
    }
}
