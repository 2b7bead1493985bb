package io.github.mediamtxvod;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.github.mediamtxvod.RecorderConfig.LoadedConfig;
import io.github.mediamtxvod.mediamtx.HostLookup;
import io.github.mediamtxvod.mediamtx.MediaMtxClient;
import io.github.mediamtxvod.mediamtx.MediaMtxConfig;
import io.github.mediamtxvod.mediamtx.MediaMtxException;
import io.github.mediamtxvod.mediamtx.MediaMtxPath;
import io.github.mediamtxvod.mediamtx.RtspCheck;
import io.github.mediamtxvod.runtime.Durations;
import io.github.mediamtxvod.upload.S3Check;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code check}: validates the configuration (done by the time it runs), then reaches every
 * dependency once, all at the same time, and prints a readable report: the configuration and each
 * of its warnings, FFmpeg, RECORDINGS_DIR, MediaMTX's API, MediaMTX's RTSP server (a DESCRIBE of a
 * live path, the way FFmpeg will read it), S3. Every step is bounded (a host name DNS cannot
 * resolve fails within {@link #DNS_TIMEOUT}). Exit code 0 when nothing failed, else 1.
 */
final class CheckCommand {
    static final Duration DNS_TIMEOUT = HostLookup.PATIENCE;
    static final Duration RTSP_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration FFMPEG_TIMEOUT = Duration.ofSeconds(10);

    private CheckCommand() {}

    /** How a line of the report came out. */
    enum Status {
        OK(" OK "),
        FAIL("FAIL"),
        WARN("WARN"),
        INFO("INFO");

        private final String label;

        Status(String label) {
            this.label = label;
        }
    }

    /** One line of the report. */
    record Item(Status status, String what, String detail) {
        static Item of(boolean ok, String what, String detail) {
            return new Item(ok ? Status.OK : Status.FAIL, what, detail);
        }
    }

    static int run(LoadedConfig loaded, PrintStream out) {
        RecorderConfig config = loaded.config();
        List<Item> items = new ArrayList<>();
        int warnings = loaded.warnings().size();
        items.add(new Item(Status.OK, "configuration", warnings == 0
                ? "valid"
                : "valid, with " + warnings + (warnings == 1 ? " warning" : " warnings") + " below"));
        loaded.warnings().forEach(warning -> items.add(new Item(Status.WARN, "configuration", warning)));
        try (ExecutorService checks = Executors.newThreadPerTaskExecutor(
                Thread.ofPlatform().name("check-", 0).daemon(true).factory())) {
            Future<List<Item>> ffmpeg = checks.submit(() -> List.of(ffmpeg(config.recording().ffmpegPath())));
            Future<List<Item>> recordings = checks.submit(() -> List.of(recordingsDir(config.recording().recordingsDir())));
            Future<List<Item>> mediamtx = checks.submit(() -> mediaMtx(config.mediamtx()));
            Future<List<Item>> s3 = checks.submit(() -> s3(config));
            for (Future<List<Item>> part : List.of(ffmpeg, recordings, mediamtx, s3)) {
                items.addAll(outcome(part));
            }
        }
        boolean ok = items.stream().noneMatch(item -> item.status() == Status.FAIL);
        out.println("vod-recorder " + Main.version() + " check");
        for (Item item : items) {
            out.printf("  [%s] %-14s %s%n", item.status().label, item.what(), item.detail());
        }
        out.println(ok ? "All checks passed." : "Some checks failed; see FAIL above.");
        return ok ? Main.OK : Main.FAILED;
    }

    private static List<Item> outcome(Future<List<Item>> part) {
        try {
            return part.get();
        } catch (ExecutionException e) {
            return List.of(new Item(Status.FAIL, "check", "the check itself failed: " + e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of(new Item(Status.FAIL, "check", "interrupted"));
        }
    }

    /** Runs {@code ffmpeg -version}: the recorder cannot record without it. */
    static Item ffmpeg(String ffmpegPath) {
        try {
            Process process = new ProcessBuilder(ffmpegPath, "-hide_banner", "-version")
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), UTF_8);
            if (!process.waitFor(FFMPEG_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return Item.of(false, "ffmpeg", "FFMPEG_PATH=" + ffmpegPath + " did not answer -version within "
                        + Durations.describe(FFMPEG_TIMEOUT));
            }
            if (process.exitValue() != 0) {
                return Item.of(false, "ffmpeg", "FFMPEG_PATH=" + ffmpegPath + " -version exited with " + process.exitValue());
            }
            return Item.of(true, "ffmpeg", output.lines().findFirst().orElse("").strip());
        } catch (IOException e) {
            return Item.of(false, "ffmpeg", "FFMPEG_PATH=" + ffmpegPath + " cannot be run (" + e.getMessage()
                    + "); install FFmpeg or set FFMPEG_PATH to its full path");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Item.of(false, "ffmpeg", "interrupted");
        }
    }

    private static Item recordingsDir(Path dir) {
        Path existing = dir.toAbsolutePath();
        while (existing.getParent() != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        try {
            long free = Files.getFileStore(existing).getUsableSpace();
            boolean writable = Files.isWritable(existing);
            String state = existing.equals(dir.toAbsolutePath())
                    ? (writable ? " is writable" : " is NOT writable")
                    : (writable ? " will be created at start" : " cannot be created: " + existing + " is NOT writable");
            return Item.of(writable, "recordings", dir.toAbsolutePath() + state + ", " + free / (1024 * 1024) + " MB free");
        } catch (IOException e) {
            return Item.of(false, "recordings", dir.toAbsolutePath() + ": " + e.getMessage());
        }
    }

    /** The API (which paths are live), then the RTSP server with one of them. */
    private static List<Item> mediaMtx(MediaMtxConfig config) {
        List<Item> items = new ArrayList<>();
        List<MediaMtxPath> paths = null;
        Optional<String> unresolved = unresolvedHost(config.apiUrl(), "MEDIAMTX_API_URL");
        if (unresolved.isPresent()) {
            items.add(Item.of(false, "mediamtx", unresolved.get()));
        } else {
            try (MediaMtxClient client = new MediaMtxClient(config)) {
                paths = client.listPaths();
                long live = paths.stream().filter(MediaMtxPath::live).count();
                long recorded = paths.stream().filter(path -> path.live() && config.accepts(path.name())).count();
                items.add(Item.of(true, "mediamtx", config.apiUrl() + " answers: " + paths.size() + " path(s), "
                        + live + " live, " + recorded + " to record"));
            } catch (MediaMtxException e) {
                items.add(Item.of(false, "mediamtx", e.getMessage()));
            }
        }
        items.add(rtsp(config, paths));
        return items;
    }

    private static Item rtsp(MediaMtxConfig config, List<MediaMtxPath> paths) {
        Optional<MediaMtxPath> live = paths == null ? Optional.empty() : paths.stream()
                .filter(path -> path.live() && config.accepts(path.name())).findFirst()
                .or(() -> paths.stream().filter(MediaMtxPath::live).findFirst());
        if (live.isPresent()) {
            RtspCheck.Result described = RtspCheck.describe(config.rtspUrl(), live.get().name(), RTSP_TIMEOUT);
            return Item.of(described.ok(), "rtsp", "MEDIAMTX_RTSP_URL: " + described.detail());
        }
        RtspCheck.Result connected = RtspCheck.connect(config.rtspUrl(), RTSP_TIMEOUT);
        String why = paths == null ? "the API cannot say which path is live" : "no path is live";
        return Item.of(connected.ok(), "rtsp", "MEDIAMTX_RTSP_URL (" + why + ", so TCP connect only): "
                + connected.detail());
    }

    /** Whether DNS knows the host of {@code url}, asked with a deadline; a message when it does not. */
    private static Optional<String> unresolvedHost(URI url, String setting) {
        String host = url.getHost() != null ? url.getHost() : url.getRawAuthority().replaceFirst(".*@", "").replaceFirst(":\\d+$", "");
        String hint = MediaMtxConfig.MEDIAMTX_API_URL.defaultText().filter(url.toString()::equals).isPresent()
                ? "; the default " + setting + " names the MediaMTX service of the Docker Compose stack: outside it,"
                        + " set " + setting + " to MediaMTX's API address, e.g. http://127.0.0.1:9997"
                : "; check " + setting;
        try {
            HostLookup.resolve(host, DNS_TIMEOUT);
            return Optional.empty();
        } catch (UnknownHostException e) {
            return Optional.of(setting + "=" + url + ": unknown host '" + host + "' (DNS has no such name)" + hint);
        } catch (TimeoutException e) {
            return Optional.of(setting + "=" + url + ": DNS did not resolve '" + host + "' within "
                    + Durations.describe(DNS_TIMEOUT) + hint);
        }
    }

    /** The S3 part: one line per finding of {@link S3Check}. */
    private static List<Item> s3(RecorderConfig config) {
        S3Check.Report report = S3Check.check(config.s3(), config.recording().recordingsDir());
        List<Item> items = new ArrayList<>();
        for (String line : report.lines()) {
            Status status = line.startsWith("FAIL") ? Status.FAIL : line.startsWith("INFO") ? Status.INFO : Status.OK;
            items.add(new Item(status, "s3", line.replaceFirst("^(INFO|OK|FAIL)\\s+", "")));
        }
        return items;
    }
}
