package io.github.mediamtxvod.web;

import io.github.mediamtxvod.catalog.SegmentLayout;
import io.github.mediamtxvod.config.OutputFormat;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * An in-memory {@link RecorderView}: tests set its status, readiness, sessions and presigned URLs,
 * and read back the hook calls it received. Queries follow the interface's contract (overlap,
 * newest first, pages), so the web layer is tested against the same semantics the real adapter has.
 */
final class FakeRecorderView implements RecorderView {
    /** A hook call as received: which event, which path, on a virtual thread or not, when. */
    record HookCall(String event, String pathName, boolean virtualThread, long nanoTime) {}

    static final Instant STARTED = Instant.parse("2024-05-01T08:00:00Z");

    volatile Instant now = Instant.parse("2024-05-01T12:00:00Z");
    volatile StatusSnapshot status = idleStatus();
    volatile ReadyState ready = new ReadyState(true, List.of());
    volatile HookOutcome hookOutcome = HookOutcome.STARTED;
    volatile boolean lastStatusOnVirtualThread;
    final List<Session> sessions = new CopyOnWriteArrayList<>();
    final Map<String, URI> presigned = new ConcurrentHashMap<>();
    final BlockingQueue<HookCall> hookCalls = new LinkedBlockingQueue<>();

    static StatusSnapshot idleStatus() {
        return new StatusSnapshot(
                RecorderState.RUNNING, "test", STARTED, List.of(), List.of(),
                new UploadQueue(true, 0, 0, 0, null, null),
                new DiskSpace(50L << 30, 1L << 30),
                new Reachability(true, STARTED, null),
                new Reachability(false, null, null));
    }

    @Override
    public StatusSnapshot status() {
        lastStatusOnVirtualThread = Thread.currentThread().isVirtual();
        return status;
    }

    @Override
    public ReadyState ready() {
        return ready;
    }

    @Override
    public List<StreamSummary> streams() {
        Map<String, List<Session>> byStream = new TreeMap<>();
        for (Session session : sessions) {
            byStream.computeIfAbsent(session.stream(), k -> new ArrayList<>()).add(session);
        }
        List<StreamSummary> summaries = new ArrayList<>();
        byStream.forEach((stream, list) -> {
            list.sort(Comparator.comparing(Session::start));
            long segments = list.stream().mapToLong(s -> s.segments().size()).sum();
            long bytes = list.stream().flatMap(s -> s.segments().stream()).mapToLong(Segment::sizeBytes).sum();
            List<LocalDate> days = list.stream()
                    .map(s -> LocalDate.ofInstant(s.start(), ZoneOffset.UTC))
                    .distinct()
                    .sorted(Comparator.reverseOrder())
                    .toList();
            summaries.add(new StreamSummary(
                    stream, list.stream().anyMatch(Session::recording), list.size(), segments, bytes,
                    list.get(0).start(), list.get(list.size() - 1).start(), days));
        });
        return summaries;
    }

    @Override
    public RecordingsPage recordings(RecordingsQuery query) {
        List<Session> matches = sessions.stream()
                .filter(s -> query.stream() == null || s.stream().equals(query.stream()))
                .filter(s -> query.to() == null || s.start().isBefore(query.to()))
                .filter(s -> query.from() == null || end(s).isAfter(query.from()))
                .sorted(Comparator.comparing(Session::start).reversed())
                .toList();
        List<Session> page = matches.stream().skip(query.offset()).limit(query.pageSize()).toList();
        return new RecordingsPage(query.page(), query.pageSize(), matches.size(), page);
    }

    private Instant end(Session session) {
        if (session.recording()) {
            return now;
        }
        Instant end = session.start();
        for (Segment segment : session.segments()) {
            Duration duration = segment.duration() == null ? Duration.ZERO : segment.duration();
            Instant segmentEnd = segment.start().plus(duration);
            end = segmentEnd.isAfter(end) ? segmentEnd : end;
        }
        return end.equals(session.start()) ? end.plusNanos(1) : end;
    }

    @Override
    public Optional<URI> presignedUrl(String relativePath) {
        return Optional.ofNullable(presigned.get(relativePath));
    }

    @Override
    public HookResult hookReady(String pathName) {
        return hook("ready", pathName);
    }

    @Override
    public HookResult hookNotReady(String pathName) {
        return hook("not-ready", pathName);
    }

    private HookResult hook(String event, String pathName) {
        hookCalls.add(new HookCall(event, pathName, Thread.currentThread().isVirtual(), System.nanoTime()));
        return new HookResult(hookOutcome, event + " handled");
    }

    /** Adds a session of {@code count} segments of {@code segmentSeconds} each, all UPLOADED and local. */
    Session addSession(String stream, Instant start, int count, int segmentSeconds) {
        List<Segment> segments = new ArrayList<>();
        String folder = SegmentLayout.sessionPath(stream, start);
        for (int i = 0; i < count; i++) {
            segments.add(new Segment(
                    i, start.plusSeconds((long) i * segmentSeconds), Duration.ofSeconds(segmentSeconds), 1000 + i,
                    UploadState.UPLOADED, true,
                    folder + "/" + SegmentLayout.segmentFileName(i, OutputFormat.MP4)));
        }
        Session session = new Session(stream, start, OutputFormat.MP4, folder, false, segments);
        sessions.add(session);
        return session;
    }
}
