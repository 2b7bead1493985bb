package io.github.mediamtxvod.mediamtx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Decides when single-path checks run, so that any number of callers cost MediaMTX a bounded
 * amount of work. Pure: no I/O, no clock of its own (every method takes {@code now}, monotonic
 * nanoseconds), not thread-safe (its owner locks).
 *
 * <ul>
 *   <li><b>Every answer is fresh</b>: a caller always gets a check that starts after it asked,
 *       never one already under way, because the path may have changed in between (a publisher
 *       that reconnects sends not-ready, then ready).
 *   <li><b>Repeats are coalesced</b>: while a check of a path is pending (not yet started), every
 *       further request of that path joins it. A check starts at the earliest {@code spacing}
 *       after the previous check of that path started, and never while one is in flight: a path
 *       is asked about at most once per {@code spacing}, however often callers ask.
 *   <li><b>Bounded</b>: at most {@code maxInFlight} checks run at once (the rest wait in request
 *       order), and at most {@code maxTracked} paths are remembered; a request for a new path
 *       beyond that, when none can be forgotten, is refused.
 * </ul>
 */
final class CheckGate {
    /** One check of one path: waited on by every caller that joined it. */
    static final class Check {
        final String name;
        final CompletableFuture<PathChecks.Answer> answer = new CompletableFuture<>();
        final long notBeforeNanos;
        long sentNanos;
        /** Whether any caller that joined wants the answer passed on; set only while pending. */
        boolean passOn;

        Check(String name, long notBeforeNanos) {
            this.name = name;
            this.notBeforeNanos = notBeforeNanos;
        }
    }

    private static final class Entry {
        boolean started;
        long lastStartNanos;
        Check inFlight;
        Check pending;
    }

    private final long spacingNanos;
    private final int maxInFlight;
    private final int maxTracked;
    private final Map<String, Entry> entries = new HashMap<>();
    /** Paths with a pending check, in request order. */
    private final Set<String> waiting = new LinkedHashSet<>();
    private int inFlight;

    CheckGate(long spacingNanos, int maxInFlight, int maxTracked) {
        if (spacingNanos < 0 || maxInFlight < 1 || maxTracked < 1) {
            throw new IllegalArgumentException("spacing " + spacingNanos + " ns, maxInFlight " + maxInFlight
                    + ", maxTracked " + maxTracked);
        }
        this.spacingNanos = spacingNanos;
        this.maxInFlight = maxInFlight;
        this.maxTracked = maxTracked;
    }

    /**
     * A caller wants to know about {@code name} now: the pending check it joins or a new one, or
     * null when too many paths are tracked to take another.
     */
    Check request(String name, long now) {
        Entry entry = entries.get(name);
        if (entry == null) {
            if (entries.size() >= maxTracked) {
                forgetIdle(now);
            }
            if (entries.size() >= maxTracked) {
                return null;
            }
            entry = new Entry();
            entries.put(name, entry);
        }
        if (entry.pending == null) {
            long notBefore = entry.started && entry.lastStartNanos + spacingNanos - now > 0
                    ? entry.lastStartNanos + spacingNanos
                    : now;
            entry.pending = new Check(name, notBefore);
            waiting.add(name);
        }
        return entry.pending;
    }

    /** The pending checks that may start now, in request order, marked as sent at {@code now}. */
    List<Check> startable(long now) {
        List<Check> start = new ArrayList<>();
        for (Iterator<String> it = waiting.iterator(); it.hasNext() && inFlight < maxInFlight; ) {
            Entry entry = entries.get(it.next());
            Check check = entry.pending;
            if (entry.inFlight != null || check.notBeforeNanos - now > 0) {
                continue;
            }
            it.remove();
            entry.pending = null;
            entry.inFlight = check;
            entry.started = true;
            entry.lastStartNanos = now;
            check.sentNanos = now;
            inFlight++;
            start.add(check);
        }
        return start;
    }

    /** The check got its answer (or failed): its slot is free. */
    void finished(Check check) {
        Entry entry = entries.get(check.name);
        if (entry != null && entry.inFlight == check) {
            entry.inFlight = null;
            inFlight--;
        }
    }

    /**
     * When the earliest pending check that is only waiting for its spacing may start; empty when
     * none is (the others wait for a check in flight or a free slot, which {@link #finished}
     * brings).
     */
    OptionalLong nextDue(long now) {
        long earliest = 0;
        boolean any = false;
        for (String name : waiting) {
            Entry entry = entries.get(name);
            long due = entry.pending.notBeforeNanos;
            if (entry.inFlight == null && due - now > 0 && (!any || due - earliest < 0)) {
                earliest = due;
                any = true;
            }
        }
        return any ? OptionalLong.of(earliest) : OptionalLong.empty();
    }

    /** Every pending check, removed (on shutdown: their callers get an answer at once). */
    List<Check> drainPending() {
        List<Check> drained = new ArrayList<>();
        for (String name : waiting) {
            drained.add(entries.get(name).pending);
            entries.get(name).pending = null;
        }
        waiting.clear();
        return drained;
    }

    int inFlight() {
        return inFlight;
    }

    int tracked() {
        return entries.size();
    }

    private void forgetIdle(long now) {
        entries.values().removeIf(entry -> entry.inFlight == null && entry.pending == null
                && (!entry.started || now - entry.lastStartNanos >= spacingNanos));
    }
}
