package io.github.mediamtxvod.web;

import io.github.mediamtxvod.catalog.Catalog;
import io.github.mediamtxvod.catalog.CatalogView;
import io.github.mediamtxvod.catalog.Confirmation;
import io.github.mediamtxvod.catalog.Entry;
import io.github.mediamtxvod.catalog.StoredIndex;
import io.github.mediamtxvod.mediamtx.PollerStatus;
import io.github.mediamtxvod.mp4.SegmentSource;
import io.github.mediamtxvod.recording.DiskGuard;
import io.github.mediamtxvod.recording.OutputFormat;
import io.github.mediamtxvod.recording.RecordingStatus;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.recording.SegmentLayout;
import io.github.mediamtxvod.upload.S3Reader;
import io.github.mediamtxvod.upload.UploadStatus;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link RecorderView} for web tests: a real catalogue in the test's RECORDINGS_DIR that tests
 * fill with segments in any upload state, and snapshots of the other stages that tests set. Hook
 * calls are recorded for the test to read back.
 */
final class FakeRecorderView implements RecorderView, AutoCloseable {
    /** A hook call as received: which event, which path, on a virtual thread or not, when. */
    record HookCall(String event, String pathName, boolean virtualThread, long nanoTime) {}

    static final Instant STARTED = Instant.parse("2024-05-01T08:00:00Z");
    static final long GIB = 1L << 30;

    volatile State state = State.RUNNING;
    volatile RecordingStatus recording = new RecordingStatus(List.of(), List.of(), 10);
    volatile PollerStatus mediamtx = new PollerStatus(true, STARTED, null, 0, 0);
    volatile UploadStatus uploads = localOnly();
    volatile long freeBytes = 50 * GIB;
    volatile boolean failing;
    volatile HookOutcome hookOutcome = HookOutcome.STARTED;
    volatile boolean lastStatusOnVirtualThread;
    final Map<String, URI> presigned = new ConcurrentHashMap<>();
    /** Ranged S3 reads for playback; null = nothing in S3. */
    volatile S3Reader s3;
    final AtomicInteger storedIndexes = new AtomicInteger();
    final BlockingQueue<HookCall> hookCalls = new LinkedBlockingQueue<>();
    private final Catalog catalog;
    private final DiskGuard disk;

    FakeRecorderView(Path recordingsDir, InstantSource clock) {
        this.catalog = new Catalog(recordingsDir, clock);
        this.catalog.start();
        this.disk = new DiskGuard(recordingsDir, GIB, ignored -> freeBytes);
    }

    static UploadStatus localOnly() {
        return new UploadStatus(UploadStatus.S3State.DISABLED, 0, 0, null, null, null, 0, 0);
    }

    @Override
    public State state() {
        return state;
    }

    @Override
    public RecordingStatus recording() {
        lastStatusOnVirtualThread = Thread.currentThread().isVirtual();
        return recording;
    }

    @Override
    public PollerStatus mediamtx() {
        return mediamtx;
    }

    @Override
    public UploadStatus uploads() {
        return uploads;
    }

    @Override
    public CatalogView catalog() {
        if (failing) {
            throw new IllegalStateException("the test made the catalogue fail");
        }
        return catalog;
    }

    @Override
    public DiskGuard disk() {
        return disk;
    }

    @Override
    public Optional<URI> presignedUrl(Entry entry) {
        return Optional.ofNullable(presigned.get(entry.relativePath()));
    }

    @Override
    public Optional<SegmentSource> s3Source(Entry entry) {
        S3Reader reader = s3;
        return reader == null ? Optional.empty() : reader.source(entry);
    }

    @Override
    public void storeFragmentIndexes(List<StoredIndex> indexes) {
        storedIndexes.addAndGet(indexes.size());
        catalog.storeFragmentIndexes(indexes);
    }

    @Override
    public HookResult hook(boolean ready, String pathName) {
        String event = ready ? "ready" : "not-ready";
        hookCalls.add(new HookCall(event, pathName, Thread.currentThread().isVirtual(), System.nanoTime()));
        return new HookResult(hookOutcome, event + " handled");
    }

    /** Catalogues a session of {@code count} segments of {@code segmentSeconds} each, PENDING and local. */
    List<Segment> addSession(String stream, Instant start, int count, int segmentSeconds) {
        List<Segment> segments = new ArrayList<>(count);
        String folder = SegmentLayout.sessionPath(stream, start);
        for (int i = 0; i < count; i++) {
            segments.add(new Segment(stream, start, i, folder + "/" + SegmentLayout.segmentFileName(i, OutputFormat.MP4),
                    start.plusSeconds((long) i * segmentSeconds), Duration.ofSeconds(segmentSeconds), 1000 + i));
        }
        catalog.recordAllFinished(segments);
        return segments;
    }

    /** Catalogues one segment, PENDING and local. */
    Segment add(Segment segment) {
        catalog.recordFinished(segment);
        return segment;
    }

    /** Makes a catalogued segment confirmed in S3 (UPLOADED). */
    void confirm(Segment segment) {
        List<Entry> others = new ArrayList<>();
        Entry claimed = catalog.claimNextPending().orElseThrow();
        while (!claimed.relativePath().equals(segment.relativePath())) {
            others.add(claimed);
            claimed = catalog.claimNextPending().orElseThrow();
        }
        catalog.markUploaded(claimed, new Confirmation(segment.relativePath(), segment.sizeBytes(), "etag", null, STARTED));
        others.forEach(other -> catalog.markFailed(other, null, Instant.EPOCH));
    }

    /** Confirms a segment and notes its local file as deleted by retention (LOCAL_DELETED). */
    void deleteLocally(Segment segment) {
        confirm(segment);
        catalog.markLocalDeleted(catalog.segment(segment.relativePath()).orElseThrow());
    }

    /** Sets a catalogued segment aside (QUARANTINED), its file still there. */
    void quarantine(Segment segment) {
        catalog.quarantine(catalog.segment(segment.relativePath()).orElseThrow(), "missing", true);
    }

    /** A segment whose file vanished before its upload: QUARANTINED, no local file, not in S3. */
    void lose(Segment segment) {
        catalog.quarantine(catalog.segment(segment.relativePath()).orElseThrow(), "file vanished", false);
    }

    @Override
    public void close() {
        catalog.close();
    }
}
