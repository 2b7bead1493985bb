package io.github.mediamtxvod.web;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.catalog.CatalogView;
import io.github.mediamtxvod.catalog.Entry;
import io.github.mediamtxvod.catalog.StoredIndex;
import io.github.mediamtxvod.mediamtx.PollerStatus;
import io.github.mediamtxvod.mp4.SegmentSource;
import io.github.mediamtxvod.recording.DiskGuard;
import io.github.mediamtxvod.recording.RecordingStatus;
import io.github.mediamtxvod.upload.UploadStatus;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * What the web server reads from, and asks of, the rest of the recorder: the stages' own
 * immutable snapshots and query objects, nothing translated. The composition root implements it.
 *
 * <p>Threading: every method is called from HTTP handler threads (virtual threads), concurrently
 * and at any time after {@link WebServer#start()}, also while the recorder is still starting or
 * already stopping, so implementations must be thread-safe and cheap: snapshots from memory, one
 * indexed catalogue query, one statfs. A method may throw a {@link RuntimeException}; the server
 * then answers 500 (503 for a catalogue that is not open) without its message.
 *
 * <p>Untrusted text: stream names and error messages come from MediaMTX, FFmpeg and S3. The web
 * layer escapes them everywhere; implementations must never put a secret in them.
 */
public interface RecorderView {

    /** Where the recorder is in its life. */
    State state();

    /** What is recorded now and what waits for a slot. */
    RecordingStatus recording();

    /** Reachability of MediaMTX's Control API. */
    PollerStatus mediamtx();

    /** The upload workers and S3. */
    UploadStatus uploads();

    /** Every segment and its upload state. */
    CatalogView catalog();

    /** Free space of RECORDINGS_DIR and its guard. */
    DiskGuard disk();

    /**
     * A short-lived presigned GET URL of the uploaded object of {@code entry}, or empty when it is
     * not confirmed in S3 (or in local-only mode).
     */
    Optional<URI> presignedUrl(Entry entry);

    /**
     * Ranged reads of the uploaded object of {@code entry} for playback, or empty when it is not
     * confirmed in S3 (or in local-only mode). Reads block in the JDK's sockets.
     */
    Optional<SegmentSource> s3Source(Entry entry);

    /**
     * Keeps fragment indexes that playback read, so later requests need not read them again (one
     * catalogue transaction; throws {@link io.github.mediamtxvod.catalog.CatalogException} when the
     * catalogue cannot be written).
     */
    void storeFragmentIndexes(List<StoredIndex> indexes);

    /**
     * A MediaMTX hook: the path became ready ({@code ready} true) or went away. {@code pathName}
     * is untrusted. A hint, not a command: the implementation asks MediaMTX about the path and
     * acts on its answer, so this call may block up to MEDIAMTX_API_TIMEOUT_SECONDS.
     */
    HookResult hook(boolean ready, String pathName);

    /** Where the recorder is in its life. */
    enum State {
        STARTING,
        RUNNING,
        STOPPING
    }

    /** What a hook call did. */
    enum HookOutcome {
        /** Recording started now. */
        STARTED,
        /** All recording slots are busy; the stream waits for one. */
        WAITING,
        /** It was already being recorded (or waiting); nothing changed. */
        ALREADY_RECORDING,
        /** Recording stopped now. */
        STOPPED,
        /** It was not being recorded; nothing changed. */
        NOT_RECORDING,
        /** Ready, but MediaMTX does not list it as live (no such path, nobody publishes); nothing starts. */
        NOT_LIVE,
        /** Not ready, but MediaMTX still lists it as live; nothing stops. */
        STILL_LIVE,
        /** MediaMTX could not answer (timeout, error); nothing changed, a poll decides. */
        UNCONFIRMED,
        /** STREAM_INCLUDE/STREAM_EXCLUDE exclude it; nothing changed. */
        IGNORED,
        /** The path name is not acceptable (empty, too long, control characters). */
        INVALID
    }

    /** What a hook call did, with a human-readable detail (no secret). */
    record HookResult(HookOutcome outcome, String message) {
        public HookResult {
            requireNonNull(outcome, "outcome is null");
            requireNonNull(message, "message is null");
        }
    }
}
