package io.github.mediamtxvod;

import io.github.mediamtxvod.mediamtx.MediaMtxConfig;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.github.mediamtxvod.RecorderConfig.LoadedConfig;
import io.github.mediamtxvod.RecorderConfig;
import io.github.mediamtxvod.mediamtx.MediaMtxClient;
import io.github.mediamtxvod.mediamtx.MediaMtxException;
import io.github.mediamtxvod.mediamtx.MediaMtxPath;
import io.github.mediamtxvod.upload.S3Check;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code check}: validates the configuration (done by the time it runs), then reaches every
 * dependency once and prints a readable report. Exit code 0 when everything is fine, else 1.
 */
final class CheckCommand {
    private CheckCommand() {}

    /** One line of the report. */
    record Item(boolean ok, String what, String detail) {}

    static int run(LoadedConfig loaded, PrintStream out) {
        RecorderConfig config = loaded.config();
        List<Item> items = new ArrayList<>();
        items.add(new Item(true, "configuration", "valid" + (loaded.warnings().isEmpty()
                ? "" : " (" + loaded.warnings().size() + " warning(s) above)")));
        items.add(ffmpeg(config.recording().ffmpegPath()));
        items.add(recordingsDir(config.recording().recordingsDir()));
        items.add(mediaMtx(config.mediamtx()));
        items.addAll(s3(config));
        boolean ok = true;
        out.println("vod-recorder " + Main.version() + " check");
        for (Item item : items) {
            out.printf("  [%s] %-14s %s%n", item.ok() ? " OK " : "FAIL", item.what(), item.detail());
            ok &= item.ok();
        }
        out.println(ok ? "All checks passed." : "Some checks failed; see FAIL above.");
        return ok ? Main.OK : Main.FAILED;
    }

    /** Runs {@code ffmpeg -version}: the recorder cannot record without it. */
    static Item ffmpeg(String ffmpegPath) {
        try {
            Process process = new ProcessBuilder(ffmpegPath, "-hide_banner", "-version")
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), UTF_8);
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Item(false, "ffmpeg", "FFMPEG_PATH=" + ffmpegPath + " did not answer -version within 10 s");
            }
            if (process.exitValue() != 0) {
                return new Item(false, "ffmpeg", "FFMPEG_PATH=" + ffmpegPath + " -version exited with " + process.exitValue());
            }
            String first = output.lines().findFirst().orElse("").strip();
            return new Item(true, "ffmpeg", first);
        } catch (IOException e) {
            return new Item(false, "ffmpeg", "FFMPEG_PATH=" + ffmpegPath + " cannot be run (" + e.getMessage()
                    + "); install FFmpeg or set FFMPEG_PATH to its full path");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Item(false, "ffmpeg", "interrupted");
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
            return new Item(writable, "recordings", dir.toAbsolutePath() + state + ", " + free / (1024 * 1024) + " MB free");
        } catch (IOException e) {
            return new Item(false, "recordings", dir.toAbsolutePath() + ": " + e.getMessage());
        }
    }

    private static Item mediaMtx(MediaMtxConfig config) {
        try (MediaMtxClient client = new MediaMtxClient(config)) {
            List<MediaMtxPath> paths = client.listPaths();
            long live = paths.stream().filter(MediaMtxPath::live).count();
            long recorded = paths.stream().filter(path -> path.live() && config.accepts(path.name())).count();
            return new Item(true, "mediamtx", config.apiUrl() + " answers: " + paths.size() + " path(s), "
                    + live + " live, " + recorded + " to record");
        } catch (MediaMtxException e) {
            return new Item(false, "mediamtx", e.getMessage());
        }
    }

    /** The S3 part: one line per finding of {@link S3Check}. */
    private static List<Item> s3(RecorderConfig config) {
        S3Check.Report report = S3Check.check(config.s3(), config.recording().recordingsDir());
        List<Item> items = new ArrayList<>();
        for (String line : report.lines()) {
            items.add(new Item(!line.startsWith("FAIL"), "s3", line.replaceFirst("^(INFO|OK|FAIL)\\s+", "")));
        }
        return items;
    }
}
