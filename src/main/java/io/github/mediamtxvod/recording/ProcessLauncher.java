package io.github.mediamtxvod.recording;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts every FFmpeg process from one long-lived platform thread, paced by a {@link
 * StartPacer}.
 *
 * <p>Where util-linux's {@code setpriv} is available, each child is started through {@code
 * setpriv --pdeathsig KILL}: when the recorder dies, even by SIGKILL, the kernel kills its FFmpeg
 * children, so no orphan keeps writing into a session that the next start treats as finished.
 * The kernel ties that signal to the thread that started the child, which is why all starts
 * happen on one thread that lives as long as the recorder. Thread-safe.
 */
final class ProcessLauncher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProcessLauncher.class);
    private static final List<Path> SETPRIV = List.of(Path.of("/usr/bin/setpriv"), Path.of("/bin/setpriv"));

    private final StartPacer pacer;
    private final ExecutorService thread =
            Executors.newSingleThreadExecutor(Thread.ofPlatform().name("ffmpeg-launcher").daemon(true).factory());
    private final List<String> prefix;

    ProcessLauncher(StartPacer pacer) {
        this.pacer = pacer;
        this.prefix = deathSignalPrefix();
    }

    /**
     * Starts {@code command} in {@code workDir} once its start slot comes; blocks until started.
     * Its stdin and stdout are pipes, stderr goes into stdout: the caller must read stdout to the end.
     */
    Process start(List<String> command, Path workDir) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(prefix);
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full)
                .directory(workDir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                // one pipe for progress and log: one reading thread per FFmpeg, not two
                .redirectErrorStream(true);
        Future<Process> started = thread.submit(() -> {
            Duration wait = pacer.reserve();
            if (!wait.isZero()) {
                Thread.sleep(wait);
            }
            return builder.start();
        });
        try {
            return started.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("cannot start " + command.get(0), e.getCause());
        }
    }

    /** Whether children die with the recorder (setpriv found). */
    boolean childrenDieWithRecorder() {
        return !prefix.isEmpty();
    }

    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("ffmpeg-launcher did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<String> deathSignalPrefix() {
        for (Path candidate : SETPRIV) {
            if (Files.isExecutable(candidate)) {
                return List.of(candidate.toString(), "--pdeathsig", "KILL", "--");
            }
        }
        log.warn("setpriv (util-linux) not found: FFmpeg processes will outlive the recorder if it is killed");
        return List.of();
    }
}
