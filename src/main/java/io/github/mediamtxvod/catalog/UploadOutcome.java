package io.github.mediamtxvod.catalog;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * How the upload of a claimed (UPLOADING) entry ended, as the upload stage hands it to {@link
 * Catalog#record(UploadOutcome)}: kept in memory and recorded later when the catalogue cannot
 * be written now. Immutable.
 */
public sealed interface UploadOutcome {

    /** The entry as it was claimed. */
    Entry claimed();

    /** S3 confirmed the object: UPLOADED (unless the file changed since the claim). */
    record Uploaded(Entry claimed, Confirmation confirmation) implements UploadOutcome {
        public Uploaded {
            requireNonNull(claimed, "claimed is null");
            requireNonNull(confirmation, "confirmation is null");
        }
    }

    /** The attempt failed: PENDING again, not before {@code retryAt}. */
    record Failed(Entry claimed, String error, Instant retryAt) implements UploadOutcome {
        public Failed {
            requireNonNull(claimed, "claimed is null");
            requireNonNull(error, "error is null");
            requireNonNull(retryAt, "retryAt is null");
        }
    }

    /** The entry cannot be uploaded (its file stayed missing): QUARANTINED, kept for a human. */
    record Quarantined(Entry claimed, String reason, boolean localPresent) implements UploadOutcome {
        public Quarantined {
            requireNonNull(claimed, "claimed is null");
            requireNonNull(reason, "reason is null");
        }
    }

    /** What became of an outcome handed to the catalogue. */
    enum Recorded {
        /** Recorded durably now. */
        NOW,
        /** Not applied: the file changed since the claim (an upload result goes back to PENDING). */
        STALE,
        /** The catalogue cannot be written now; it is kept in memory and recorded once it can. */
        LATER
    }
}
