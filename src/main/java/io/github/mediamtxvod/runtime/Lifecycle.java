package io.github.mediamtxvod.runtime;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts components one after the other and stops them in reverse order. A component counts as
 * started once its start method returned; {@link #close()} stops exactly those, keeps going when
 * one fails, and throws one exception at the end with every further failure attached as
 * suppressed. Not thread-safe: one owner (the composition root) starts and closes it.
 */
public final class Lifecycle implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

    /**
     * Stops a component's executor now (running tasks are interrupted) and waits up to {@code
     * timeout} for it; says so in one WARN line naming {@code name} when it does not stop in time.
     */
    public static void shutdownNow(ExecutorService executor, String name, Duration timeout) {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                log.warn("{} did not stop within {}", name, Durations.describe(timeout));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts a component; may throw anything, which aborts the start. */
    @FunctionalInterface
    public interface Starter<T> {
        void start(T component) throws Exception;
    }

    private record Started(String name, AutoCloseable component) {}

    private final List<Started> started = new ArrayList<>();
    private boolean closed;

    /**
     * Starts {@code component} with {@code starter} and, once it returned, registers it to be
     * closed. Returns the component. When the start fails, the component is closed at once (it
     * may have half-started) and the failure is rethrown as a {@link LifecycleException}.
     */
    public <T extends AutoCloseable> T start(String name, T component, Starter<? super T> starter) {
        requireNonNull(name, "name is null");
        requireNonNull(component, "component is null");
        if (closed) {
            throw new IllegalStateException("cannot start " + name + ": the lifecycle is closed");
        }
        try {
            starter.start(component);
        } catch (Exception e) {
            LifecycleException failure = new LifecycleException("cannot start " + name + ": " + e.getMessage(), e);
            try {
                component.close();
            } catch (Exception closing) {
                failure.addSuppressed(closing);
            }
            throw failure;
        }
        started.add(new Started(name, component));
        return component;
    }

    /** Registers a component that needs no start (it is ready once constructed). */
    public <T extends AutoCloseable> T add(String name, T component) {
        return start(name, component, ignored -> {});
    }

    /**
     * Closes every started component in reverse start order; idempotent. Throws a {@link
     * LifecycleException} naming the first component that failed to stop, with every other
     * failure suppressed in it.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LifecycleException failure = null;
        for (int i = started.size() - 1; i >= 0; i--) {
            Started component = started.get(i);
            try {
                component.component().close();
            } catch (Exception | Error e) {
                log.debug("{} failed to stop", component.name(), e);
                if (failure == null) {
                    failure = new LifecycleException("cannot stop " + component.name() + ": " + e, e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        started.clear();
        if (failure != null) {
            throw failure;
        }
    }

    /** Starting or stopping a component failed; the message names it. */
    public static final class LifecycleException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LifecycleException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
