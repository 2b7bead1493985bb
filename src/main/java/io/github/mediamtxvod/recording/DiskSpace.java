package io.github.mediamtxvod.recording;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Answers how many bytes can still be written below a folder. Injected so that tests can
 * simulate a full disk; production uses {@link #fileStore()}. Implementations must be
 * thread-safe.
 */
@FunctionalInterface
public interface DiskSpace {

    /** Usable bytes on the file system holding {@code dir}. */
    long usableBytes(Path dir) throws IOException;

    /** The real file system: {@link java.nio.file.FileStore#getUsableSpace()}. */
    static DiskSpace fileStore() {
        return dir -> Files.getFileStore(dir).getUsableSpace();
    }
}
