package io.github.mediamtxvod.catalog;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * What an HLS playlist needs to know about a fragmented-MP4 segment file and can only learn from
 * the file: read once while the local file exists and kept in the catalogue, so a playlist can
 * still be written after retention deleted the file. Immutable.
 *
 * @param sizeBytes the file size when it was read; facts about a file that changed since do not
 *     apply
 * @param initLength bytes of the init section (ftyp and moov) at the start of the file
 * @param mediaLength bytes of complete fragments (moof and mdat) that follow the init section; a
 *     fragment cut off by a crash is not counted
 * @param duration the media duration of those fragments
 */
public record SegmentMedia(long sizeBytes, long initLength, long mediaLength, Duration duration) {
    public SegmentMedia {
        requireNonNull(duration, "duration is null");
        if (initLength <= 0 || mediaLength < 0 || initLength + mediaLength > sizeBytes) {
            throw new IllegalArgumentException("init " + initLength + " + media " + mediaLength
                    + " bytes do not fit in a file of " + sizeBytes + " bytes");
        }
    }
}
