package io.github.mediamtxvod.recording;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Decides that an FFmpeg run has stalled, by media time: FFmpeg's progress blocks ({@code
 * out_time_us}) have not advanced for FFMPEG_STALL_TIMEOUT_SECONDS, or no block came at all
 * within the start-up allowance ({@code max(timeout, 30 s)}: FFmpeg may wait in RTSP DESCRIBE
 * for the publisher). Media time, unlike the file size, advances every second for every stream
 * shape (audio-only, a 10 s GOP, 100 kbit/s), and it stops when the server keeps the session open
 * but sends nothing, where FFmpeg's own socket timeout never fires.
 *
 * <p>A stalled FFmpeg prints no block at all, so {@link #stalled} is asked by a timer, not by the
 * block reader. {@link #progress} is called by the one thread that reads FFmpeg's progress, {@link
 * #stalled} and {@link #quietFor} by any thread. Time is {@link System#nanoTime()}, injected.
 */
final class StallWatchdog {
    /** The least time FFmpeg gets for its first progress block. */
    static final Duration MIN_STARTUP = Duration.ofSeconds(30);

    private final long timeoutNanos;
    private final long startupNanos;
    private final long startNanos;
    private long maxOutTimeUs = -1;
    private volatile boolean started;
    private volatile long lastAdvanceNanos;

    StallWatchdog(Duration timeout, long startNanos) {
        this.timeoutNanos = requireNonNull(timeout, "timeout is null").toNanos();
        this.startupNanos = Math.max(timeoutNanos, MIN_STARTUP.toNanos());
        this.startNanos = startNanos;
        this.lastAdvanceNanos = startNanos;
    }

    /**
     * A progress block arrived at {@code nowNanos}. The first block starts the stall clock; after
     * it, only a block whose media time is beyond every earlier one resets it. Returns whether the
     * media time advanced.
     */
    boolean progress(long outTimeUs, long nowNanos) {
        boolean advanced = outTimeUs > maxOutTimeUs;
        if (advanced) {
            maxOutTimeUs = outTimeUs;
        }
        if (advanced || !started) {
            lastAdvanceNanos = nowNanos;
            started = true;
        }
        return advanced;
    }

    /** Whether the run counts as stalled at {@code nowNanos}. */
    boolean stalled(long nowNanos) {
        return started
                ? nowNanos - lastAdvanceNanos >= timeoutNanos
                : nowNanos - startNanos >= startupNanos;
    }

    /** Whether a progress block has come yet. */
    boolean started() {
        return started;
    }

    /** How long the media time has not advanced (since the start, before the first block). */
    Duration quietFor(long nowNanos) {
        return Duration.ofNanos(Math.max(0, nowNanos - lastAdvanceNanos));
    }
}
