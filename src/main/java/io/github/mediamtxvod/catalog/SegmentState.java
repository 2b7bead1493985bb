package io.github.mediamtxvod.catalog;

/**
 * Where a finished segment stands on its way to S3. Only {@link #UPLOADED} (size and checksum
 * confirmed by S3) may ever become {@link #LOCAL_DELETED}; {@link #QUARANTINED} entries are
 * never deleted and never uploaded until their file shows up again.
 */
public enum SegmentState {
    /** Finished locally, not yet confirmed in S3; waiting for a worker. */
    PENDING,
    /** A worker is uploading it; after a crash this means nothing and goes back to PENDING. */
    UPLOADING,
    /** S3 confirmed the object (key, size, checksum); the local file is still there. */
    UPLOADED,
    /** Confirmed in S3 and the local file was deleted by retention or the clean command. */
    LOCAL_DELETED,
    /** The entry cannot be processed (e.g. its file vanished before upload); kept for a human. */
    QUARANTINED;

    /** Whether S3 holds a confirmed copy of the segment. */
    public boolean confirmedInS3() {
        return switch (this) {
            case UPLOADED, LOCAL_DELETED -> true;
            case PENDING, UPLOADING, QUARANTINED -> false;
        };
    }
}
