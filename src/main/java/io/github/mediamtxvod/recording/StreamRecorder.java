package io.github.mediamtxvod.recording;

import io.github.mediamtxvod.runtime.Durations;
import io.github.mediamtxvod.runtime.TransitionLog;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records one stream for as long as it is live, on its own platform thread {@code
 * recorder-<stream>}: runs FFmpeg, reads its progress pipe to the end, hands each segment on when
 * FFmpeg is done with it, and after an exit decides what comes next ({@link FfmpegExit}): the end
 * of the recording (stopped, or MediaMTX says the stream is gone), a wait for disk space, or a new
 * FFmpeg in a new session, at once or after {@link RestartBackoff}.
 *
 * <p>A session ends with its UTC day, so no session, folder or playlist outgrows a day: once FFmpeg
 * begins its first segment after midnight (seen at the next progress block; at the latest a
 * segment, at most a minute, and 2 s after midnight), a second FFmpeg starts the next day's
 * session, and the running one goes on, read by a thread of its own ({@code
 * recorder-<stream>-ending}), until the new one records: writes video if the previous one did (a
 * stream copy writes audio while it waits for the first keyframe, up to a GOP), or finishes a
 * segment, or has run for two segments and a minute. Then the previous one is asked to finish. The
 * two overlap by a second or two, so the change of day loses nothing; the previous session's last
 * segment is those seconds (FFmpeg may begin one more short one in them, which playback leaves
 * out, as the next session holds it). It is not a restart: no
 * backoff, not counted. A next-day FFmpeg that is refused is retried like a restart while the
 * previous one goes on; after {@link #SUCCESSOR_TRIES} refusals in a row (a path that admits one
 * reader) the previous one is finished first and the next starts at once.
 *
 * <p>Event-driven: the thread sleeps in the read of FFmpeg's one output pipe (progress, with its
 * log merged in) and wakes once a second for a progress block; it looks at the segment list only
 * then. The supervisor's timer checks for
 * stalls; {@link #requestStop}, {@link #checkStall} and {@link #status} may be called from any
 * thread. This thread owns FFmpeg and kills it in a {@code finally}, until it hands a run of the
 * previous day to the {@code -ending} thread, which then owns it the same way.
 */
final class StreamRecorder {
    /** How a recorder ended, for the supervisor. */
    enum Ending { STOPPED, STREAM_ENDED, FAILED }

    private static final Logger log = LoggerFactory.getLogger(StreamRecorder.class);
    /** A run whose media time advanced this long is healthy: restarts after it come at once. */
    static final Duration HEALTHY_RUN = Duration.ofSeconds(10);
    /** How long FFmpeg may take to exit once it closed its progress pipe. */
    private static final Duration EXIT_WAIT = Duration.ofSeconds(10);
    /**
     * A session ends at the first segment FFmpeg begins after midnight, or when a segment (at most
     * this long) and {@link #SEGMENT_SEEN} have passed since then.
     */
    private static final Duration ROLL_OVER_WAIT = Duration.ofMinutes(1);
    /** Failed starts of the next day's FFmpeg after which the previous day's is finished first. */
    static final int SUCCESSOR_TRIES = 2;
    /** How late a new segment may be seen: the segment list is read once a second. */
    private static final Duration SEGMENT_SEEN = Duration.ofSeconds(2);
    /** How often a stream that hit a full disk asks whether there is room again. */
    private static final Duration DISK_CHECK = Duration.ofSeconds(2);
    /** Stderr that points at a codec or muxer problem, the kind a different audio mode can fix. */
    private static final Pattern CODEC_TROUBLE = Pattern.compile(
            "(?i)codec|tag|not supported|could not write header|error initializing output|muxer|audio|"
                    + "invalid data|sample rate|channel");

    private final LiveStream stream;
    private final RecorderContext context;
    private final RecordingConfig config;
    private final SegmentListener sink;
    private final Runnable onRestart;
    private final Consumer<Ending> onFinished;
    private final CompletableFuture<Void> stopRequested = new CompletableFuture<>();
    private final TransitionLog failures = new TransitionLog(log);
    private final Instant since;

    private volatile SessionRun current;
    /** The previous day's run while it finishes, on {@link #retiringThread}. */
    private volatile SessionRun retiring;
    private Thread retiringThread;
    private volatile Duration stopStep;
    private volatile RecordingStatus.State state = RecordingStatus.State.STARTING;
    private volatile Instant sessionStart;
    private volatile long segments;
    private volatile long bytes;
    private volatile long restarts;
    private volatile String lastError;
    private volatile Instant lastErrorAt;

    /** What one FFmpeg run left: how and why it ended, its last stderr lines. */
    private record Outcome(FfmpegExit exit, String reason, List<String> stderr, int segments, boolean advanced) {
        /** The run was handed over at the end of its UTC day; a successor starts at once. */
        static final Outcome ROLLED_OVER = new Outcome(FfmpegExit.STOPPED, "the UTC day ended", List.of(), 0, true);

        boolean rolledOver() {
            return this == ROLLED_OVER;
        }
    }

    StreamRecorder(LiveStream stream, RecorderContext context, SegmentListener sink, Runnable onRestart,
            Consumer<Ending> onFinished) {
        this.stream = stream;
        this.context = context;
        this.config = context.config();
        this.sink = sink;
        this.onRestart = onRestart;
        this.onFinished = onFinished;
        this.since = context.clock().instant();
        this.stopStep = config.stopTimeout();
    }

    void start() {
        startThread("", this::run);
    }

    /** Starts a platform thread {@code recorder-<stream><suffix>}, as a daemon with a small stack. */
    private Thread startThread(String suffix, Runnable task) {
        return Thread.ofPlatform()
                .name("recorder-" + SegmentLayout.safeStreamName(stream.name()) + suffix)
                .daemon(true)
                .stackSize(256 * 1024)
                .start(task);
    }

    /** Asks FFmpeg to stop gracefully, each stop step waiting up to {@code step}; returns at once. */
    void requestStop(Duration step) {
        stopStep = step;
        state = RecordingStatus.State.STOPPING;
        stopRequested.complete(null);
        SessionRun run = current;
        if (run != null) {
            run.ffmpeg.process().requestStop(step);
        }
        finishRetiring();
    }

    boolean stopping() {
        return stopRequested.isDone();
    }

    /** The timer's stall check, once a second. */
    void checkStall(long nowNanos) {
        SessionRun run = current;
        if (run != null) {
            run.ffmpeg.checkStall(nowNanos);
        }
        SessionRun previous = retiring;
        if (previous != null) {
            previous.ffmpeg.checkStall(nowNanos);
        }
    }

    RecordingStatus.StreamStatus status() {
        return new RecordingStatus.StreamStatus(
                stream.name(), state, since, sessionStart, segments, bytes, restarts, lastError, lastErrorAt);
    }

    private void run() {
        Ending ending = Ending.STOPPED;
        try {
            ending = recordWhileLive();
        } catch (Throwable e) {
            ending = Ending.FAILED;
            log.error("{} - recorder failed unexpectedly; the stream will be picked up again", stream.name(), e);
        } finally {
            try {
                awaitRetiring();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            onFinished.accept(ending);
        }
    }

    private Ending recordWhileLive() {
        AudioMode audio = FfmpegCommand.initialAudioMode(config.outputFormat(), stream.trackCodecs());
        RestartBackoff backoff = newBackoff();
        int codecFailures = 0;
        int refusedSuccessors = 0;
        while (!stopping()) {
            long startNanos = System.nanoTime();
            Outcome run = recordOneSession(audio, startNanos);
            if (run.rolledOver() && !stopping()) {
                // a run that lasted its day is healthy: what follows starts from a clean backoff
                backoff = newBackoff();
                continue;
            }
            if (stopping() || run.exit() == FfmpegExit.STOPPED) {
                return Ending.STOPPED;
            }
            // only FFmpeg's own refusals count (it ran, said why, never recorded): a stall, a full
            // disk or a start that failed here is no reason to stop the run that records
            boolean refused = retiring != null && !run.advanced() && run.exit() == FfmpegExit.FAILED
                    && !run.stderr().isEmpty();
            refusedSuccessors = refused ? refusedSuccessors + 1 : 0;
            if (refusedSuccessors >= SUCCESSOR_TRIES) {
                // a path that admits one reader refuses every successor while the previous day's
                // FFmpeg reads it: that one must go first, at the cost of a gap of a second or two
                log.warn("{} - the next day's ffmpeg failed {} times while the previous day's records (a path that"
                        + " admits one reader?); finishing the previous session first", stream.name(), refusedSuccessors);
                try {
                    awaitRetiring();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Ending.STOPPED;
                }
                refusedSuccessors = 0;
                // the path is free now: the next day's session starts at once, not as a restart
                continue;
            }
            Duration ran = Duration.ofNanos(System.nanoTime() - startNanos);
            boolean codecTrouble = ran.compareTo(HEALTHY_RUN) < 0 && run.segments() == 0
                    && run.stderr().stream().anyMatch(line -> CODEC_TROUBLE.matcher(line).find());
            codecFailures = codecTrouble ? codecFailures + 1 : 0;
            if (codecFailures >= 2 && audio != AudioMode.NONE) {
                log.warn("{} - ffmpeg keeps failing at start with audio {}; retrying with audio {}",
                        stream.name(), mode(audio), mode(audio.fallback()));
                audio = audio.fallback();
                codecFailures = 0;
            }
            if (run.exit().asksMediaMtx() && context.pathCheck().check(stream.name()) == PathCheck.Answer.GONE) {
                return Ending.STREAM_ENDED;
            }
            lastError = run.reason();
            lastErrorAt = context.clock().instant();
            if (run.exit() == FfmpegExit.DISK_FULL) {
                if (!waitForDisk(run)) {
                    return Ending.STOPPED;
                }
            } else {
                Duration delay = backoff.nextDelay(ran, run.advanced());
                failures.failed("{} - {} after {}; {}. Last ffmpeg output:\n    {}", stream.name(), run.reason(),
                        Durations.describe(ran), delay.isZero() ? "restarting at once" : "restarting in "
                                + Durations.describe(delay), String.join("\n    ", run.stderr().isEmpty()
                                        ? List.of("(none)") : run.stderr()));
                state = RecordingStatus.State.RESTARTING;
                if (waitForStop(delay)) {
                    return Ending.STOPPED;
                }
            }
            restarts++;
            onRestart.run();
        }
        return Ending.STOPPED;
    }

    private RestartBackoff newBackoff() {
        return new RestartBackoff(Duration.ofSeconds(1), config.restartBackoffMax(), HEALTHY_RUN);
    }

    private Outcome recordOneSession(AudioMode audio, long startNanos) {
        Session session;
        try {
            session = SessionFiles.create(config.recordingsDir(), stream.name(), context.clock().instant(),
                    config.outputFormat());
        } catch (IOException e) {
            boolean noSpace = String.valueOf(e.getMessage()).contains("No space left on device");
            return new Outcome(noSpace ? FfmpegExit.DISK_FULL : FfmpegExit.FAILED,
                    "cannot create the session folder: " + e, List.of(), 0, false);
        }
        List<String> command = FfmpegCommand.build(config.ffmpegPath(), FfmpegCommand.inputUrl(context.rtspUrl(),
                stream.name()), config.outputFormat(), config.segmentDuration().toSeconds(), audio);
        context.activeSessions().add(session.relativePath());
        SessionTracker tracker = new SessionTracker(session, config.recordingsDir(), this::handOn);
        SessionRun run = null;
        boolean handedOver = false;
        try {
            Process started;
            try {
                started = context.launcher().start(command, session.dir(config.recordingsDir()));
            } catch (IOException | InterruptedException e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                tracker.removeFolderIfEmpty(config.recordingsDir());
                return new Outcome(FfmpegExit.FAILED, "cannot start ffmpeg (" + FfmpegCommand.describe(command)
                        + "): " + e.getMessage(), List.of(), 0, false);
            }
            try {
                run = new SessionRun(session, tracker, new FfmpegRun(
                        FfmpegProcess.started(stream.name(), started, context.timer()), config.stallTimeout(), startNanos));
            } catch (RuntimeException | Error e) {
                // no run owns it yet: end it here, as a failed start does
                started.destroyForcibly();
                tracker.removeFolderIfEmpty(config.recordingsDir());
                throw e;
            }
            sessionStart = session.start();
            log.info("{} - recording to {} (ffmpeg pid {})", stream.name(), session.relativePath(),
                    run.ffmpeg.process().pid());
            log.debug("{} - {}", stream.name(), FfmpegCommand.describe(command));
            current = run;
            if (stopping()) {
                run.ffmpeg.process().requestStop(stopStep);
            }
            if (run.readOutput()) {
                try {
                    retire(run);
                } catch (RuntimeException | Error e) {
                    // no thread to finish it on: end it here, as if stopped
                    retiring = null;
                    run.ffmpeg.process().requestStop(stopStep);
                    run.end();
                    throw e;
                }
                handedOver = true;
                return Outcome.ROLLED_OVER;
            }
            return run.end();
        } finally {
            if (!handedOver) {
                current = null;
                close(tracker, session, run == null || !run.ffmpeg.process().isAlive());
            }
        }
    }

    /**
     * The day of the running session ended: a successor session starts on this thread at once, and
     * this run goes on, on a thread of its own, until the successor records (or this recorder stops);
     * then FFmpeg is asked to finish. Both record for that moment, so no second is lost.
     */
    private void retire(SessionRun run) {
        run.rollOver = false;
        retiring = run;
        current = null;
        log.info("{} - the UTC day ended; {} is finished once the next session records", stream.name(),
                run.session.relativePath());
        if (stopping()) {
            run.ffmpeg.process().requestStop(stopStep);
        }
        retiringThread = startThread("-ending", () -> {
            try {
                run.readOutput();
                Outcome outcome = run.end();
                log.info("{} - {} ended ({}, {} segment(s))", stream.name(), run.session.relativePath(),
                        outcome.exit() == FfmpegExit.STOPPED ? "finished" : outcome.reason(),
                        outcome.segments());
            } catch (Throwable e) {
                log.error("{} - finishing {} failed; the next start-up scan picks its files up", stream.name(),
                        run.session.relativePath(), e);
            } finally {
                retiring = null;
                close(run.tracker, run.session, !run.ffmpeg.process().isAlive());
            }
        });
    }

    /**
     * Asks the run of the previous day to finish; any thread. Asked again (a shutdown while it
     * finishes), its FFmpeg takes the current stop step if that ends sooner.
     */
    private void finishRetiring() {
        SessionRun run = retiring;
        if (run != null) {
            run.finishAsked = true;
            run.ffmpeg.process().requestStop(stopStep);
        }
    }

    /** Waits for the previous day's run to end, asking it to finish first; the recorder thread, at its end. */
    private void awaitRetiring() throws InterruptedException {
        Thread thread = retiringThread;
        if (thread != null) {
            finishRetiring();
            thread.join();
        }
    }

    /**
     * Closes a session's segment list; once its FFmpeg is gone (an FFmpeg that survived SIGKILL may
     * still change its files until the next start-up scan), its folder is no longer active.
     */
    private void close(SessionTracker tracker, Session session, boolean ffmpegGone) {
        if (ffmpegGone) {
            context.activeSessions().remove(session.relativePath());
        }
        try {
            tracker.close();
        } catch (IOException e) {
            log.debug("{} - cannot close the segment list of {}: {}", stream.name(), session.relativePath(),
                    e.getMessage());
        }
    }

    /**
     * One FFmpeg run in its session folder: read by one thread at a time, the recorder's, or the
     * retiring thread's once the day ended.
     */
    private final class SessionRun {
        final Session session;
        final SessionTracker tracker;
        final FfmpegRun ffmpeg;
        /** Epoch milliseconds of the next UTC midnight after the session start. */
        final long dayEndMillis;
        /** After midnight the session ends when FFmpeg begins a segment, or at the latest then. */
        final long lastRollOverMillis;
        final ProgressParser parser;
        final byte[] buffer = new byte[4096];
        /** Recorder thread: the day ended, stop reading and hand this run over. */
        boolean rollOver;
        /** Recorder thread: FFmpeg began a segment after the session's midnight. */
        boolean segmentBegunAfterMidnight;
        /** Set once this run, retiring, was asked to finish because its successor records. */
        volatile boolean finishAsked;
        /** Video frames FFmpeg reported written; 0 without video so far. Written by the reading thread. */
        volatile long videoFrames;

        SessionRun(Session session, SessionTracker tracker, FfmpegRun ffmpeg) {
            this.session = session;
            this.tracker = tracker;
            this.ffmpeg = ffmpeg;
            this.dayEndMillis = SegmentLayout.dayEnd(session.start()).toEpochMilli();
            this.lastRollOverMillis = dayEndMillis + SEGMENT_SEEN.toMillis()
                    + Math.min(config.segmentDuration().toMillis(), ROLL_OVER_WAIT.toMillis());
            this.parser = new ProgressParser((outTimeUs, frames, end) -> onProgress(this, outTimeUs, frames, end),
                    ffmpeg.process()::logLine);
        }

        /**
         * Reads FFmpeg's output (progress and log) until it closes the pipe; true instead when the
         * day ended and a successor must start. Kills FFmpeg if the reading fails.
         */
        boolean readOutput() {
            InputStream output = ffmpeg.process().output();
            try {
                for (int read = output.read(buffer); read >= 0; read = output.read(buffer)) {
                    parser.feed(buffer, 0, read);
                    if (rollOver) {
                        return true;
                    }
                }
            } catch (IOException e) {
                log.debug("{} - ffmpeg's output pipe failed: {}", stream.name(), e.getMessage());
            } catch (RuntimeException | Error e) {
                ffmpeg.process().kill();
                throw e;
            }
            return false;
        }

        /** After the pipe closed: waits for FFmpeg's exit (kills it in any case), settles and hands on its files. */
        Outcome end() {
            int status;
            try {
                try {
                    ffmpeg.process().output().close();
                } catch (IOException e) {
                    log.debug("{} - cannot close ffmpeg's output pipe: {}", stream.name(), e.getMessage());
                }
                status = ffmpeg.process().awaitExit(EXIT_WAIT);
            } finally {
                ffmpeg.process().kill();
            }
            List<String> stderr = ffmpeg.process().stderrTail();
            FfmpegExit exit = FfmpegExit.classify(status, stopping() || finishAsked, ffmpeg.stalled(),
                    ffmpeg.process().sawNoSpace(), ffmpeg.process().sawTimeout());
            if (ffmpeg.process().isAlive()) {
                // it survived SIGKILL: its files may still change, so they stay active until the
                // next start-up scan
                return new Outcome(exit, reason(exit, status, ffmpeg), stderr, tracker.handedOn(), ffmpeg.advanced());
            }
            try {
                tracker.finish();
            } catch (IOException e) {
                log.warn("{} - cannot list {}; the next start-up scan picks its files up: {}", stream.name(),
                        session.relativePath(), e.getMessage());
            }
            tracker.removeFolderIfEmpty(config.recordingsDir());
            if (tracker.handedOn() > 0) {
                sink.sessionEnded(tracker.session());
            }
            return new Outcome(exit, reason(exit, status, ffmpeg), stderr, tracker.handedOn(), ffmpeg.advanced());
        }
    }

    private void onProgress(SessionRun run, long outTimeUs, long frames, boolean end) {
        long now = System.nanoTime();
        boolean moved = run.ffmpeg.progress(outTimeUs, now);
        if (frames >= 0) {
            run.videoFrames = frames;
        }
        if (moved && run.tracker.dating()) {
            run.tracker.anchor(context.clock().instant(), outTimeUs);
        }
        boolean retiringRun = run == retiring;
        if (!retiringRun) {
            if (moved && state != RecordingStatus.State.STOPPING) {
                state = RecordingStatus.State.RECORDING;
                SessionRun previous = retiring;
                // the successor of the previous day's run records, its video too if that one had
                // any (a stream copy writes audio while it waits for the first keyframe), or it
                // finished a segment (whatever the stream holds now): that one may finish now
                if (previous != null && (previous.videoFrames <= 0 || run.videoFrames > 0
                        || run.tracker.handedOn() > 0 || now - run.ffmpeg.startNanos() >= overlapLimitNanos())) {
                    finishRetiring();
                }
                if (run.ffmpeg.turnedHealthy(now, HEALTHY_RUN) && failures.failing()) {
                    failures.recovered("{} - recording again after {} failed ffmpeg run(s) in {}", stream.name(),
                            failures.failures(), Durations.describe(failures.failingFor()));
                }
            }
        }
        if (end) {
            // FFmpeg is exiting: what it listed last (after a failed write: a torn file, in any
            // container) is settled once it is gone
            return;
        }
        int handedOn = run.tracker.handedOn();
        try {
            run.tracker.poll();
        } catch (IOException e) {
            if (run.ffmpeg.firstListFailure()) {
                log.warn("{} - cannot read the segment list; segments are handed on when ffmpeg exits: {}",
                        stream.name(), e.getMessage());
            }
        }
        if (retiringRun) {
            return;
        }
        long millis = context.clock().millis();
        if (millis >= run.dayEndMillis && run.tracker.handedOn() > handedOn) {
            // FFmpeg began a segment after midnight: the previous session's last one will be
            // short, and begin before the next session
            run.segmentBegunAfterMidnight = true;
        }
        if (moved && retiring == null && !stopping() && millis >= run.dayEndMillis
                && (run.segmentBegunAfterMidnight || millis >= run.lastRollOverMillis)) {
            run.rollOver = true;
        }
    }

    /**
     * The longest the previous day's run goes on once the next one records: two segments and a
     * minute, for a next run that writes audio but never gets a keyframe.
     */
    private long overlapLimitNanos() {
        return config.segmentDuration().multipliedBy(2).plus(ROLL_OVER_WAIT).toNanos();
    }

    /** Called by the recorder thread and, at the end of a day, the retiring thread. */
    private synchronized void handOn(Segment segment) {
        segments++;
        bytes += segment.sizeBytes();
        sink.segmentFinished(segment);
    }

    /** Waits until the disk has room again; false when a stop came first. */
    private boolean waitForDisk(Outcome run) {
        state = RecordingStatus.State.WAITING_FOR_DISK;
        context.diskFull().failed("{} - the disk is full ({}); the stream waits until {} MB are free, then records "
                + "again by itself", stream.name(), run.reason(), context.disk().resumeFreeBytes() / (1024 * 1024));
        while (!waitForStop(DISK_CHECK)) {
            if (context.disk().roomToResume()) {
                context.diskFull().recovered("Free disk space is back ({} MB free); recording {} again",
                        context.disk().lastFreeBytes() / (1024 * 1024), stream.name());
                return true;
            }
        }
        return false;
    }

    private static String reason(FfmpegExit exit, int status, FfmpegRun run) {
        return switch (exit) {
            case STALLED -> run.stallReason();
            case DISK_FULL -> "ffmpeg exited with status " + status + ": no space left on device";
            case TIMED_OUT -> "ffmpeg exited with status " + status + ": the server went silent (connection timed out)";
            case STREAM_ENDED -> "ffmpeg exited with status 0: the server ended the stream";
            case CRASHED -> "ffmpeg was killed (status " + status + ")";
            case FAILED, STOPPED -> "ffmpeg exited with status " + status;
        };
    }

    /** Waits up to {@code delay} for a stop request; true when one came. */
    private boolean waitForStop(Duration delay) {
        try {
            stopRequested.get(delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return stopping();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopRequested.complete(null);
        }
        return true;
    }

    private static String mode(AudioMode audio) {
        return audio.name().toLowerCase(Locale.ROOT);
    }
}
