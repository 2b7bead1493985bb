package io.github.mediamtxvod.mediamtx;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.runtime.Durations;
import io.github.mediamtxvod.runtime.TransitionLog;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Asks MediaMTX about one path at once ({@code GET /v3/paths/get/{name}}) and hands the answer to
 * the {@link LiveSet}, which passes it on in order with the polls: a confirmed answer counts as
 * much as a poll. Used when a hook says a path became ready or went away (a hint, not a command)
 * and when a recording's FFmpeg exits (did the stream end?).
 *
 * <p>{@link #check} blocks at most MEDIAMTX_API_TIMEOUT_SECONDS and never throws: {@link
 * Liveness#UNKNOWN} says MediaMTX could not answer. Work is bounded whatever callers send (see
 * {@link CheckGate}): repeats for a path are coalesced and spaced by {@value #SPACING_MILLIS} ms,
 * at most {@value #MAX_IN_FLIGHT} requests run at once, at most {@value #MAX_TRACKED} paths are
 * remembered.
 *
 * <p>Thread-safe. {@link #start()} creates the timer thread {@code mediamtx-checks} (it only
 * starts requests that waited for their spacing; the HTTP client's threads do the rest); {@link
 * #close()} stops it and answers every waiting caller UNKNOWN. The client is the caller's to
 * close.
 */
public final class PathChecks implements AutoCloseable {
    static final long SPACING_MILLIS = 250;
    static final int MAX_IN_FLIGHT = 8;
    static final int MAX_TRACKED = 1_024;
    private static final Logger log = LoggerFactory.getLogger(PathChecks.class);

    /** What MediaMTX says about a path. */
    public enum Liveness {
        /** Listed as available and online: a publisher is on the air. */
        LIVE,
        /** Unknown to MediaMTX (404), or listed but not available (or only its filler). */
        GONE,
        /** MediaMTX could not answer: timeout, refused, 5xx, credentials, a broken answer. */
        UNKNOWN
    }

    /** An answer with a short reason for people (never a password). */
    public record Answer(Liveness liveness, String detail) {
        public Answer {
            requireNonNull(liveness, "liveness is null");
            requireNonNull(detail, "detail is null");
        }
    }

    private final MediaMtxClient client;
    private final MediaMtxConfig config;
    private final LiveSet live;
    private final CheckGate gate;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final TransitionLog listenerFailures =
            new TransitionLog(log, Level.ERROR, TransitionLog.SUMMARY_PERIOD, System::nanoTime);
    private volatile ScheduledThreadPoolExecutor timer;
    // @GuardedBy("gate")
    private long timerDueNanos;
    // @GuardedBy("gate")
    private boolean timerSet;

    public PathChecks(MediaMtxClient client, MediaMtxConfig config, LiveSet live) {
        this(client, config, live, new CheckGate(
                TimeUnit.MILLISECONDS.toNanos(SPACING_MILLIS), MAX_IN_FLIGHT, MAX_TRACKED));
    }

    PathChecks(MediaMtxClient client, MediaMtxConfig config, LiveSet live, CheckGate gate) {
        this.client = requireNonNull(client, "client is null");
        this.config = requireNonNull(config, "config is null");
        this.live = requireNonNull(live, "live is null");
        this.gate = requireNonNull(gate, "gate is null");
    }

    /** Creates the timer thread; before this, every check answers UNKNOWN. */
    public void start() {
        if (closed.get() || started.getAndSet(true)) {
            throw new IllegalStateException("PathChecks already started or closed");
        }
        ScheduledThreadPoolExecutor created = new ScheduledThreadPoolExecutor(
                1, Thread.ofPlatform().name("mediamtx-checks").daemon(true).factory());
        created.setRemoveOnCancelPolicy(true);
        timer = created;
    }

    /**
     * What MediaMTX says about {@code name}, from a request sent after this call began; a LIVE or
     * GONE answer is also passed on to the recording stage (through the {@link LiveSet}). For
     * hooks. Blocks at most MEDIAMTX_API_TIMEOUT_SECONDS; never throws.
     */
    public Answer check(String name) {
        return check(name, true);
    }

    /**
     * Like {@link #check}, for a caller that acts on the answer itself (the recording stage, after
     * an FFmpeg exit): the answer is not passed on, but it still corrects the polls sent before it.
     */
    public Answer ask(String name) {
        return check(name, false);
    }

    private Answer check(String name, boolean passOn) {
        requireNonNull(name, "name is null");
        Duration timeout = config.apiTimeout();
        long deadline = live.now() + timeout.toNanos();
        if (name.isBlank() || PathListParser.hasUnsafeCharacter(name)) {
            return new Answer(Liveness.GONE, "not a name MediaMTX can have");
        }
        if (timer == null || closed.get()) {
            return new Answer(Liveness.UNKNOWN, "the recorder is not running");
        }
        CheckGate.Check check;
        List<CheckGate.Check> toSend;
        synchronized (gate) {
            long now = live.now();
            check = gate.request(name, now);
            if (check == null) {
                return new Answer(Liveness.UNKNOWN, "too many different paths are being checked at once");
            }
            check.passOn |= passOn; // the check is pending: it reads the flag after it starts
            toSend = gate.startable(now);
            armTimer(now);
        }
        toSend.forEach(this::send);
        return await(check.answer, deadline, timeout);
    }

    /** Stops the timer and answers every caller still waiting UNKNOWN. Idempotent. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        ScheduledThreadPoolExecutor current = timer;
        if (current != null) {
            current.shutdownNow();
        }
        List<CheckGate.Check> pending;
        synchronized (gate) {
            pending = gate.drainPending();
        }
        pending.forEach(check -> check.answer.complete(new Answer(Liveness.UNKNOWN, "the recorder is stopping")));
    }

    private Answer await(CompletableFuture<Answer> answer, long deadline, Duration timeout) {
        try {
            return answer.get(Math.max(0, deadline - live.now()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return new Answer(Liveness.UNKNOWN, "MediaMTX did not answer within " + Durations.describe(timeout)
                    + " (MEDIAMTX_API_TIMEOUT_SECONDS)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(Liveness.UNKNOWN, "interrupted");
        } catch (ExecutionException e) {
            return new Answer(Liveness.UNKNOWN, String.valueOf(e.getCause()));
        }
    }

    private void send(CheckGate.Check check) {
        CompletableFuture<Optional<MediaMtxPath>> request;
        try {
            request = client.getPathAsync(check.name);
        } catch (RuntimeException e) {
            request = CompletableFuture.failedFuture(e);
        }
        request.whenComplete((path, failure) -> finished(check, path, failure));
    }

    private void finished(CheckGate.Check check, Optional<MediaMtxPath> path, Throwable failure) {
        Answer answer = failure == null ? answer(check, path) : failed(check, failure);
        List<CheckGate.Check> toSend;
        synchronized (gate) {
            gate.finished(check);
            long now = live.now();
            toSend = closed.get() ? List.of() : gate.startable(now);
            armTimer(now);
        }
        check.answer.complete(answer);
        toSend.forEach(this::send);
    }

    private Answer answer(CheckGate.Check check, Optional<MediaMtxPath> path) {
        try {
            boolean passOn;
            synchronized (gate) {
                passOn = check.passOn;
            }
            live.checked(check.sentNanos, check.name, path, passOn);
            listenerFailures.recovered("Live path listener works again");
        } catch (RuntimeException e) {
            listenerFailures.failed("Live path listener failed on the answer for {}; the next poll corrects it",
                    PathListParser.printable(check.name, 100), e);
        }
        if (path.isEmpty()) {
            return new Answer(Liveness.GONE, "MediaMTX has no such path");
        }
        return path.get().live()
                ? new Answer(Liveness.LIVE, "MediaMTX lists it as available")
                : new Answer(Liveness.GONE, "MediaMTX lists it, but nobody publishes to it");
    }

    private static Answer failed(CheckGate.Check check, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
        String message = cause instanceof MediaMtxException ? cause.getMessage() : String.valueOf(cause);
        log.debug("{} - path check failed: {}", PathListParser.printable(check.name, 100), message);
        return new Answer(Liveness.UNKNOWN, message);
    }

    /** Makes the timer start the next check that waits only for its spacing. */
    // @GuardedBy("gate")
    private void armTimer(long now) {
        OptionalLong due = gate.nextDue(now);
        ScheduledThreadPoolExecutor current = timer;
        if (due.isEmpty() || current == null || (timerSet && timerDueNanos - due.getAsLong() <= 0)) {
            return;
        }
        timerSet = true;
        timerDueNanos = due.getAsLong();
        try {
            current.schedule(this::onTimer, due.getAsLong() - now, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            timerSet = false; // closing
        }
    }

    private void onTimer() {
        List<CheckGate.Check> toSend;
        synchronized (gate) {
            timerSet = false;
            long now = live.now();
            toSend = closed.get() ? List.of() : gate.startable(now);
            armTimer(now);
        }
        toSend.forEach(this::send);
    }
}
