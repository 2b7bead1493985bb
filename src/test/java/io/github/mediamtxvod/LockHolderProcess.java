package io.github.mediamtxvod;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link InstanceLockTest}: takes the lock of the RECORDINGS_DIR given as
 * argument, prints {@code locked}, and holds it until its standard input ends or it is killed.
 */
final class LockHolderProcess {
    private LockHolderProcess() {}

    public static void main(String[] args) throws IOException {
        InstanceLock lock = InstanceLock.acquire(Path.of(args[0]));
        try {
            System.out.println("locked");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the lock until the parent closes our input
            }
        } finally {
            lock.close();
        }
    }
}
