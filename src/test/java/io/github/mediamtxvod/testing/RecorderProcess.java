package io.github.mediamtxvod.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * The recorder as users run it: {@code java -jar target/vod-recorder.jar} in its own process,
 * configured by environment variables only, its output captured in a log file under {@code
 * target/it-logs}. Lets a test send SIGTERM or SIGKILL and read the exit code.
 */
public final class RecorderProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final int httpPort;

    private RecorderProcess(Process process, Path log, int httpPort) {
        this.process = process;
        this.log = log;
        this.httpPort = httpPort;
    }

    /** The jar Maven built, passed by Failsafe as {@code vod.jar}. */
    public static Path jar() {
        String jar = System.getProperty("vod.jar", "target/vod-recorder.jar");
        return Path.of(jar).toAbsolutePath();
    }

    /** The java executable running the tests: JDK 21 or newer. */
    public static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /**
     * Starts the recorder with {@code env} on top of a clean environment (PATH and HOME only), in
     * {@code workDir}, with a free HTTP_PORT unless {@code env} names one. {@code args} are the
     * subcommand and its arguments (none = run).
     */
    public static RecorderProcess start(String name, Path workDir, Map<String, String> env, String... args)
            throws IOException {
        Path logDir = Path.of("target", "it-logs").toAbsolutePath();
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + "-" + System.nanoTime() + ".log");
        List<String> command = new ArrayList<>(List.of(java(), "-Xshare:auto", "-jar", jar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        String path = environment.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        String home = environment.getOrDefault("HOME", "/tmp");
        environment.clear();
        environment.put("PATH", path);
        environment.put("HOME", home);
        Map<String, String> merged = new HashMap<>(env);
        int port = merged.containsKey("HTTP_PORT") ? Integer.parseInt(merged.get("HTTP_PORT")) : freePort();
        merged.putIfAbsent("HTTP_PORT", Integer.toString(port));
        environment.putAll(merged);
        return new RecorderProcess(builder.start(), log, port);
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public int httpPort() {
        return httpPort;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the recorder printed so far. */
    public String output() {
        try {
            return Files.readString(log, UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    public Path logFile() {
        return log;
    }

    /** Waits until the output matches {@code regex} (found anywhere), failing after {@code timeout}. */
    public void awaitOutput(String regex, Duration timeout) {
        Pattern pattern = Pattern.compile(regex);
        Awaitility.await("recorder output matching " + regex + " (log " + log + ")")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> pattern.matcher(output()).find());
    }

    /**
     * Waits until the recording of {@code stream} stopped, however it ended: stopped by a poll or
     * a hook ({@code <stream> - recording stopped}), or ended by itself with MediaMTX confirming
     * that the stream is gone ({@code <stream> - the stream ended (...); recording stopped}), which
     * of the two comes first after a publisher stops being a race.
     */
    public void awaitRecordingStopped(String stream, Duration timeout) {
        awaitOutput(recordingStopped(stream).pattern(), timeout);
    }

    /** How many recordings of {@code stream} stopped so far, either way (see {@link #awaitRecordingStopped}). */
    public long recordingsStopped(String stream) {
        return recordingStopped(stream).matcher(output()).results().count();
    }

    private static Pattern recordingStopped(String stream) {
        return Pattern.compile(Pattern.quote(stream) + " - (the stream ended [^\\n]*; )?recording stopped");
    }

    /** Waits for the exit and returns its code, failing after {@code timeout}. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("recorder still running after " + timeout + "; log " + log);
        }
        return process.exitValue();
    }

    /** SIGTERM, as Docker and systemd stop a service. */
    public void terminate() {
        process.destroy();
    }

    /** SIGKILL: the recorder gets no chance to clean up. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
