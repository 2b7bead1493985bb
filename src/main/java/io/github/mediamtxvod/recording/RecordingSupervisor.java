package io.github.mediamtxvod.recording;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.github.mediamtxvod.runtime.TransitionLog;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Owns every stream recorder: starts one per live stream up to MAX_CONCURRENT_RECORDINGS, keeps
 * the rest waiting in a deterministic order, stops recorders of streams that went away and hands
 * every finished segment to the listeners.
 *
 * <p>Threading: all decisions run on one thread, {@code recording-supervisor}; the public methods
 * only enqueue work and may be called from any thread. {@link #status()} returns an immutable
 * snapshot. Segment listeners are called on the stream's recorder thread. One timer thread, {@code
 * recording-timer}, checks every running FFmpeg for a stall once a second and runs the steps of
 * stopping FFmpeg; a stream recorder asks the {@link PathCheck} on its own thread.
 */
public final class RecordingSupervisor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RecordingSupervisor.class);
    /** FFmpeg gets this long to finish its segments on shutdown: q, SIGINT, SIGKILL fit in it. */
    public static final Duration SHUTDOWN_BUDGET = Duration.ofSeconds(5);
    private static final Duration START_SPACING = Duration.ofMillis(100);
    /** Successive polls a stream must be missing from before its recording stops. */
    static final int POLLS_TO_STOP = 2;

    private final RecordingConfig config;
    private final URI rtspUrl;
    private final InstantSource clock;
    private final DiskGuard disk;
    private final List<SegmentListener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService events = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("recording-supervisor").daemon(true).factory());
    private final ProcessLauncher launcher;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("recording-timer").daemon(true).factory());
    private final Set<String> activeSessions = ConcurrentHashMap.newKeySet();
    private final RecorderContext context;
    private final AtomicBoolean closed = new AtomicBoolean();

    // state below is confined to the recording-supervisor thread
    private final Map<String, LiveStream> live = new HashMap<>();
    private final Map<String, Long> firstSeen = new HashMap<>();
    private final Map<String, Instant> liveSince = new HashMap<>();
    private final Map<String, Integer> missedPolls = new HashMap<>();
    private final Map<String, StreamRecorder> recorders = new LinkedHashMap<>();
    private final Set<String> announcedWaiting = new HashSet<>();
    private long sequence;
    private boolean blockedLogged;
    private boolean shuttingDown;

    private volatile List<RecordingStatus.Waiting> waiting = List.of();
    private final Counter restarts;
    private final Counter segmentsRecorded;
    private final Counter bytesRecorded;

    /**
     * @param pathCheck asked, on a stream recorder's thread, whether a stream whose FFmpeg ended by
     *     itself is still published
     */
    public RecordingSupervisor(
            RecordingConfig config,
            URI rtspUrl,
            InstantSource clock,
            DiskGuard disk,
            PathCheck pathCheck,
            MeterRegistry registry) {
        this.config = requireNonNull(config, "config is null");
        this.rtspUrl = requireNonNull(rtspUrl, "rtspUrl is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.disk = requireNonNull(disk, "disk is null");
        this.launcher = new ProcessLauncher(new StartPacer(START_SPACING, System::nanoTime));
        this.context = new RecorderContext(config, rtspUrl, launcher, clock, timer,
                requireNonNull(pathCheck, "pathCheck is null"), disk,
                new TransitionLog(log, Level.ERROR, TransitionLog.SUMMARY_PERIOD, System::nanoTime), activeSessions);
        timer.scheduleWithFixedDelay(this::checkStalls, 1, 1, TimeUnit.SECONDS);
        Gauge.builder("vodrecorder.recordings.active", this, s -> s.runningCount())
                .description("Streams holding a recording slot")
                .register(registry);
        Gauge.builder("vodrecorder.recordings.waiting", this, s -> s.waiting.size())
                .description("Live streams waiting for a recording slot")
                .register(registry);
        this.restarts = Counter.builder("vodrecorder.ffmpeg.restarts")
                .description("FFmpeg restarts after an exit or a stall")
                .register(registry);
        this.segmentsRecorded = Counter.builder("vodrecorder.segments.recorded")
                .description("Segments finished by FFmpeg")
                .register(registry);
        this.bytesRecorded = Counter.builder("vodrecorder.recorded.bytes")
                .baseUnit("bytes")
                .description("Bytes of finished segments")
                .register(registry);
    }

    /** Adds a listener for finished segments; add them all before the first stream goes live. */
    public void addListener(SegmentListener listener) {
        listeners.add(requireNonNull(listener, "listener is null"));
    }

    /** The complete set of live streams, from a successful poll of MediaMTX. */
    public void updateLiveStreams(List<LiveStream> streams) {
        List<LiveStream> copy = List.copyOf(streams);
        submit(() -> {
            Map<String, LiveStream> polled = new HashMap<>();
            for (LiveStream stream : copy) {
                polled.put(stream.name(), stream);
            }
            for (String name : new ArrayList<>(live.keySet())) {
                if (polled.containsKey(name)) {
                    missedPolls.remove(name);
                } else if (missedPolls.merge(name, 1, Integer::sum) >= POLLS_TO_STOP) {
                    // MediaMTX pages are separate requests: a list that shifts between them can
                    // hide a live path once, so one miss is not enough to stop a recording
                    missedPolls.remove(name);
                    live.remove(name);
                }
            }
            for (LiveStream stream : copy) {
                if (!live.containsKey(stream.name())) {
                    markLive(stream);
                } else if (live.containsKey(stream.name())) {
                    live.put(stream.name(), stream);
                }
            }
            reconcile();
        });
    }

    /**
     * MediaMTX confirmed that one stream is live (asked after a hook): record it at once. The
     * caller orders these answers with the polls, so no poll sent earlier follows it.
     */
    public void streamAvailable(LiveStream stream) {
        requireNonNull(stream, "stream is null");
        submit(() -> {
            if (!live.containsKey(stream.name())) {
                markLive(stream);
            }
            reconcile();
        });
    }

    /**
     * MediaMTX confirmed that one stream is gone (asked after a hook or an FFmpeg exit): stop
     * recording it at once. Ordered with the polls like {@link #streamAvailable}.
     */
    public void streamUnavailable(String name) {
        requireNonNull(name, "name is null");
        submit(() -> {
            missedPolls.remove(name);
            live.remove(name);
            reconcile();
        });
    }

    /** Re-evaluates the waiting list, e.g. after the disk guard allowed new sessions again. */
    public void refresh() {
        submit(this::reconcile);
    }

    /** A fresh snapshot of every recording and the waiting list. */
    public RecordingStatus status() {
        List<RecordingStatus.StreamStatus> streams = new ArrayList<>();
        synchronized (recorders) {
            recorders.values().forEach(recorder -> streams.add(recorder.status()));
        }
        streams.sort(Comparator.comparing(RecordingStatus.StreamStatus::name));
        return new RecordingStatus(streams, waiting, config.maxConcurrentRecordings());
    }

    private int runningCount() {
        synchronized (recorders) {
            return recorders.size();
        }
    }

    /**
     * Whether FFmpeg may still write into a session folder ({@code <stream>/<day>/<session>},
     * '/' separated, as {@link Session#relativePath()}): its files must not be scanned or trimmed
     * as finished. Thread-safe.
     */
    public boolean isActiveSession(String sessionPath) {
        return activeSessions.contains(sessionPath);
    }

    /** Whether FFmpeg children are killed by the kernel if the recorder dies. */
    public boolean childrenDieWithRecorder() {
        return launcher.childrenDieWithRecorder();
    }

    /**
     * Stops every recording gracefully: each FFmpeg finishes its segment, which reaches the
     * listeners. Waits up to {@code timeout} in all; idempotent.
     */
    public void close(Duration timeout) {
        if (closed.getAndSet(true)) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<StreamRecorder> stopping = new ArrayList<>();
        // a quarter of the budget per stop step: q, then SIGINT, then SIGKILL still fit
        Duration step = timeout.dividedBy(4);
        submit(() -> {
            shuttingDown = true;
            live.clear();
            synchronized (recorders) {
                stopping.addAll(recorders.values());
            }
            for (StreamRecorder recorder : stopping) {
                recorder.requestStop(step.compareTo(config.stopTimeout()) < 0 ? step : config.stopTimeout());
            }
            publishSnapshot(List.of());
        });
        events.shutdown();
        try {
            if (!events.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("recording-supervisor did not finish its queue within {}", timeout);
            }
            synchronized (recorders) {
                while (!recorders.isEmpty()) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        log.warn("{} recording(s) still stopping after {}: {}", recorders.size(), timeout, recorders.keySet());
                        break;
                    }
                    recorders.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            timer.shutdownNow();
            launcher.close();
        }
    }

    /** Stops every recording within {@link #SHUTDOWN_BUDGET}. */
    @Override
    public void close() {
        close(SHUTDOWN_BUDGET);
    }

    private void markLive(LiveStream stream) {
        live.put(stream.name(), stream);
        if (firstSeen.putIfAbsent(stream.name(), sequence) == null) {
            sequence++;
            liveSince.put(stream.name(), clock.instant());
        }
    }

    /** Applies the slot plan: runs on the supervisor thread only. */
    private void reconcile() {
        if (shuttingDown) {
            return;
        }
        Set<String> stopping = new HashSet<>();
        List<String> running;
        synchronized (recorders) {
            recorders.forEach((name, recorder) -> {
                if (recorder.stopping()) {
                    stopping.add(name);
                }
            });
            running = List.copyOf(recorders.keySet());
        }
        boolean mayStart = disk.hasRoom();
        Map<String, Long> order = new HashMap<>();
        live.keySet().forEach(name -> order.put(name, firstSeen.get(name)));
        SlotPlan plan = SlotPlan.plan(order, running, stopping, config.maxConcurrentRecordings(), mayStart);
        for (String name : plan.toStop()) {
            log.info("{} - no longer live; stopping its recording", name);
            StreamRecorder recorder;
            synchronized (recorders) {
                recorder = recorders.get(name);
            }
            if (recorder != null) {
                recorder.requestStop(config.stopTimeout());
            }
        }
        for (String name : plan.toStart()) {
            startRecorder(live.get(name));
        }
        logWaiting(plan, mayStart);
        firstSeen.keySet().retainAll(live.keySet());
        liveSince.keySet().retainAll(live.keySet());
        publishSnapshot(plan.waiting());
    }

    private void startRecorder(LiveStream stream) {
        announcedWaiting.remove(stream.name());
        log.info("{} - live; starting its recording ({} of {} slots in use)",
                stream.name(), runningCount() + 1, config.maxConcurrentRecordings());
        StreamRecorder recorder = new StreamRecorder(stream, context, dispatcher, restarts::increment,
                ending -> recorderFinished(stream.name(), ending));
        synchronized (recorders) {
            recorders.put(stream.name(), recorder);
        }
        recorder.start();
    }

    private void recorderFinished(String name, StreamRecorder.Ending ending) {
        synchronized (recorders) {
            recorders.remove(name);
            recorders.notifyAll();
        }
        switch (ending) {
            case STREAM_ENDED -> log.info("{} - the stream ended (MediaMTX no longer has it live); recording stopped",
                    name);
            case STOPPED -> log.info("{} - recording stopped", name);
            case FAILED -> log.info("{} - recording stopped after a failure; it starts again while the stream is live",
                    name);
        }
        submit(() -> {
            if (ending == StreamRecorder.Ending.STREAM_ENDED) {
                // MediaMTX said so just now: a later poll or hook that lists it again starts it again
                live.remove(name);
                missedPolls.remove(name);
            }
            reconcile();
        });
    }

    /** The timer's once-a-second look at every running FFmpeg: two volatile reads each. */
    private void checkStalls() {
        try {
            long now = System.nanoTime();
            synchronized (recorders) {
                for (StreamRecorder recorder : recorders.values()) {
                    recorder.checkStall(now);
                }
            }
        } catch (RuntimeException | Error e) {
            log.error("recording-timer: the stall check failed", e);
        }
    }

    private void logWaiting(SlotPlan plan, boolean mayStart) {
        if (!mayStart && !plan.waiting().isEmpty() && !blockedLogged) {
            log.error("Not starting new recordings ({} waiting): free disk space is below MIN_FREE_DISK_MB", plan.waiting().size());
            blockedLogged = true;
        } else if (mayStart && blockedLogged) {
            log.info("Free disk space recovered; new recordings may start again");
            blockedLogged = false;
        }
        for (String name : plan.waiting()) {
            if (announcedWaiting.add(name) && mayStart) {
                log.info("{} - live, waiting for a recording slot ({} of {} in use)",
                        name, runningCount(), config.maxConcurrentRecordings());
            }
        }
        announcedWaiting.retainAll(plan.waiting());
    }

    private void publishSnapshot(List<String> waitingNow) {
        List<RecordingStatus.Waiting> list = new ArrayList<>(waitingNow.size());
        for (String name : waitingNow) {
            list.add(new RecordingStatus.Waiting(name, liveSince.getOrDefault(name, clock.instant())));
        }
        waiting = List.copyOf(list);
    }

    /** Hands each event of a stream recorder to every listener, in order. */
    private final SegmentListener dispatcher = new SegmentListener() {
        @Override
        public void segmentFinished(Segment segment) {
            dispatch(segment);
        }

        @Override
        public void sessionEnded(Session session) {
            for (SegmentListener listener : listeners) {
                try {
                    listener.sessionEnded(session);
                } catch (RuntimeException e) {
                    log.error("{} - a segment listener failed at the end of {}", session.stream(), session.relativePath(), e);
                }
            }
        }
    };

    private void dispatch(Segment segment) {
        segmentsRecorded.increment();
        bytesRecorded.increment(segment.sizeBytes());
        log.debug("{} - finished {} ({} bytes, {})", segment.stream(), segment.relativePath(),
                segment.sizeBytes(), segment.duration());
        for (SegmentListener listener : listeners) {
            try {
                listener.segmentFinished(segment);
            } catch (RuntimeException e) {
                log.error("{} - a segment listener failed for {}", segment.stream(), segment.relativePath(), e);
            }
        }
    }

    private void submit(Runnable task) {
        if (events.isShutdown()) {
            return;
        }
        try {
            events.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.error("recording-supervisor task failed", e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shutting down: nothing more to decide
        }
    }
}
