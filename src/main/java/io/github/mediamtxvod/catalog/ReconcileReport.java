package io.github.mediamtxvod.catalog;

/**
 * What a reconciliation of the catalogue with RECORDINGS_DIR changed.
 *
 * @param filesOnDisk segment files found
 * @param recorded files added to the catalogue or requeued because they changed
 * @param goneAfterUpload confirmed segments whose file is gone (now LOCAL_DELETED)
 * @param quarantined unconfirmed segments whose file is gone (now QUARANTINED)
 * @param unreadableSessions session folders that could not be read (logged)
 */
public record ReconcileReport(int filesOnDisk, int recorded, int goneAfterUpload, int quarantined, int unreadableSessions) {}
