package io.github.mediamtxvod.mediamtx;

import java.time.Instant;

/**
 * An immutable snapshot of {@link PathPoller}'s health, for the web UI and the readiness probe.
 *
 * @param reachable whether the most recent poll succeeded; false before the first poll
 * @param lastSuccess when the most recent successful poll finished; null if none yet
 * @param lastError the message of the most recent failure while the API is unreachable; null
 *     once a poll succeeds again. Never contains a password.
 * @param consecutiveFailures failed polls since the last success
 * @param totalFailures failed polls since start
 */
public record PollerStatus(
        boolean reachable,
        Instant lastSuccess,
        String lastError,
        long consecutiveFailures,
        long totalFailures) {

    static final PollerStatus INITIAL = new PollerStatus(false, null, null, 0, 0);
}
