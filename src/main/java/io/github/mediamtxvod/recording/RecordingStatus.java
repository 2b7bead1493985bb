package io.github.mediamtxvod.recording;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/**
 * An immutable snapshot of what is being recorded, for the web UI and metrics.
 *
 * @param recording one entry per stream holding a recording slot, sorted by name
 * @param waiting streams that are live but wait for a slot, in the order they will start
 * @param maxConcurrent MAX_CONCURRENT_RECORDINGS
 */
public record RecordingStatus(
        List<StreamStatus> recording, List<Waiting> waiting, int maxConcurrent) {
    public RecordingStatus {
        recording = List.copyOf(requireNonNull(recording, "recording is null"));
        waiting = List.copyOf(requireNonNull(waiting, "waiting is null"));
    }

    /** A live stream without a recording slot, and since when it is live. */
    public record Waiting(String name, Instant since) {
        public Waiting {
            requireNonNull(name, "name is null");
            requireNonNull(since, "since is null");
        }
    }

    /** What one stream recorder is doing. */
    public enum State {
        /** Waiting for its start slot or for FFmpeg to connect. */
        STARTING,
        RECORDING,
        /** FFmpeg failed; waiting for the backoff to pass. */
        RESTARTING,
        /** FFmpeg ran out of disk space; waiting until there is room again, then it starts by itself. */
        WAITING_FOR_DISK,
        STOPPING
    }

    /**
     * One stream's recording.
     *
     * @param since when this recording slot was taken (first FFmpeg start)
     * @param sessionStart start of the current session (folder name), null before the first one
     * @param lastError the last failure, null when none
     */
    public record StreamStatus(
            String name,
            State state,
            Instant since,
            Instant sessionStart,
            long segments,
            long bytes,
            long restarts,
            String lastError,
            Instant lastErrorAt) {
        public StreamStatus {
            requireNonNull(name, "name is null");
            requireNonNull(state, "state is null");
            requireNonNull(since, "since is null");
        }
    }
}
