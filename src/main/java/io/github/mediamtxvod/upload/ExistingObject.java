package io.github.mediamtxvod.upload;

import static java.util.Objects.requireNonNull;

/**
 * An object S3 already holds under a segment's key, as a HEAD reported it, and how it compares
 * with the local file. A PUT never replaces it: when it holds the same bytes the upload is done,
 * when it holds others the conflict is reported and a person decides. Pure.
 *
 * @param size the object's size
 * @param crc32 the CRC32 S3 reports ({@code <base64>} for the whole object, {@code <base64>-N}
 *     for a composite of N parts), or null when it reports none
 * @param etag the ETag S3 reports, quotes removed
 */
record ExistingObject(long size, String crc32, String etag) {
    ExistingObject {
        requireNonNull(etag, "etag is null");
    }

    /** What a comparison with the local file can prove. */
    enum Match {
        /** Same size and the same checksum: the local bytes are stored. */
        SAME,
        /** A different size or a different whole-object checksum: other bytes are stored. */
        DIFFERENT,
        /** Same size, but no checksum to compare (none reported, or a composite of other parts): read the object. */
        UNKNOWN
    }

    /**
     * Compares with the local file.
     *
     * @param localSize the local file's size
     * @param localCrc32 the CRC32 of the whole local file
     * @param localComposite the composite CRC32 of the local file cut as this uploader cuts it, or
     *     null when it is not uploaded in parts
     */
    Match compare(long localSize, String localCrc32, String localComposite) {
        requireNonNull(localCrc32, "localCrc32 is null");
        if (size != localSize) {
            return Match.DIFFERENT;
        }
        if (crc32 == null) {
            return Match.UNKNOWN;
        }
        if (isComposite()) {
            // equal composites prove equal parts; unequal ones may only mean other part sizes
            return crc32.equals(localComposite) ? Match.SAME : Match.UNKNOWN;
        }
        return crc32.equals(localCrc32) ? Match.SAME : Match.DIFFERENT;
    }

    boolean isComposite() {
        return crc32 != null && crc32.indexOf('-') >= 0;
    }

    /** How the catalogue records the checksum that proved the match. */
    String checksumLabel(String localCrc32) {
        return isComposite() ? "CRC32-composite:" + crc32 : "CRC32:" + localCrc32;
    }
}
