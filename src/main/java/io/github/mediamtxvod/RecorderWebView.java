package io.github.mediamtxvod;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.catalog.CatalogView;
import io.github.mediamtxvod.catalog.SegmentLayout;
import io.github.mediamtxvod.config.OutputFormat;
import io.github.mediamtxvod.config.RecorderConfig;
import io.github.mediamtxvod.mediamtx.PathPoller;
import io.github.mediamtxvod.mediamtx.PollerStatus;
import io.github.mediamtxvod.recording.LiveStream;
import io.github.mediamtxvod.recording.RecordingStatus;
import io.github.mediamtxvod.recording.RecordingSupervisor;
import io.github.mediamtxvod.upload.UploadService;
import io.github.mediamtxvod.upload.UploadStatus;
import io.github.mediamtxvod.web.RecorderView;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Adapts the real components to what the web server reads: snapshots of the supervisor, the
 * poller and the upload service, and indexed catalogue queries. Thread-safe: every component it
 * reads answers from immutable snapshots or its own synchronised catalogue.
 */
final class RecorderWebView implements RecorderView {
    /** Presigned playback URLs live long enough to play a long segment, short enough to leak little. */
    private static final Duration PRESIGN_EXPIRY = Duration.ofMinutes(30);
    private static final int MAX_NAME_LENGTH = 1024;

    private final RecorderConfig config;
    private final RecordingSupervisor supervisor;
    private final PathPoller poller;
    private final UploadService uploads;
    private final InstantSource clock;
    private final Instant startedAt;
    private final Supplier<RecorderState> state;

    RecorderWebView(
            RecorderConfig config,
            RecordingSupervisor supervisor,
            PathPoller poller,
            UploadService uploads,
            InstantSource clock,
            Supplier<RecorderState> state) {
        this.config = requireNonNull(config, "config is null");
        this.supervisor = requireNonNull(supervisor, "supervisor is null");
        this.poller = requireNonNull(poller, "poller is null");
        this.uploads = requireNonNull(uploads, "uploads is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.state = requireNonNull(state, "state is null");
        this.startedAt = clock.instant();
    }

    @Override
    public StatusSnapshot status() {
        RecordingStatus recording = supervisor.status();
        UploadStatus upload = uploads.status();
        PollerStatus poll = poller.status();
        List<ActiveRecording> active = new ArrayList<>();
        for (RecordingStatus.StreamStatus stream : recording.recording()) {
            active.add(new ActiveRecording(stream.name(), stream.since(), stream.segments(), stream.bytes(),
                    (int) Math.min(Integer.MAX_VALUE, stream.restarts()), stream.lastError()));
        }
        List<WaitingStream> waiting = new ArrayList<>();
        for (RecordingStatus.Waiting stream : recording.waiting()) {
            waiting.add(new WaitingStream(stream.name(), stream.since()));
        }
        UploadQueue queue = new UploadQueue(
                !upload.uploadsEnabled(), upload.pending(), upload.inFlight(), upload.quarantined(),
                upload.oldestPendingAge(), upload.lastError());
        return new StatusSnapshot(
                state.get(),
                Main.version(),
                startedAt,
                active,
                waiting,
                queue,
                new DiskSpace(upload.diskFreeBytes(), config.retention().minFreeDiskBytes()),
                new Reachability(poll.reachable(), poll.lastSuccess(), poll.lastError()),
                new Reachability(upload.s3Reachable(), upload.lastErrorAt(), upload.lastError()));
    }

    @Override
    public ReadyState ready() {
        List<String> reasons = new ArrayList<>();
        if (state.get() != RecorderState.RUNNING) {
            reasons.add("the recorder is " + state.get().name().toLowerCase(java.util.Locale.ROOT));
        }
        PollerStatus poll = poller.status();
        if (!poll.reachable()) {
            reasons.add("MediaMTX API not reachable" + (poll.lastError() == null ? "" : ": " + poll.lastError()));
        }
        UploadStatus upload = uploads.status();
        if (upload.uploadsEnabled() && !upload.s3Reachable()) {
            reasons.add("S3 not reachable" + (upload.lastError() == null ? "" : ": " + upload.lastError()));
        }
        if (!upload.mayStartNewSessions()) {
            reasons.add("free disk space below MIN_FREE_DISK_MB");
        }
        return new ReadyState(reasons.isEmpty(), reasons);
    }

    @Override
    public List<StreamSummary> streams() {
        CatalogView catalog = uploads.catalog();
        Map<String, CatalogView.StreamSummary> known = new TreeMap<>();
        for (CatalogView.StreamSummary stream : catalog.streams()) {
            known.put(stream.streamName(), stream);
        }
        Map<String, Instant> recordingNow = new HashMap<>();
        for (RecordingStatus.StreamStatus stream : supervisor.status().recording()) {
            recordingNow.put(stream.name(), stream.sessionStart() != null ? stream.sessionStart() : stream.since());
        }
        TreeSet<String> names = new TreeSet<>(known.keySet());
        names.addAll(recordingNow.keySet());
        List<StreamSummary> result = new ArrayList<>(names.size());
        for (String name : names) {
            CatalogView.StreamSummary summary = known.get(name);
            CatalogView.Page<CatalogView.SessionSummary> sessions = catalog.sessions(
                    new CatalogView.Query(name, null, null, 0, CatalogView.Query.MAX_LIMIT, true));
            TreeSet<LocalDate> days = new TreeSet<>(java.util.Comparator.reverseOrder());
            for (CatalogView.SessionSummary session : sessions.items()) {
                days.add(LocalDate.ofInstant(session.sessionStart(), ZoneOffset.UTC));
            }
            Instant now = recordingNow.get(name);
            if (now != null) {
                days.add(LocalDate.ofInstant(now, ZoneOffset.UTC));
            }
            result.add(new StreamSummary(
                    name,
                    now != null,
                    sessions.total(),
                    summary == null ? 0 : summary.segments(),
                    summary == null ? 0 : summary.sizeBytes(),
                    summary == null ? now : summary.firstStart(),
                    summary == null ? now : summary.lastStart(),
                    List.copyOf(days)));
        }
        return result;
    }

    @Override
    public RecordingsPage recordings(RecordingsQuery query) {
        CatalogView catalog = uploads.catalog();
        CatalogView.Page<CatalogView.SessionSummary> page = catalog.sessions(new CatalogView.Query(
                query.stream(), query.from(), query.to(), (int) Math.min(Integer.MAX_VALUE, query.offset()), query.pageSize(), true));
        Map<String, Instant> current = new HashMap<>();
        for (RecordingStatus.StreamStatus stream : supervisor.status().recording()) {
            if (stream.sessionStart() != null) {
                current.put(stream.name(), stream.sessionStart());
            }
        }
        boolean localOnly = !uploads.status().uploadsEnabled();
        List<Session> sessions = new ArrayList<>(page.items().size());
        for (CatalogView.SessionSummary summary : page.items()) {
            List<io.github.mediamtxvod.catalog.Segment> segments = catalog.sessionSegments(summary.streamName(), summary.sessionStart());
            List<RecorderView.Segment> mapped = new ArrayList<>(segments.size());
            OutputFormat format = config.recording().outputFormat();
            for (io.github.mediamtxvod.catalog.Segment segment : segments) {
                OutputFormat own = OutputFormat.fromFileName(segment.relativePath());
                format = own == null ? format : own;
                mapped.add(new RecorderView.Segment(
                        segment.index(),
                        segment.start(),
                        segment.duration(),
                        segment.sizeBytes(),
                        uploadState(segment, localOnly),
                        segment.localPresent(),
                        segment.relativePath()));
            }
            boolean recordingNow = summary.sessionStart().equals(current.get(summary.streamName()));
            sessions.add(new Session(
                    summary.streamName(), summary.sessionStart(), format, summary.sessionPath(), recordingNow, mapped));
        }
        return new RecordingsPage(query.page(), query.pageSize(), page.total(), sessions);
    }

    private static UploadState uploadState(io.github.mediamtxvod.catalog.Segment segment, boolean localOnly) {
        if (localOnly) {
            return UploadState.LOCAL_ONLY;
        }
        return switch (segment.state()) {
            case PENDING -> segment.lastError() == null ? UploadState.PENDING : UploadState.FAILED;
            case UPLOADING -> UploadState.UPLOADING;
            case UPLOADED, LOCAL_DELETED -> UploadState.UPLOADED;
            case QUARANTINED -> UploadState.FAILED;
        };
    }

    @Override
    public Optional<URI> presignedUrl(String relativePath) {
        return uploads.presignedUrl(relativePath, PRESIGN_EXPIRY);
    }

    @Override
    public HookResult hookReady(String pathName) {
        Optional<String> invalid = invalidName(pathName);
        if (invalid.isPresent()) {
            return new HookResult(HookOutcome.INVALID, invalid.get());
        }
        if (!config.mediamtx().accepts(pathName)) {
            return new HookResult(HookOutcome.IGNORED, "excluded by STREAM_INCLUDE/STREAM_EXCLUDE");
        }
        RecordingStatus status = supervisor.status();
        boolean recording = status.recording().stream().anyMatch(stream -> stream.name().equals(pathName));
        supervisor.streamAvailable(new LiveStream(pathName, List.of()));
        poller.pollNow();
        if (recording) {
            return new HookResult(HookOutcome.ALREADY_RECORDING, "already recording");
        }
        if (status.recording().size() >= status.maxConcurrent()) {
            return new HookResult(HookOutcome.WAITING, "all " + status.maxConcurrent() + " recording slots are in use");
        }
        return new HookResult(HookOutcome.STARTED, "recording starts now");
    }

    @Override
    public HookResult hookNotReady(String pathName) {
        Optional<String> invalid = invalidName(pathName);
        if (invalid.isPresent()) {
            return new HookResult(HookOutcome.INVALID, invalid.get());
        }
        boolean recording = supervisor.status().recording().stream().anyMatch(stream -> stream.name().equals(pathName));
        supervisor.streamUnavailable(pathName);
        return recording
                ? new HookResult(HookOutcome.STOPPED, "recording stops now")
                : new HookResult(HookOutcome.NOT_RECORDING, "not recording");
    }

    /** Hook path names are untrusted: the same rules as names from the API. */
    private static Optional<String> invalidName(String name) {
        if (name == null || name.isBlank()) {
            return Optional.of("path is empty");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            return Optional.of("path is longer than " + MAX_NAME_LENGTH + " characters");
        }
        if (name.codePoints().anyMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT)) {
            return Optional.of("path contains control characters");
        }
        if (SegmentLayout.safeStreamName(name).isEmpty()) {
            return Optional.of("path cannot be mapped to a folder");
        }
        return Optional.empty();
    }
}
