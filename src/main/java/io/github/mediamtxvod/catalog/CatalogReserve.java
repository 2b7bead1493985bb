package io.github.mediamtxvod.catalog;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.recording.DiskSpace;
import io.github.mediamtxvod.runtime.TransitionLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Random;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Space kept for the catalogue on the disk of RECORDINGS_DIR: a file {@code
 * .vod-recorder/reserve} of a fixed size, deleted when SQLite reports the disk full so that the
 * writes that free space (an upload recorded, a local file marked deleted) still go through, and
 * written again once there is room for it three times over, at most once a minute (so that a
 * disk hovering at full does not make it come and go). The bytes are pseudo-random, because a
 * compressing file system would store zeros in no space at all. Thread-safe.
 */
final class CatalogReserve {
    static final String FILE_NAME = "reserve";
    static final long DEFAULT_BYTES = 1024 * 1024;
    static final Duration MIN_RELEASED = Duration.ofMinutes(1);
    private static final Logger log = LoggerFactory.getLogger(CatalogReserve.class);

    private final Path file;
    private final long bytes;
    private final DiskSpace space;
    private final LongSupplier nanoTime;
    private final TransitionLog released;
    // @GuardedBy("this")
    private long releasedAtNanos;
    // @GuardedBy("this")
    private boolean everReleased;

    CatalogReserve(Path folder, long bytes, DiskSpace space, LongSupplier nanoTime) {
        this.file = requireNonNull(folder, "folder is null").resolve(FILE_NAME);
        this.bytes = bytes;
        this.space = requireNonNull(space, "space is null");
        this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
        // INFO: a full disk is the recording stage's news; the catalogue only says how it copes
        this.released = new TransitionLog(log, Level.INFO, TransitionLog.SUMMARY_PERIOD, nanoTime);
    }

    /** Whether the reserve is on disk. */
    synchronized boolean present() {
        try {
            return Files.size(file) == bytes;
        } catch (IOException e) {
            return false;
        }
    }

    /** Deletes the reserve; returns true when there was one to free. */
    synchronized boolean release() {
        try {
            if (!Files.deleteIfExists(file)) {
                return false;
            }
        } catch (IOException e) {
            log.debug("{} - cannot delete the reserve: {}", file, e.toString());
            return false;
        }
        releasedAtNanos = nanoTime.getAsLong();
        everReleased = true;
        released.failed("{} - the catalogue needed space the disk no longer has: released its reserve of {} KiB, so"
                + " that uploads and deletions can still be recorded; it is written again when there is room", file,
                bytes / 1024);
        return true;
    }

    /**
     * Writes the reserve when it is missing, there is room for it three times over and it was not
     * released in the last minute. Returns whether it is present afterwards.
     */
    synchronized boolean ensure() {
        if (present()) {
            return true;
        }
        if (everReleased && nanoTime.getAsLong() - releasedAtNanos < MIN_RELEASED.toNanos()) {
            return false;
        }
        long free;
        try {
            free = space.usableBytes(file.getParent());
        } catch (IOException e) {
            return false;
        }
        if (free < 3 * bytes) {
            return false;
        }
        try {
            write();
        } catch (IOException e) {
            log.debug("{} - cannot write the reserve: {}", file, e.toString());
            return false;
        }
        released.recovered("{} - there is room again: the catalogue's reserve of {} KiB is back", file, bytes / 1024);
        return true;
    }

    private void write() throws IOException {
        Path temp = file.resolveSibling(FILE_NAME + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                Random random = new Random(bytes);
                byte[] block = new byte[64 * 1024];
                for (long left = bytes; left > 0; left -= block.length) {
                    random.nextBytes(block);
                    ByteBuffer buffer = ByteBuffer.wrap(block, 0, (int) Math.min(block.length, left));
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                }
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
