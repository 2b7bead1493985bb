package io.github.mediamtxvod.catalog;

import io.github.mediamtxvod.recording.Segment;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Collection;
import java.util.Optional;

/**
 * The state transitions of catalogue entries, each one statement or one transaction on the
 * write connection. Every guard is in the SQL: a transition applies only from the states it
 * names and, where a worker's snapshot matters, only to the version it read. Thread-safe (the
 * writer serialises).
 */
final class CatalogTransitions {
    /**
     * A retry time further ahead than this means the wall clock was set back after it was
     * written: the entry counts as due rather than waiting for the clock to catch up.
     */
    static final Duration MAX_RETRY_AHEAD = Duration.ofHours(1);
    private static final int BATCH = 500;
    /** Back to PENDING with no confirmation: what S3 held no longer counts. */
    private static final String REQUEUED = "state = 'PENDING', version = version + 1, s3_key = NULL, confirmed_size = NULL,"
            + " etag = NULL, checksum = NULL, confirmed_at_ms = NULL, retry_at_ms = 0, queued_at_ms = ?, updated_at_ms = ?";

    private final CatalogWriter writer;
    private final InstantSource clock;

    CatalogTransitions(CatalogWriter writer, InstantSource clock) {
        this.writer = writer;
        this.clock = clock;
    }

    void recordFinished(Segment segment) {
        writer.inTransaction("record " + segment.relativePath(), (connection, upsert) -> {
            upsert.apply(segment, clock.millis());
            return null;
        });
    }

    /** Records many finished segments, committing in batches (the scan of a large folder). */
    void recordAll(List<Segment> segments) {
        for (int from = 0; from < segments.size(); from += BATCH) {
            List<Segment> slice = segments.subList(from, Math.min(segments.size(), from + BATCH));
            writer.inTransaction("record " + slice.size() + " scanned segments", (connection, upsert) -> {
                for (Segment segment : slice) {
                    upsert.apply(segment, clock.millis());
                }
                return null;
            });
        }
    }

    /**
     * After a rebuild: every session with a catalogued segment that began before {@code before}
     * (an earlier run's) is over, as at a normal start, so its playlist is completed. A session
     * of this run began later and is left alone.
     */
    int endSessionsBefore(Instant before) {
        // "AND true" resolves the parsing ambiguity of an upsert whose rows come from a SELECT
        return writer.update("end the sessions of the rebuilt catalogue", "INSERT INTO "
                + PublicationSchema.SESSION_TABLE + " (stream, session_start, ended, updated_at_ms)"
                + " SELECT DISTINCT stream, session_start, 1, ? FROM segment WHERE session_start < ? AND true"
                + " ON CONFLICT (stream, session_start) DO UPDATE SET ended = 1, generation = generation + 1,"
                + " updated_at_ms = excluded.updated_at_ms WHERE ended = 0", clock.millis(), before.toEpochMilli());
    }

    /**
     * The sessions in these session folders (relative, '/' separated) are over: their playlists
     * may be completed. Sessions elsewhere are left as they are.
     */
    int endSessionsIn(Collection<String> sessionFolders) {
        return writer.inTransaction("end the sessions of the rebuilt folders", (connection, upsert) -> {
            int ended = 0;
            for (String folder : sessionFolders) {
                // the folder's files sort between "folder/" and "folder0" ('0' follows '/')
                ended += CatalogWriter.execute(connection, "INSERT INTO " + PublicationSchema.SESSION_TABLE
                        + " (stream, session_start, ended, updated_at_ms)"
                        + " SELECT DISTINCT stream, session_start, 1, ? FROM segment"
                        + " WHERE relative_path > ? AND relative_path < ? AND true"
                        + " ON CONFLICT (stream, session_start) DO UPDATE SET ended = 1, generation = generation + 1,"
                        + " updated_at_ms = excluded.updated_at_ms WHERE ended = 0",
                        clock.millis(), folder + "/", folder + "0");
            }
            return ended;
        });
    }

    int requeueInterrupted() {
        return writer.update("requeue interrupted uploads",
                "UPDATE segment SET state = 'PENDING', retry_at_ms = 0, updated_at_ms = ? WHERE state = 'UPLOADING'",
                clock.millis());
    }

    Optional<Entry> claimNextPending() {
        long now = clock.millis();
        return Optional.ofNullable(writer.inTransaction("claim next pending segment", (connection, upsert) -> {
            String path;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT relative_path FROM segment WHERE state = 'PENDING' AND (retry_at_ms <= ? OR retry_at_ms > ?)"
                            + " ORDER BY start_ms, relative_path LIMIT 1")) {
                select.setLong(1, now);
                select.setLong(2, now + MAX_RETRY_AHEAD.toMillis());
                try (ResultSet rs = select.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    path = rs.getString(1);
                }
            }
            CatalogWriter.execute(connection, "UPDATE segment SET state = 'UPLOADING', attempts = attempts + 1,"
                    + " updated_at_ms = ? WHERE relative_path = ?", now, path);
            return upsert.find(path);
        }));
    }

    boolean markUploaded(Entry claimed, Confirmation confirmation) {
        long now = clock.millis();
        return writer.inTransaction("mark uploaded " + claimed.relativePath(), (connection, upsert) -> {
            int changed = CatalogWriter.execute(connection, "UPDATE segment SET state = 'UPLOADED', s3_key = ?,"
                            + " confirmed_size = ?, size_bytes = ?, etag = ?, checksum = ?, confirmed_at_ms = ?,"
                            + " last_error = NULL, retry_at_ms = 0, updated_at_ms = ?"
                            + " WHERE relative_path = ? AND state = 'UPLOADING' AND version = ?",
                    confirmation.key(), confirmation.sizeBytes(), confirmation.sizeBytes(), confirmation.etag(),
                    confirmation.checksum(), confirmation.confirmedAt().toEpochMilli(), now,
                    claimed.relativePath(), claimed.version());
            if (changed == 0) {
                CatalogWriter.execute(connection, "UPDATE segment SET state = 'PENDING', updated_at_ms = ?"
                        + " WHERE relative_path = ? AND state = 'UPLOADING'", now, claimed.relativePath());
            }
            return changed == 1;
        });
    }

    void markFailed(Entry claimed, String error, Instant retryAt) {
        writer.update("mark failed " + claimed.relativePath(),
                "UPDATE segment SET state = 'PENDING', last_error = ?, retry_at_ms = ?, updated_at_ms = ?"
                        + " WHERE relative_path = ? AND state = 'UPLOADING'",
                error, retryAt.toEpochMilli(), clock.millis(), claimed.relativePath());
    }

    void quarantine(Entry segment, String reason, boolean localPresent) {
        writer.update("quarantine " + segment.relativePath(),
                "UPDATE segment SET state = 'QUARANTINED', last_error = ?, local_present = ?, updated_at_ms = ?"
                        + " WHERE relative_path = ? AND version = ? AND state IN ('PENDING', 'UPLOADING')",
                reason, localPresent ? 1 : 0, clock.millis(), segment.relativePath(), segment.version());
    }

    boolean markLocalDeleted(Entry uploaded) {
        return writer.update("mark local deleted " + uploaded.relativePath(),
                "UPDATE segment SET state = 'LOCAL_DELETED', local_present = 0, updated_at_ms = ?"
                        + " WHERE relative_path = ? AND state = 'UPLOADED' AND version = ?",
                clock.millis(), uploaded.relativePath(), uploaded.version()) == 1;
    }

    boolean requeueChanged(Entry confirmed, long actualSize) {
        long now = clock.millis();
        return writer.update("requeue changed " + confirmed.relativePath(),
                "UPDATE segment SET " + REQUEUED + ", size_bytes = ?, local_present = 1"
                        + " WHERE relative_path = ? AND version = ? AND state IN ('UPLOADED', 'LOCAL_DELETED')",
                now, now, actualSize, confirmed.relativePath(), confirmed.version()) == 1;
    }

    boolean requeueUnconfirmed(Entry uploaded, String reason) {
        long now = clock.millis();
        return writer.update("queue again " + uploaded.relativePath(),
                "UPDATE segment SET " + REQUEUED + ", last_error = ?"
                        + " WHERE relative_path = ? AND version = ? AND state = 'UPLOADED' AND local_present = 1",
                now, now, reason, uploaded.relativePath(), uploaded.version()) == 1;
    }

    boolean forget(Entry segment) {
        return writer.update("forget " + segment.relativePath(),
                "DELETE FROM segment WHERE relative_path = ?", segment.relativePath()) == 1;
    }
}
