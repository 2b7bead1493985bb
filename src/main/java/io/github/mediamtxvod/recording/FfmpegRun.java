package io.github.mediamtxvod.recording;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One FFmpeg run as the watchdog sees it: the process, its stall watchdog and whether the
 * watchdog stopped it. The thread that reads its output (the stream recorder's, or for a run of
 * the previous day the retiring one) feeds {@link #progress}; the supervisor's timer
 * calls {@link #checkStall} once a second for every run, which costs two volatile reads while the
 * media time advances.
 */
final class FfmpegRun {
    private final FfmpegProcess process;
    private final StallWatchdog watchdog;
    private final long startNanos;
    private final AtomicBoolean stalled = new AtomicBoolean();
    private volatile Duration stalledFor = Duration.ZERO;
    private boolean advanced;
    private boolean healthy;
    private boolean listFailed;

    FfmpegRun(FfmpegProcess process, Duration stallTimeout, long startNanos) {
        this.process = process;
        this.watchdog = new StallWatchdog(stallTimeout, startNanos);
        this.startNanos = startNanos;
    }

    FfmpegProcess process() {
        return process;
    }

    /** When this run started ({@link System#nanoTime}). */
    long startNanos() {
        return startNanos;
    }

    /** A progress block; returns whether the media time advanced. The reading thread only. */
    boolean progress(long outTimeUs, long nowNanos) {
        boolean moved = watchdog.progress(outTimeUs, nowNanos);
        advanced |= moved;
        return moved;
    }

    /** Whether the media time ever advanced in this run. The reading thread only. */
    boolean advanced() {
        return advanced;
    }

    /** True exactly once: at the first block after the media time advanced for {@code healthyRun}. */
    boolean turnedHealthy(long nowNanos, Duration healthyRun) {
        if (healthy || !advanced || nowNanos - startNanos < healthyRun.toNanos()) {
            return false;
        }
        healthy = true;
        return true;
    }

    /** True at the first failure to read the segment list in this run, so it is logged once. */
    boolean firstListFailure() {
        boolean first = !listFailed;
        listFailed = true;
        return first;
    }

    /** Stops FFmpeg hard when it stalled; the timer's once-a-second check. Any thread. */
    void checkStall(long nowNanos) {
        if (watchdog.stalled(nowNanos) && stalled.compareAndSet(false, true)) {
            stalledFor = watchdog.quietFor(nowNanos);
            process.forceStop();
        }
    }

    boolean stalled() {
        return stalled.get();
    }

    /** Why the watchdog stopped it, for the log and the status. */
    String stallReason() {
        return watchdog.started()
                ? "no media for " + stalledFor.toSeconds() + " s (stalled input)"
                : "no progress within " + stalledFor.toSeconds() + " s of the start (stalled input)";
    }
}
