package io.github.mediamtxvod.web;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.config.OutputFormat;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * Everything the web server reads from, or asks of, the rest of the recorder. The composition root
 * adapts the real components to it; the web package depends on nothing else.
 *
 * <p>Threading: every method is called from HTTP handler threads (virtual threads), concurrently
 * and at any time after {@link WebServer#start()}, so implementations must be thread-safe. Methods
 * must not block for long: the status and list methods answer from in-memory snapshots or one
 * indexed catalogue query; the hook methods only hand the request to the supervisor. A method may
 * throw a {@link RuntimeException}; the server then answers 500 without its message.
 *
 * <p>Untrusted text: stream names and error messages come from MediaMTX, FFmpeg and S3. The web
 * layer escapes them everywhere; implementations need not, but must never put a secret in them.
 */
public interface RecorderView {

    /** The dashboard's whole picture, taken at one moment. */
    StatusSnapshot status();

    /** Whether the recorder is ready to serve its purpose, for {@code /ready}. */
    ReadyState ready();

    /** Every stream that has recordings or is recorded now, sorted by name. */
    List<StreamSummary> streams();

    /**
     * One page of recording sessions matching {@code query}, newest session first. A session
     * matches when its stream equals {@code query.stream()} (any stream when null) and its time
     * span {@code [start, end)} overlaps {@code [query.from(), query.to())} (an open bound when
     * null); a session still being recorded ends now. Each session carries all its segments in
     * index order, not only those inside the range, so it can be played whole.
     */
    RecordingsPage recordings(RecordingsQuery query);

    /**
     * A short-lived presigned GET URL of the uploaded object for a segment, or empty when the
     * segment is not known to be in S3 (or in local-only mode). {@code relativePath} is a
     * segment's {@link Segment#relativePath()} exactly as this view reported it.
     */
    Optional<URI> presignedUrl(String relativePath);

    /**
     * MediaMTX says the path is ready (hook {@code runOnReady}/{@code runOnAvailable}): start
     * recording it now, without waiting for the next poll. {@code pathName} is untrusted.
     */
    HookResult hookReady(String pathName);

    /** MediaMTX says the path is gone: stop recording it now. {@code pathName} is untrusted. */
    HookResult hookNotReady(String pathName);

    /** Where the recorder is in its life. */
    enum RecorderState {
        STARTING,
        RUNNING,
        STOPPING
    }

    /**
     * @param state where the recorder is in its life
     * @param version the recorder's version string
     * @param startedAt when the recorder process started
     * @param recording streams being recorded now, sorted by name
     * @param waiting streams waiting for a free recording slot, longest waiting first
     * @param uploads the upload queue
     * @param disk free space of RECORDINGS_DIR
     * @param mediamtx reachability of MediaMTX's Control API
     * @param s3 reachability of the bucket; ignored in local-only mode ({@link
     *     UploadQueue#localOnly()})
     */
    record StatusSnapshot(
            RecorderState state,
            String version,
            Instant startedAt,
            List<ActiveRecording> recording,
            List<WaitingStream> waiting,
            UploadQueue uploads,
            DiskSpace disk,
            Reachability mediamtx,
            Reachability s3) {
        public StatusSnapshot {
            requireNonNull(state, "state is null");
            requireNonNull(version, "version is null");
            requireNonNull(startedAt, "startedAt is null");
            recording = List.copyOf(recording);
            waiting = List.copyOf(waiting);
            requireNonNull(uploads, "uploads is null");
            requireNonNull(disk, "disk is null");
            requireNonNull(mediamtx, "mediamtx is null");
            requireNonNull(s3, "s3 is null");
        }
    }

    /**
     * A stream FFmpeg is recording now.
     *
     * @param stream the MediaMTX path name
     * @param since when this recording (the current FFmpeg run, or the first of its restarts)
     *     began
     * @param segments segments finished or being written since then
     * @param bytes bytes written since then
     * @param restarts FFmpeg restarts since then
     * @param lastError the last FFmpeg failure, or null
     */
    record ActiveRecording(
            String stream, Instant since, long segments, long bytes, int restarts, String lastError) {
        public ActiveRecording {
            requireNonNull(stream, "stream is null");
            requireNonNull(since, "since is null");
        }
    }

    /** A live stream not recorded because MAX_CONCURRENT_RECORDINGS are busy, since when. */
    record WaitingStream(String stream, Instant since) {
        public WaitingStream {
            requireNonNull(stream, "stream is null");
            requireNonNull(since, "since is null");
        }
    }

    /**
     * The upload queue. In local-only mode {@code localOnly} is true and the counts are zero.
     *
     * @param oldestPendingAge age of the oldest segment waiting for upload, or null when none waits
     * @param lastError the last upload failure, or null
     */
    record UploadQueue(
            boolean localOnly,
            long pending,
            long inFlight,
            long failed,
            Duration oldestPendingAge,
            String lastError) {}

    /**
     * Free space of RECORDINGS_DIR.
     *
     * @param freeBytes usable bytes on its file system
     * @param minFreeBytes the guard, MIN_FREE_DISK_MB in bytes
     */
    record DiskSpace(long freeBytes, long minFreeBytes) {
        /** Whether free space is at or above the guard. */
        public boolean aboveGuard() {
            return freeBytes >= minFreeBytes;
        }
    }

    /**
     * Whether a remote service answered its last check.
     *
     * @param lastCheck when it was last checked, or null before the first check
     * @param lastError why the last failed check failed, or null
     */
    record Reachability(boolean reachable, Instant lastCheck, String lastError) {}

    /** Readiness; {@code reasons} says why not ready (empty when ready), one line each. */
    record ReadyState(boolean ready, List<String> reasons) {
        public ReadyState {
            reasons = List.copyOf(reasons);
        }
    }

    /**
     * A stream with recordings.
     *
     * @param stream the MediaMTX path name
     * @param recording whether it is being recorded now
     * @param sessions how many sessions it has
     * @param segments how many segments it has
     * @param bytes total size of its segments
     * @param firstStart start of its oldest session, or null when it has none yet
     * @param lastStart start of its newest session, or null when it has none yet
     * @param days the UTC days (folder names) that hold its sessions, newest first
     */
    record StreamSummary(
            String stream,
            boolean recording,
            long sessions,
            long segments,
            long bytes,
            Instant firstStart,
            Instant lastStart,
            List<LocalDate> days) {
        public StreamSummary {
            requireNonNull(stream, "stream is null");
            days = List.copyOf(days);
        }
    }

    /**
     * A validated request for sessions. {@code stream}, {@code from} and {@code to} are null when
     * not given; {@code page} counts from 1; {@code pageSize} is 1..{@value #MAX_PAGE_SIZE}.
     */
    record RecordingsQuery(String stream, Instant from, Instant to, int page, int pageSize) {
        public static final int MAX_PAGE_SIZE = 500;

        public RecordingsQuery {
            if (page < 1) {
                throw new IllegalArgumentException("page must be at least 1: " + page);
            }
            if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
                throw new IllegalArgumentException("pageSize must be 1.." + MAX_PAGE_SIZE + ": " + pageSize);
            }
            if (from != null && to != null && !from.isBefore(to)) {
                throw new IllegalArgumentException("from must be before to");
            }
        }

        /** How many sessions come before this page. */
        public long offset() {
            return (long) (page - 1) * pageSize;
        }
    }

    /** One page of sessions; {@code totalSessions} counts every match, on all pages. */
    record RecordingsPage(int page, int pageSize, long totalSessions, List<Session> sessions) {
        public RecordingsPage {
            sessions = List.copyOf(sessions);
        }
    }

    /**
     * One recording session (one FFmpeg run, one folder).
     *
     * @param stream the MediaMTX path name
     * @param start the session start, as in its folder name (whole seconds, UTC)
     * @param format the container of its segment files
     * @param relativePath the session folder relative to RECORDINGS_DIR, '/' separated
     * @param recording whether FFmpeg is still writing it
     * @param segments its segments in index order
     */
    record Session(
            String stream,
            Instant start,
            OutputFormat format,
            String relativePath,
            boolean recording,
            List<Segment> segments) {
        public Session {
            requireNonNull(stream, "stream is null");
            requireNonNull(start, "start is null");
            requireNonNull(format, "format is null");
            requireNonNull(relativePath, "relativePath is null");
            segments = List.copyOf(segments);
        }
    }

    /**
     * One segment file.
     *
     * @param index its number in the session, from 0
     * @param start when its first frame was recorded (best estimate)
     * @param duration its media duration, or null when unknown (still recording, or unreadable)
     * @param sizeBytes its size
     * @param upload where its upload stands
     * @param localFile whether the local file still exists
     * @param relativePath the file relative to RECORDINGS_DIR, '/' separated (also the S3 key
     *     below S3_PREFIX)
     */
    record Segment(
            int index,
            Instant start,
            Duration duration,
            long sizeBytes,
            UploadState upload,
            boolean localFile,
            String relativePath) {
        public Segment {
            requireNonNull(start, "start is null");
            requireNonNull(upload, "upload is null");
            requireNonNull(relativePath, "relativePath is null");
        }
    }

    /** Where a segment's upload stands. */
    enum UploadState {
        /** FFmpeg is still writing it. */
        RECORDING,
        /** Finished, waiting for an upload worker. */
        PENDING,
        /** An upload is in flight. */
        UPLOADING,
        /** The last upload attempt failed; it will be retried. */
        FAILED,
        /** S3 confirmed it (the local file may since have been deleted). */
        UPLOADED,
        /** Local-only mode: it is never uploaded. */
        LOCAL_ONLY
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
