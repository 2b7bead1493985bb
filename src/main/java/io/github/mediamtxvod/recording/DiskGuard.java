package io.github.mediamtxvod.recording;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;

/**
 * MIN_FREE_DISK_MB: how much space RECORDINGS_DIR must keep free. Asked before every new
 * recording slot (a running one is never stopped for it), by retention, which deletes confirmed
 * files while the guard is not met, and by a stream whose FFmpeg ran out of space, which waits for
 * {@link #roomToResume()}. Reading the free space is one statfs call. Publishes {@code
 * vodrecorder_disk_free_bytes}. Thread-safe.
 */
public final class DiskGuard {
    /**
     * A stream that hit a full disk starts again only with at least this much free (or
     * MIN_FREE_DISK_MB when that is more): a few seconds of video, so it does not start into a
     * disk that is still full.
     */
    public static final long RESUME_FLOOR_BYTES = 4L * 1024 * 1024;

    private final Path recordingsDir;
    private final long minFreeBytes;
    private final DiskSpace space;
    private volatile long lastFreeBytes = -1;
    private volatile Runnable whenLow = () -> { };

    public DiskGuard(Path recordingsDir, long minFreeBytes, DiskSpace space) {
        this.recordingsDir = requireNonNull(recordingsDir, "recordingsDir is null");
        this.minFreeBytes = minFreeBytes;
        this.space = requireNonNull(space, "space is null");
    }

    /** Registers the free-space gauge. */
    public DiskGuard register(MeterRegistry registry) {
        Gauge.builder("vodrecorder.disk.free", this, guard -> {
            long free = guard.freeBytes();
            return free < 0 ? Double.NaN : free;
        }).description("Usable space in RECORDINGS_DIR").baseUnit("bytes").register(registry);
        return this;
    }

    /** Usable bytes now, or -1 when the file system cannot tell (the folder is missing, say). */
    public long freeBytes() {
        try {
            long free = space.usableBytes(recordingsDir);
            lastFreeBytes = free;
            return free;
        } catch (IOException e) {
            return -1;
        }
    }

    /** The free space seen at the last check, or -1 before the first. */
    public long lastFreeBytes() {
        return lastFreeBytes;
    }

    /**
     * Whether a new recording session may start: at least MIN_FREE_DISK_MB free. When the free
     * space cannot be read, the answer is yes: recording is what the recorder is for, and FFmpeg
     * itself reports a disk it cannot write.
     */
    public boolean hasRoom() {
        long free = freeBytes();
        boolean room = free < 0 || free >= minFreeBytes;
        if (!room) {
            whenLow.run();
        }
        return room;
    }

    /**
     * Whether a stream whose FFmpeg ran out of space may start again: at least {@link
     * #resumeFreeBytes()} free, or the free space cannot be read. Like {@link #hasRoom()} it runs
     * the {@link #whenLow} action when the answer is no, so retention frees what it may.
     */
    public boolean roomToResume() {
        long free = freeBytes();
        boolean room = free < 0 || free >= resumeFreeBytes();
        if (!room) {
            whenLow.run();
        }
        return room;
    }

    /** The free space {@link #roomToResume()} asks for: MIN_FREE_DISK_MB, at least {@link #RESUME_FLOOR_BYTES}. */
    public long resumeFreeBytes() {
        return Math.max(minFreeBytes, RESUME_FLOOR_BYTES);
    }

    /** Whether the free space is known and below MIN_FREE_DISK_MB; asks no one for help. */
    public boolean belowMinimum() {
        long free = freeBytes();
        return free >= 0 && free < minFreeBytes;
    }

    /** Runs each time {@link #hasRoom()} says no, e.g. to make retention free space at once. */
    public void whenLow(Runnable action) {
        this.whenLow = requireNonNull(action, "action is null");
    }

    public long minFreeBytes() {
        return minFreeBytes;
    }

    public Path recordingsDir() {
        return recordingsDir;
    }
}
