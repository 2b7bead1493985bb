package io.github.mediamtxvod.recording;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Decides that a recording has stalled: its output has not grown for {@code timeout}. FFmpeg's
 * own socket timeout does not fire while the server keeps the session open without sending
 * media, so the recorder watches the files instead. Pure: the caller feeds the progress (bytes
 * written so far) and the time ({@link System#nanoTime()}); not thread-safe.
 */
final class StallWatchdog {
    private final long timeoutNanos;
    private long lastProgress = -1;
    private long lastGrowthNanos;

    StallWatchdog(Duration timeout, long startNanos) {
        this.timeoutNanos = requireNonNull(timeout, "timeout is null").toNanos();
        this.lastGrowthNanos = startNanos;
    }

    /** Records the progress seen at {@code nowNanos}; true when it has not grown for too long. */
    boolean stalled(long progress, long nowNanos) {
        if (progress > lastProgress) {
            // a first look at an empty output is no growth: the clock keeps running from the start
            boolean first = lastProgress < 0 && progress == 0;
            lastProgress = progress;
            if (!first) {
                lastGrowthNanos = nowNanos;
                return false;
            }
        }
        return nowNanos - lastGrowthNanos >= timeoutNanos;
    }

    /** How long the output has not grown, as of {@code nowNanos}. */
    Duration quietFor(long nowNanos) {
        return Duration.ofNanos(Math.max(0, nowNanos - lastGrowthNanos));
    }
}
