package io.github.mediamtxvod.recording;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records one stream for as long as it is live: runs FFmpeg, hands each finished segment on,
 * restarts FFmpeg with backoff when it exits or stalls, and stops it gracefully on request. Runs
 * on its own thread {@code recorder-<stream>}; {@link #requestStop} and {@link #status} may be
 * called from any thread.
 *
 * <p>That thread is a platform thread, not a virtual one: it looks at the session's files once a
 * second, and file-system calls from a virtual thread make the scheduler compensate with extra
 * carrier threads around each call: with 50 streams, the virtual-thread monitors cost 21 ms of CPU
 * per second, platform threads 11 ms (bench/recording-bench, see docs/PERFORMANCE.md).
 */
final class StreamRecorder {
    private static final Logger log = LoggerFactory.getLogger(StreamRecorder.class);
    private static final Duration TICK = Duration.ofSeconds(1);
    private static final Duration HEALTHY_RUN = Duration.ofSeconds(30);
    private static final Duration QUICK_FAILURE = Duration.ofSeconds(15);
    /** Stderr that points at a codec or muxer problem, the kind a different audio mode can fix. */
    private static final Pattern CODEC_TROUBLE = Pattern.compile(
            "(?i)codec|tag|not supported|could not write header|error initializing output|muxer|audio|"
                    + "invalid data|sample rate|channel");

    private final LiveStream stream;
    private final RecordingConfig config;
    private final URI rtspUrl;
    private final ProcessLauncher launcher;
    private final InstantSource clock;
    private final SegmentListener sink;
    private final Runnable onRestart;
    private final Runnable onFinished;
    private final CompletableFuture<Void> stopRequested = new CompletableFuture<>();
    private final Instant since;

    private volatile Duration stopStep;
    private volatile RecordingStatus.State state = RecordingStatus.State.STARTING;
    private volatile Instant sessionStart;
    private volatile long segments;
    private volatile long bytes;
    private volatile long restarts;
    private volatile String lastError;
    private volatile Instant lastErrorAt;

    StreamRecorder(
            LiveStream stream,
            RecordingConfig config,
            URI rtspUrl,
            ProcessLauncher launcher,
            InstantSource clock,
            SegmentListener sink,
            Runnable onRestart,
            Runnable onFinished) {
        this.stream = stream;
        this.config = config;
        this.rtspUrl = rtspUrl;
        this.launcher = launcher;
        this.clock = clock;
        this.sink = sink;
        this.onRestart = onRestart;
        this.onFinished = onFinished;
        this.since = clock.instant();
        this.stopStep = config.stopTimeout();
    }

    String name() {
        return stream.name();
    }

    void start() {
        Thread.ofPlatform()
                .name("recorder-" + SegmentLayout.safeStreamName(stream.name()))
                .daemon(true)
                .stackSize(256 * 1024)
                .start(this::run);
    }

    /** Asks the recorder to stop FFmpeg gracefully, each stop step waiting up to {@code step}. */
    void requestStop(Duration step) {
        stopStep = step;
        state = RecordingStatus.State.STOPPING;
        stopRequested.complete(null);
    }

    boolean stopping() {
        return stopRequested.isDone();
    }

    RecordingStatus.StreamStatus status() {
        return new RecordingStatus.StreamStatus(
                stream.name(), state, since, sessionStart, segments, bytes, restarts, lastError, lastErrorAt);
    }

    private void run() {
        AudioMode audio = FfmpegCommand.initialAudioMode(config.outputFormat(), stream.trackCodecs());
        RestartBackoff backoff = new RestartBackoff(Duration.ofSeconds(1), config.restartBackoffMax(), HEALTHY_RUN);
        int codecFailures = 0;
        try {
            while (!stopping()) {
                long startNanos = System.nanoTime();
                Run run = recordOneSession(audio);
                if (stopping()) {
                    break;
                }
                Duration ran = Duration.ofNanos(System.nanoTime() - startNanos);
                boolean codecTrouble = ran.compareTo(QUICK_FAILURE) < 0
                        && run.segments == 0
                        && run.stderr.stream().anyMatch(line -> CODEC_TROUBLE.matcher(line).find());
                codecFailures = codecTrouble ? codecFailures + 1 : 0;
                if (codecFailures >= 2 && audio != AudioMode.NONE) {
                    AudioMode next = audio.fallback();
                    log.warn("{} - ffmpeg keeps failing at start with audio {}; retrying with audio {}",
                            stream.name(), mode(audio), mode(next));
                    audio = next;
                    codecFailures = 0;
                }
                Duration delay = backoff.nextDelay(ran);
                failed(run.reason);
                log.warn("{} - {} after {}; restarting in {} s. Last ffmpeg output:\n    {}",
                        stream.name(), run.reason, round(ran), delay.toSeconds(),
                        String.join("\n    ", run.stderr.isEmpty() ? List.of("(none)") : run.stderr));
                state = RecordingStatus.State.RESTARTING;
                restarts++;
                onRestart.run();
                waitForStop(delay);
            }
        } catch (RuntimeException e) {
            log.error("{} - recorder failed unexpectedly; the stream will be picked up again", stream.name(), e);
        } finally {
            onFinished.run();
        }
    }

    /** Why one FFmpeg run ended, for the log and the status. */
    private record Run(String reason, List<String> stderr, int segments) {}

    private Run recordOneSession(AudioMode audio) {
        Session session;
        FfmpegProcess process;
        List<String> command;
        try {
            session = SessionFiles.create(config.recordingsDir(), stream.name(), clock.instant(), config.outputFormat());
        } catch (IOException e) {
            return new Run("cannot create the session folder: " + e, List.of(), 0);
        }
        command = FfmpegCommand.build(
                config.ffmpegPath(),
                FfmpegCommand.inputUrl(rtspUrl, stream.name()),
                config.outputFormat(),
                config.segmentDuration().toSeconds(),
                audio);
        try {
            process = FfmpegProcess.started(stream.name(), launcher.start(command, session.dir(config.recordingsDir())));
        } catch (IOException e) {
            removeIfEmpty(session);
            return new Run("cannot start ffmpeg (" + FfmpegCommand.describe(command) + "): " + e.getMessage(),
                    List.of(), 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            removeIfEmpty(session);
            return new Run("interrupted while starting ffmpeg", List.of(), 0);
        }
        sessionStart = session.start();
        log.info("{} - recording to {} (ffmpeg pid {})", stream.name(), session.relativePath(), process.pid());
        log.debug("{} - {}", stream.name(), FfmpegCommand.describe(command));
        SessionTracker tracker = new SessionTracker(session);
        String reason = monitor(process, tracker);
        tracker.finish();
        if (tracker.emitted() == 0) {
            removeIfEmpty(session);
        } else {
            sink.sessionEnded(session);
        }
        return new Run(reason, process.stderrTail(), tracker.emitted());
    }

    /** Watches a running FFmpeg until it exits, stalls or is asked to stop; returns why it ended. */
    private String monitor(FfmpegProcess process, SessionTracker tracker) {
        StallWatchdog watchdog = new StallWatchdog(config.stallTimeout(), System.nanoTime());
        CompletableFuture<Object> exitOrStop = CompletableFuture.anyOf(process.onExit(), stopRequested);
        while (true) {
            try {
                exitOrStop.get(TICK.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // a tick: look at the files
            } catch (ExecutionException e) {
                // neither future completes exceptionally
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.stop(stopStep);
                return "interrupted";
            }
            tracker.poll();
            if (!process.isAlive()) {
                return "ffmpeg exited with status " + process.exitValue();
            }
            if (stopping()) {
                process.stop(stopStep);
                return "stopped";
            }
            if (state == RecordingStatus.State.STARTING && tracker.progress() > 0) {
                state = RecordingStatus.State.RECORDING;
            }
            long now = System.nanoTime();
            if (watchdog.stalled(tracker.progress(), now)) {
                String reason = "no new output for " + watchdog.quietFor(now).toSeconds() + " s (stalled input)";
                log.warn("{} - {}; stopping ffmpeg (pid {})", stream.name(), reason, process.pid());
                process.stop(Duration.ofSeconds(2));
                return reason;
            }
        }
    }

    /** Follows one session's files: emits each segment once, as soon as FFmpeg has finished it. */
    private final class SessionTracker {
        private final Session session;
        private final Path dir;
        private final SegmentList list;
        private double firstStart = Double.NaN;
        private int emitted;
        private long finishedBytes;
        private Instant nextStart;

        SessionTracker(Session session) {
            this.session = session;
            this.dir = session.dir(config.recordingsDir());
            this.list = new SegmentList(dir.resolve(FfmpegCommand.SEGMENT_LIST));
            this.nextStart = session.startedAt();
        }

        int emitted() {
            return emitted;
        }

        /** Bytes written so far in this session: grows while FFmpeg records. */
        long progress() {
            Path current = dir.resolve(SegmentLayout.segmentFileName(emitted, config.outputFormat()));
            try {
                return finishedBytes + Files.size(current);
            } catch (IOException e) {
                return finishedBytes;
            }
        }

        void poll() {
            try {
                for (SegmentList.Entry entry : list.readNew()) {
                    int index = SegmentLayout.segmentIndex(entry.fileName());
                    if (index < emitted) {
                        continue;
                    }
                    if (Double.isNaN(firstStart)) {
                        firstStart = entry.startSeconds();
                    }
                    Path file = dir.resolve(entry.fileName());
                    emit(SessionFiles.fromListEntry(session, entry, firstStart, Files.size(file)));
                }
            } catch (IOException e) {
                log.warn("{} - cannot read the segment list of {}: {}", stream.name(), session.relativePath(), e.getMessage());
            }
        }

        /** After FFmpeg is gone: whatever it listed last, then the file it was writing. */
        void finish() {
            poll();
            List<Path> leftovers;
            try (Stream<Path> children = Files.list(dir)) {
                leftovers = children
                        .filter(path -> SegmentLayout.segmentIndex(path.getFileName().toString()) >= emitted)
                        .sorted(java.util.Comparator.comparingInt(
                                path -> SegmentLayout.segmentIndex(path.getFileName().toString())))
                        .toList();
            } catch (IOException e) {
                log.warn("{} - cannot list {}: {}", stream.name(), session.relativePath(), e.getMessage());
                return;
            }
            for (Path file : leftovers) {
                try {
                    if (SessionFiles.holdsNoMedia(session, file)) {
                        Files.delete(file); // FFmpeg began it but wrote no media: nothing recorded
                        continue;
                    }
                    emit(SessionFiles.unlisted(session, file, nextStart));
                } catch (IOException e) {
                    log.warn("{} - cannot read {}: {}", stream.name(), file, e.getMessage());
                }
            }
        }

        private void emit(Segment segment) {
            emitted = segment.index() + 1;
            finishedBytes += segment.sizeBytes();
            nextStart = segment.end();
            segments++;
            bytes += segment.sizeBytes();
            sink.segmentFinished(segment);
        }
    }

    private void failed(String reason) {
        lastError = reason;
        lastErrorAt = clock.instant();
    }

    private void waitForStop(Duration delay) {
        try {
            stopRequested.get(delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // the backoff has passed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopRequested.complete(null);
        }
    }

    /** A session that produced nothing leaves no folder behind (a start that failed at once). */
    private void removeIfEmpty(Session session) {
        Path dir = session.dir(config.recordingsDir());
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
            deleteIfEmptyDirectory(dir.getParent());
            deleteIfEmptyDirectory(dir.getParent().getParent());
        } catch (IOException e) {
            log.debug("{} - cannot remove empty session {}: {}", stream.name(), session.relativePath(), e.getMessage());
        }
    }

    private static void deleteIfEmptyDirectory(Path dir) {
        try {
            Files.delete(dir);
        } catch (IOException e) {
            // not empty, or gone: either way nothing to do
        }
    }

    private static String mode(AudioMode audio) {
        return audio.name().toLowerCase(Locale.ROOT);
    }

    private static String round(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }
}
