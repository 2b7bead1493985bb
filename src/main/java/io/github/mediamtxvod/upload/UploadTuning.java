package io.github.mediamtxvod.upload;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Timings of the upload side that are not settings: backoff bounds, idle polling, the janitor's
 * period. Production uses {@link #defaults}; tests shorten them.
 *
 * @param transientRetryInitial first wait after a transient S3 failure (doubles up to the max)
 * @param transientRetryMax cap of the transient backoff
 * @param permanentRetryInitial first wait after S3 refused (credentials, bucket)
 * @param permanentRetryMax cap of that slow retry
 * @param localRetryInitial first wait before re-reading a local file that could not be read
 * @param localRetryMax cap of that wait (also of the waits for a missing local file)
 * @param missingFileGrace how long a local file may be missing before its entry is quarantined
 * @param idlePoll how often an idle worker looks for work it was not woken for
 * @param janitorPeriod pause between two retention runs
 * @param drainTimeout how long close() lets uploads in flight finish (UPLOAD_DRAIN_TIMEOUT_SECONDS)
 */
record UploadTuning(
        Duration transientRetryInitial,
        Duration transientRetryMax,
        Duration permanentRetryInitial,
        Duration permanentRetryMax,
        Duration localRetryInitial,
        Duration localRetryMax,
        Duration missingFileGrace,
        Duration idlePoll,
        Duration janitorPeriod,
        Duration drainTimeout) {

    UploadTuning {
        requireNonNull(transientRetryInitial, "transientRetryInitial is null");
        requireNonNull(transientRetryMax, "transientRetryMax is null");
        requireNonNull(permanentRetryInitial, "permanentRetryInitial is null");
        requireNonNull(permanentRetryMax, "permanentRetryMax is null");
        requireNonNull(localRetryInitial, "localRetryInitial is null");
        requireNonNull(localRetryMax, "localRetryMax is null");
        requireNonNull(missingFileGrace, "missingFileGrace is null");
        requireNonNull(idlePoll, "idlePoll is null");
        requireNonNull(janitorPeriod, "janitorPeriod is null");
        requireNonNull(drainTimeout, "drainTimeout is null");
    }

    static UploadTuning defaults(UploadConfig upload) {
        return new UploadTuning(
                Duration.ofMillis(500), Duration.ofSeconds(30),
                Duration.ofSeconds(30), Duration.ofMinutes(5),
                Duration.ofSeconds(10), Duration.ofMinutes(10),
                Duration.ofMinutes(15),
                Duration.ofSeconds(5), Duration.ofSeconds(60),
                upload.drainTimeout());
    }
}
