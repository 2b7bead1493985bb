package io.github.mediamtxvod.recording;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the folder of one FFmpeg run and hands each segment on exactly once, in order, as soon
 * as FFmpeg is done with it. While FFmpeg runs, a segment is handed on when the segment list names
 * it and, for MP4, its trailer is complete (the list alone is no proof: a full disk lists a torn
 * file); anything else waits for FFmpeg's exit, when {@link #finish()} settles every remaining
 * file ({@link SessionFiles#settle}: torn tails cut off, empty files deleted).
 *
 * <p>{@link #poll()} is called on every progress block and costs one {@code fstat} of the open
 * segment list while FFmpeg has not ended a segment. Not thread-safe: the thread that reads its
 * FFmpeg's output (the stream recorder's; at the end of a day, the retiring run's)
 * only. Close it to close the list.
 */
final class SessionTracker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SessionTracker.class);

    private final Path recordingsDir;
    private final Path dir;
    private final SegmentList list;
    private final Consumer<Segment> sink;
    private final Map<String, SegmentList.Entry> waiting = new HashMap<>();
    private Session session;
    private double firstStart = Double.NaN;
    private int handedOn;
    private Instant nextStart;
    /** The earliest wall-clock time FFmpeg's progress puts its output's time 0 at: null until then. */
    private Instant zeroWall;
    /** The wall-clock time of the latest progress given to {@link #anchor}. */
    private Instant lastProgress;

    SessionTracker(Session session, Path recordingsDir, Consumer<Segment> sink) {
        this.session = session;
        this.recordingsDir = recordingsDir;
        this.dir = session.dir(recordingsDir);
        this.list = new SegmentList(dir.resolve(FfmpegCommand.SEGMENT_LIST));
        this.sink = sink;
        this.nextStart = session.startedAt();
    }

    /** The session, with the start of its media once that is known. */
    Session session() {
        return session;
    }

    /**
     * FFmpeg's output time reached {@code outTimeUs} at {@code wall}. Its output lags the live
     * stream by a varying amount (most at the start, while it probes the input and waits for a
     * keyframe) but never leads it, so the earliest {@code wall - outTime} seen before the first
     * segment is listed dates the media far better than FFmpeg's start, which is earlier by its
     * connection and probing (a second or two, at times more).
     */
    void anchor(Instant wall, long outTimeUs) {
        if (outTimeUs < 0 || !dating()) {
            return;
        }
        Instant zero = wall.minusNanos(outTimeUs * 1000);
        if (zeroWall == null || zero.isBefore(zeroWall)) {
            zeroWall = zero;
        }
        lastProgress = wall;
    }

    /** Whether progress still dates the media ({@link #anchor}): until the first segment is listed. */
    boolean dating() {
        return Double.isNaN(firstStart);
    }

    /** Segments handed on so far. */
    int handedOn() {
        return handedOn;
    }

    /** Hands on what FFmpeg newly listed and finished; cheap when it listed nothing new. */
    void poll() throws IOException {
        for (SegmentList.Entry entry : list.readNew()) {
            int index = SegmentLayout.segmentIndex(entry.fileName());
            if (index < handedOn) {
                continue;
            }
            if (Double.isNaN(firstStart)) {
                firstStart = entry.startSeconds();
                retime();
            }
            Path file = dir.resolve(entry.fileName());
            // once one waits, the later ones wait too: segments are handed on in order
            if (waiting.isEmpty() && index == handedOn && finished(file)) {
                Duration earlier = session.format() == OutputFormat.MP4
                        ? SessionFiles.steadyLeadingTiming(session, file)
                        : Duration.ZERO;
                handOn(SessionFiles.beginningEarlier(SessionFiles.fromListEntry(session, entry, firstStart,
                        Files.size(file)), earlier));
            } else {
                waiting.put(entry.fileName(), entry);
            }
        }
    }

    /**
     * After FFmpeg has exited: reads the rest of the list, then settles and hands on every segment
     * file not handed on yet, in index order.
     */
    void finish() throws IOException {
        for (SegmentList.Entry entry : list.readNew()) {
            if (Double.isNaN(firstStart)) {
                firstStart = entry.startSeconds();
                retime();
            }
            waiting.put(entry.fileName(), entry);
        }
        for (Path file : remainingFiles()) {
            try {
                Optional<Segment> segment = SessionFiles.settle(session, file, waiting.get(file.getFileName().toString()),
                        Double.isNaN(firstStart) ? 0 : firstStart, nextStart);
                if (segment.isPresent()) {
                    handOn(segment.get());
                }
            } catch (IOException e) {
                log.warn("{} - cannot read {}; the next start-up scan picks it up: {}", session.stream(), file,
                        e.getMessage());
            }
        }
        waiting.clear();
    }

    /**
     * Once the first segment's start in FFmpeg's time is known: dates the session's media from the
     * progress anchor instead of FFmpeg's start, and keeps that in {@code .session.json} for a
     * start-up scan. An anchor that would put the media before FFmpeg's start, or after the latest
     * progress (the clock stepped), is not believed.
     */
    private void retime() {
        if (zeroWall == null || handedOn > 0) {
            return;
        }
        Instant began = zeroWall.plus(SessionFiles.seconds(firstStart));
        if (began.isBefore(session.startedAt()) || began.isAfter(lastProgress)) {
            return;
        }
        session = session.withStartedAt(began);
        nextStart = began;
        try {
            SessionFiles.rewriteSessionFile(session, recordingsDir);
        } catch (IOException e) {
            log.warn("{} - cannot rewrite {} of {}; a start-up scan would date its segments from FFmpeg's start: {}",
                    session.stream(), SessionFiles.SESSION_FILE, session.relativePath(), e.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        list.close();
    }

    /** Whether FFmpeg finished a listed file: any format but MP4 has no trailer to check. */
    private boolean finished(Path file) throws IOException {
        return session.format() != OutputFormat.MP4 || FragmentedMp4.finished(file);
    }

    private List<Path> remainingFiles() throws IOException {
        List<Path> remaining = new ArrayList<>();
        for (Path file : SessionFiles.segmentFiles(dir)) {
            if (SegmentLayout.segmentIndex(file.getFileName().toString()) >= handedOn) {
                remaining.add(file);
            }
        }
        return remaining;
    }

    private void handOn(Segment segment) {
        handedOn = segment.index() + 1;
        nextStart = segment.end();
        sink.accept(segment);
    }

    /** Removes the session folder when FFmpeg left no segment in it (a start that failed at once). */
    void removeFolderIfEmpty(Path recordingsDir) {
        if (handedOn > 0) {
            return;
        }
        try (Stream<Path> children = Files.list(dir)) {
            if (children.anyMatch(path -> SegmentLayout.segmentIndex(path.getFileName().toString()) >= 0)) {
                return;
            }
        } catch (IOException e) {
            return;
        }
        try {
            Files.deleteIfExists(dir.resolve(FfmpegCommand.SEGMENT_LIST));
            Files.deleteIfExists(dir.resolve(SessionFiles.SESSION_FILE));
            Files.deleteIfExists(dir);
            deleteIfEmptyDirectory(dir.getParent(), recordingsDir);
            deleteIfEmptyDirectory(dir.getParent().getParent(), recordingsDir);
        } catch (IOException e) {
            log.debug("{} - cannot remove empty session {}: {}", session.stream(), session.relativePath(), e.getMessage());
        }
    }

    private static void deleteIfEmptyDirectory(Path folder, Path recordingsDir) {
        if (folder.equals(recordingsDir)) {
            return;
        }
        try {
            Files.delete(folder);
        } catch (IOException e) {
            // not empty, or gone: either way nothing to do
        }
    }
}
