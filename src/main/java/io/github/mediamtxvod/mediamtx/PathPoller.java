package io.github.mediamtxvod.mediamtx;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.runtime.Backoff;
import io.github.mediamtxvod.runtime.Durations;
import io.github.mediamtxvod.runtime.TransitionLog;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Polls MediaMTX every POLLING_INTERVAL and hands the live paths that pass STREAM_INCLUDE and
 * STREAM_EXCLUDE, sorted by name, to the {@link LiveSet} after every successful poll (which
 * orders them with the single-path checks and passes them on).
 *
 * <p>When a poll fails nothing is passed on, so recordings in progress go on as they are; the
 * poller backs off ({@link #pollDelay}) and goes back to the normal interval after the next
 * success. It logs the first failure (WARN) and the recovery (INFO), the failures between at
 * DEBUG, and counts every failure in {@code vodrecorder.mediamtx.poll.failures}.
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
    static final Duration MAX_POLL_DELAY = Duration.ofSeconds(60);
    static final String FAILURES_METRIC = "vodrecorder.mediamtx.poll.failures";
    /** Polls asked for by {@link #pollNow()} start at least this long after the previous one. */
    static final Duration MIN_REQUESTED_SPACING = Duration.ofSeconds(1);

    private final MediaMtxClient client;
    private final MediaMtxConfig config;
    private final LiveSet live;
    private final InstantSource clock;
    private final Counter failureCounter;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean pollRequested = new AtomicBoolean();
    private volatile ScheduledThreadPoolExecutor executor;
    private volatile PollerStatus status = PollerStatus.INITIAL;
    private volatile long lastPollSentNanos;
    private volatile boolean polledOnce;

    private final TransitionLog pollFailures = new TransitionLog(log);
    private final TransitionLog listenerFailures =
            new TransitionLog(log, Level.ERROR, TransitionLog.SUMMARY_PERIOD, System::nanoTime);

    // confined to the poller thread
    private ScheduledFuture<?> nextPoll;

    public PathPoller(
            MediaMtxClient client,
            MediaMtxConfig config,
            LiveSet live,
            InstantSource clock,
            MeterRegistry registry) {
        this.client = requireNonNull(client, "client is null");
        this.config = requireNonNull(config, "config is null");
        this.live = requireNonNull(live, "live is null");
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
                Durations.describe(config.pollingInterval()));
        pollNow();
    }

    /**
     * Asks for a poll as soon as possible, but not sooner than {@link #MIN_REQUESTED_SPACING}
     * after the previous poll was sent, without waiting for it; the regular schedule restarts from
     * that poll. Requests that arrive while one is pending are merged, so any number of callers
     * cause at most one poll a second. Ignored before {@link #start()} and after {@link #close()}.
     */
    public void pollNow() {
        ScheduledThreadPoolExecutor current = executor;
        if (current == null || closed.get() || !pollRequested.compareAndSet(false, true)) {
            return;
        }
        long wait = polledOnce ? lastPollSentNanos + MIN_REQUESTED_SPACING.toNanos() - live.now() : 0;
        try {
            current.schedule(this::pollAndReschedule, Math.max(0, wait), TimeUnit.NANOSECONDS);
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
                        Durations.describe(CLOSE_TIMEOUT));
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
        long sent = live.now();
        lastPollSentNanos = sent;
        polledOnce = true;
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
        List<MediaMtxPath> recorded = paths.stream()
                .filter(MediaMtxPath::live)
                .filter(path -> config.accepts(path.name()))
                .sorted(Comparator.comparing(MediaMtxPath::name))
                .toList();
        onSuccess(paths.size(), recorded.size());
        notifyListener(sent, recorded);
        return config.pollingInterval();
    }

    private void onSuccess(int pathCount, int liveCount) {
        PollerStatus previous = status;
        status = new PollerStatus(true, clock.instant(), null, 0, previous.totalFailures());
        boolean recovered = pollFailures.recovered("MediaMTX API reachable again after {} failed polls over {}: {} paths,"
                + " {} live and recorded", pollFailures.failures(), Durations.describe(pollFailures.failingFor()),
                pathCount, liveCount);
        if (recovered) {
            return;
        }
        if (previous.lastSuccess() == null) {
            log.info("MediaMTX API reachable: {} paths, {} live and recorded", pathCount, liveCount);
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
        Duration delay = pollDelay(config.pollingInterval(), failures);
        if (unexpected != null) {
            pollFailures.failed("MediaMTX poll failed; recordings in progress continue, retrying in {}",
                    Durations.describe(delay), unexpected);
        } else {
            pollFailures.failed("MediaMTX poll failed; recordings in progress continue, retrying in {}: {}",
                    Durations.describe(delay), message);
        }
        return delay;
    }

    /**
     * When to poll again after {@code consecutiveFailures}: {@code min(interval * 2^failures,
     * max(interval, 60 s))}. Doubling spares a struggling MediaMTX; the cap keeps recovery noticed
     * within a minute, or within one interval when the interval is longer than that.
     */
    static Duration pollDelay(Duration interval, long consecutiveFailures) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval is not positive: " + interval);
        }
        if (consecutiveFailures == 0) {
            return interval;
        }
        Duration cap = interval.compareTo(MAX_POLL_DELAY) > 0 ? interval : MAX_POLL_DELAY;
        Duration twice = interval.multipliedBy(2);
        return Backoff.exponential(twice.compareTo(cap) < 0 ? twice : cap, cap).delay(consecutiveFailures);
    }

    private void notifyListener(long sent, List<MediaMtxPath> recorded) {
        try {
            live.polled(sent, recorded);
            listenerFailures.recovered("Live path listener works again");
        } catch (RuntimeException e) {
            listenerFailures.failed("Live path listener failed; it gets the next poll's paths", e);
        }
    }
}
