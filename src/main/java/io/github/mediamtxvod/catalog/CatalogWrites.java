package io.github.mediamtxvod.catalog;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.recording.Segment;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * The way every catalogue write goes: whatever waits in memory first, then the write. A full
 * disk (or an I/O error, which is how some file systems report it) releases the reserve and tries
 * once more at once; any other failure closes the {@link WriteGate} for a growing wait. Finished
 * segments and upload outcomes that cannot be written are kept ({@link DeferredWrites}) and
 * recorded, oldest first, by the next write that works. Thread-safe.
 */
final class CatalogWrites {
    private final CatalogTransitions transitions;
    private final WriteGate gate;
    private final DeferredWrites deferred;
    private final CatalogReserve reserve;
    private final Object flushLock = new Object();
    private volatile boolean requeueWanted;
    private volatile Runnable whenPending = () -> { };
    private volatile Runnable whenRecovered = () -> { };

    CatalogWrites(CatalogTransitions transitions, WriteGate gate, DeferredWrites deferred, CatalogReserve reserve) {
        this.transitions = transitions;
        this.gate = gate;
        this.deferred = deferred;
        this.reserve = reserve;
    }

    void whenPending(Runnable action) {
        this.whenPending = requireNonNull(action, "action is null");
    }

    void whenRecovered(Runnable action) {
        this.whenRecovered = requireNonNull(action, "action is null");
    }

    Duration writeWait() {
        return gate.waitLeft();
    }

    /** Records a finished segment now, or keeps it when the catalogue cannot take it; never throws. */
    void recordOrKeep(Segment segment) {
        if (writeWait().isPositive()) {
            deferred.add(segment);
            return;
        }
        try {
            write(() -> {
                transitions.recordFinished(segment);
                return null;
            });
        } catch (CatalogException e) {
            deferred.add(segment);
            return;
        }
        whenPending.run();
    }

    /** Records an upload's outcome now, or keeps it; never throws (see {@link Catalog#record}). */
    UploadOutcome.Recorded recordOrKeep(UploadOutcome outcome) {
        if (writeWait().isPositive()) {
            deferred.add(outcome);
            return UploadOutcome.Recorded.LATER;
        }
        try {
            return write(() -> apply(outcome)) ? UploadOutcome.Recorded.NOW : UploadOutcome.Recorded.STALE;
        } catch (CatalogException e) {
            if (e.kind() != CatalogException.Kind.CLOSED) {
                deferred.add(outcome);
            }
            return UploadOutcome.Recorded.LATER;
        }
    }

    /** The start-up requeue of interrupted uploads failed: it runs before any other write. */
    void wantRequeue() {
        requeueWanted = true;
    }

    /** Whether a kept segment had to be dropped (the disk must be reconciled); resets. */
    boolean takeSegmentsDropped() {
        return deferred.takeSegmentsDropped();
    }

    /** Records what was kept in memory, not before the gate opens. */
    void retryDeferred() {
        if ((deferred.size() > 0 || requeueWanted) && writeWait().isZero()) {
            write(() -> null);
        }
    }

    /** Runs one write; see the class comment. */
    <T> T write(Supplier<T> operation) {
        try {
            return attempt(operation);
        } catch (CatalogException e) {
            boolean noSpace = e.kind() == CatalogException.Kind.FULL || e.kind() == CatalogException.Kind.IO;
            if (noSpace && reserve.release()) {
                try {
                    return attempt(operation);
                } catch (CatalogException again) {
                    throw failed(again);
                }
            }
            throw failed(e);
        }
    }

    private <T> T attempt(Supplier<T> operation) {
        int kept = deferred.size();
        flushDeferred();
        T result = operation.get();
        if (gate.succeeded(kept)) {
            whenRecovered.run();
        }
        return result;
    }

    private CatalogException failed(CatalogException failure) {
        if (failure.kind() != CatalogException.Kind.CLOSED) {
            gate.failed(failure);
        }
        return failure;
    }

    /** Applies what waits in memory, oldest first; one thread at a time. */
    private void flushDeferred() {
        if (deferred.size() == 0 && !requeueWanted) {
            return;
        }
        synchronized (flushLock) {
            if (requeueWanted) {
                transitions.requeueInterrupted();
                requeueWanted = false;
            }
            for (UploadOutcome outcome : deferred.outcomes()) {
                apply(outcome);
                deferred.recorded(outcome);
            }
            List<Segment> segments = deferred.segments();
            if (!segments.isEmpty()) {
                transitions.recordAll(segments);
                deferred.recorded(segments);
                whenPending.run();
            }
        }
    }

    private boolean apply(UploadOutcome outcome) {
        return switch (outcome) {
            case UploadOutcome.Uploaded uploaded -> transitions.markUploaded(uploaded.claimed(), uploaded.confirmation());
            case UploadOutcome.Failed failed -> {
                transitions.markFailed(failed.claimed(), failed.error(), failed.retryAt());
                yield true;
            }
            case UploadOutcome.Quarantined quarantined -> {
                transitions.quarantine(quarantined.claimed(), quarantined.reason(), quarantined.localPresent());
                yield true;
            }
        };
    }
}
