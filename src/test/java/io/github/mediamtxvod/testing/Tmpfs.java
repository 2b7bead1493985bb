package io.github.mediamtxvod.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A small tmpfs mounted on a folder, for tests of a full disk with the real file system: SQLite
 * and FFmpeg get ENOSPC exactly as on a full volume. Mounting needs root (as in CI); elsewhere the
 * test is skipped with a message saying so. {@link #close()} unmounts.
 */
public final class Tmpfs implements AutoCloseable {
    private final Path mountPoint;

    private Tmpfs(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** Mounts a tmpfs of {@code bytes} on {@code mountPoint} (created if missing), or skips the test. */
    public static Tmpfs mount(Path mountPoint, long bytes) throws IOException, InterruptedException {
        Files.createDirectories(mountPoint);
        String problem = run(List.of("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", mountPoint.toString()));
        Assumptions.assumeTrue(problem == null, () -> "skipped: this test needs a small tmpfs for a real full disk,"
                + " and mounting one needs root (as in CI): " + problem);
        return new Tmpfs(mountPoint);
    }

    public Path path() {
        return mountPoint;
    }

    /** Free bytes on the tmpfs. */
    public long freeBytes() throws IOException {
        return Files.getFileStore(mountPoint).getUsableSpace();
    }

    /** Writes a file of zeros until the tmpfs is full; returns it (delete it to free the space). */
    public Path fill(String name) throws IOException {
        Path filler = mountPoint.resolve(name);
        byte[] block = new byte[16 * 1024];
        try (var out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            // ENOSPC: the disk is full now
        }
        return filler;
    }

    @Override
    public void close() throws IOException {
        // lazy: a file still open somewhere must not keep the mount (and the test's temp folder) alive
        String problem;
        try {
            problem = run(List.of("umount", "-l", mountPoint.toString()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "interrupted";
        }
        if (problem != null) {
            throw new IOException("cannot unmount " + mountPoint + ": " + problem);
        }
    }

    /** Runs a command; null when it succeeded, else what went wrong. */
    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return String.join(" ", command) + " did not finish";
        }
        return process.exitValue() == 0 ? null : String.join(" ", command) + " failed: " + output;
    }
}
