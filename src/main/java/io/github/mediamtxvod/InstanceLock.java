package io.github.mediamtxvod;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One recorder per RECORDINGS_DIR: an exclusive OS file lock on {@code
 * RECORDINGS_DIR/.vod-recorder/recorder.lock}, which holds the owner's PID. The kernel releases
 * it when the process ends, however it ends, so a SIGKILLed recorder never blocks the next one.
 * Taken before anything else runs; a second recorder gets {@link HeldElsewhere} and leaves, and
 * the first never notices. The clean and verify commands do not take it: they work through the
 * catalogue's own locking beside a running recorder.
 *
 * <p>Nothing else in this process may open the lock file: on Linux, closing any channel of a file
 * drops the process's locks on it. Held until {@link #close()} or the end of the process.
 */
final class InstanceLock implements AutoCloseable {
    static final String FILE_NAME = "recorder.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private InstanceLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock file of a RECORDINGS_DIR. */
    static Path file(Path recordingsDir) {
        return recordingsDir.resolve(".vod-recorder").resolve(FILE_NAME);
    }

    /**
     * Takes the lock of {@code recordingsDir} (creating the folder and the file as needed) and
     * writes this process's PID into it.
     *
     * @throws HeldElsewhere when another process holds it
     * @throws IOException when the file cannot be created or locked at all
     */
    static InstanceLock acquire(Path recordingsDir) throws IOException {
        Path file = file(recordingsDir);
        Files.createDirectories(file.getParent());
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new HeldElsewhere(recordingsDir, file, holder(channel));
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(US_ASCII)), 0);
            channel.force(true);
            return new InstanceLock(channel, lock);
        } catch (IOException | RuntimeException e) {
            try {
                channel.close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** The PID written by the holder, or a note when it wrote none (yet). */
    private static String holder(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(32);
        channel.read(buffer, 0);
        String text = new String(buffer.array(), 0, buffer.position(), US_ASCII).strip();
        return text.matches("\\d{1,10}") ? text : "unknown (it has not written it yet)";
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }

    /** Another process holds the lock; the message names RECORDINGS_DIR, the lock file and its PID. */
    static final class HeldElsewhere extends IOException {
        private static final long serialVersionUID = 1L;
        private final String pid;

        HeldElsewhere(Path recordingsDir, Path file, String pid) {
            super("RECORDINGS_DIR=" + recordingsDir + " is in use by another recorder (PID " + pid + ", lock "
                    + file + "); two recorders on one folder would upload and delete each other's files. Stop the"
                    + " other one first, or give this one its own RECORDINGS_DIR");
            this.pid = pid;
        }

        String pid() {
            return pid;
        }
    }
}
