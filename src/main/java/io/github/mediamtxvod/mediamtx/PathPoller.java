package io.github.mediamtxvod.mediamtx;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.config.RecorderConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls MediaMTX every POLLING_INTERVAL and hands the live paths that pass STREAM_INCLUDE and
 * STREAM_EXCLUDE, sorted by name, to a listener after every successful poll.
 *
 * <p>When a poll fails the listener is not called, so recordings in progress go on as they
 * are; the poller backs off ({@link PollBackoff}) and goes back to the normal interval after the
 * next success. It logs the first failure (WARN) and the recovery (INFO), the failures between
 * at DEBUG, and counts every failure in {@code vodrecorder.mediamtx.poll.failures}.
 *
 * <p>Threading: polls and listener calls run one at a time on the single thread {@code
 * mediamtx-poller} that {@link #start()} creates; the listener must not block for long. {@link
 * #pollNow()} and {@link #status()} may be called from any thread. The owner calls {@link
 * #close()} (not from the listener), which stops the thread; the client is the caller's to
 * close.
 */
public final class PathPoller implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PathPoller.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    static final String FAILURES_METRIC = "vodrecorder.mediamtx.poll.failures";

    private final MediaMtxClient client;
    private final RecorderConfig.MediaMtx config;
    private final Consumer<List<MediaMtxPath>> listener;
    private final InstantSource clock;
    private final Counter failureCounter;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean pollRequested = new AtomicBoolean();
    private volatile ScheduledThreadPoolExecutor executor;
    private volatile PollerStatus status = PollerStatus.INITIAL;

    // confined to the poller thread
    private ScheduledFuture<?> nextPoll;
    private long failingSinceNanos;
    private boolean listenerFailing;

    public PathPoller(
            MediaMtxClient client,
            RecorderConfig.MediaMtx config,
            Consumer<List<MediaMtxPath>> listener,
            InstantSource clock,
            MeterRegistry registry) {
        this.client = requireNonNull(client, "client is null");
        this.config = requireNonNull(config, "config is null");
        this.listener = requireNonNull(listener, "listener is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.failureCounter = Counter.builder(FAILURES_METRIC)
                .description("Polls of the MediaMTX Control API that failed")
                .register(requireNonNull(registry, "registry is null"));
    }

    /** Creates the poller thread and polls right away. Throws if started before or closed. */
    public void start() {
        if (closed.get()) {
            throw new IllegalStateException("PathPoller is closed");
        }
        if (started.getAndSet(true)) {
            throw new IllegalStateException("PathPoller is already started");
        }
        ScheduledThreadPoolExecutor created = new ScheduledThreadPoolExecutor(
                1, Thread.ofPlatform().name("mediamtx-poller").daemon(true).factory());
        created.setRemoveOnCancelPolicy(true);
        created.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor = created;
        log.info("Polling MediaMTX at {} every {}", client.pathsListUrl(),
                MediaMtxClient.describe(config.pollingInterval()));
        pollNow();
    }

    /**
     * Asks for a poll as soon as possible, without waiting for it; the regular schedule restarts
     * from that poll. Requests that arrive while one is pending are merged. Ignored before
     * {@link #start()} and after {@link #close()}.
     */
    public void pollNow() {
        ScheduledThreadPoolExecutor current = executor;
        if (current == null || closed.get() || !pollRequested.compareAndSet(false, true)) {
            return;
        }
        try {
            current.execute(this::pollAndReschedule);
        } catch (RejectedExecutionException e) {
            pollRequested.set(false); // closing
        }
    }

    /** The latest health snapshot; never null. */
    public PollerStatus status() {
        return status;
    }

    /** Stops polling and waits a bounded time for a poll in progress. Idempotent. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        ScheduledThreadPoolExecutor current = executor;
        if (current == null) {
            return;
        }
        // interrupting a poll in flight aborts its HTTP request at once
        current.shutdownNow();
        try {
            if (!current.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("mediamtx-poller did not stop within {}",
                        MediaMtxClient.describe(CLOSE_TIMEOUT));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("Stopped polling MediaMTX");
    }

    private void pollAndReschedule() {
        pollRequested.set(false);
        if (nextPoll != null) {
            nextPoll.cancel(false); // a pollNow() came first: restart the schedule from here
            nextPoll = null;
        }
        Duration delay = config.pollingInterval();
        try {
            delay = pollOnce();
        } catch (RuntimeException e) {
            // an exception escaping would end the schedule for good
            log.error("MediaMTX poll failed unexpectedly", e);
        } finally {
            scheduleNext(delay);
        }
    }

    private void scheduleNext(Duration delay) {
        ScheduledThreadPoolExecutor current = executor;
        if (closed.get() || current.isShutdown()) {
            return;
        }
        try {
            nextPoll = current.schedule(
                    this::pollAndReschedule, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // closed between the check and the call: nothing left to schedule
        }
    }

    /** One poll; returns the delay before the next one. */
    private Duration pollOnce() {
        List<MediaMtxPath> paths;
        try {
            paths = client.listPaths();
        } catch (MediaMtxException e) {
            return onFailure(e.getMessage(), null);
        } catch (RuntimeException e) {
            return onFailure("unexpected failure: " + e, e);
        }
        if (closed.get()) {
            return config.pollingInterval();
        }
        List<MediaMtxPath> live = paths.stream()
                .filter(MediaMtxPath::live)
                .filter(path -> config.accepts(path.name()))
                .sorted(Comparator.comparing(MediaMtxPath::name))
                .toList();
        onSuccess(paths.size(), live.size());
        notifyListener(live);
        return config.pollingInterval();
    }

    private void onSuccess(int pathCount, int liveCount) {
        PollerStatus previous = status;
        status = new PollerStatus(true, clock.instant(), null, 0, previous.totalFailures());
        if (previous.consecutiveFailures() > 0) {
            Duration down = Duration.ofNanos(System.nanoTime() - failingSinceNanos);
            log.info("MediaMTX API reachable again after {} failed polls over {}: {} paths, {}"
                    + " live and recorded", previous.consecutiveFailures(),
                    MediaMtxClient.describe(down), pathCount, liveCount);
        } else if (previous.lastSuccess() == null) {
            log.info("MediaMTX API reachable: {} paths, {} live and recorded",
                    pathCount, liveCount);
        } else {
            log.debug("MediaMTX poll: {} paths, {} live and recorded", pathCount, liveCount);
        }
    }

    private Duration onFailure(String message, RuntimeException unexpected) {
        if (closed.get()) {
            return config.pollingInterval(); // interrupted by close(): not a failure of MediaMTX
        }
        failureCounter.increment();
        PollerStatus previous = status;
        long failures = previous.consecutiveFailures() + 1;
        status = new PollerStatus(
                false, previous.lastSuccess(), message, failures, previous.totalFailures() + 1);
        Duration delay = PollBackoff.delay(config.pollingInterval(), failures);
        if (failures == 1) {
            failingSinceNanos = System.nanoTime();
            if (unexpected != null) {
                log.warn("MediaMTX poll failed; recordings in progress continue, retrying in {}",
                        MediaMtxClient.describe(delay), unexpected);
            } else {
                log.warn("MediaMTX poll failed; recordings in progress continue, retrying in {}:"
                        + " {}", MediaMtxClient.describe(delay), message);
            }
        } else {
            log.debug("MediaMTX poll failed {} times in a row, retrying in {}: {}",
                    failures, MediaMtxClient.describe(delay), message);
        }
        return delay;
    }

    private void notifyListener(List<MediaMtxPath> live) {
        try {
            listener.accept(live);
            if (listenerFailing) {
                listenerFailing = false;
                log.info("Live path listener works again");
            }
        } catch (RuntimeException e) {
            if (!listenerFailing) {
                listenerFailing = true;
                log.error("Live path listener failed; it gets the next poll's paths", e);
            } else {
                log.debug("Live path listener failed again", e);
            }
        }
    }
}
