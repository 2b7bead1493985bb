package io.github.mediamtxvod.web;

import io.github.mediamtxvod.config.OutputFormat;
import io.github.mediamtxvod.config.RecorderConfig;
import io.github.mediamtxvod.config.Secret;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/** Valid configurations for web tests: defaults everywhere, port 0, the given web settings. */
final class TestConfigs {
    private TestConfigs() {}

    static RecorderConfig.Web open() {
        return new RecorderConfig.Web(0, null, null, false, null);
    }

    static RecorderConfig.Web basic(String user, String password, boolean protectProbes, String hookToken) {
        return new RecorderConfig.Web(
                0, user, new Secret(password), protectProbes, hookToken == null ? null : new Secret(hookToken));
    }

    static RecorderConfig.Web hookToken(String token) {
        return new RecorderConfig.Web(0, null, null, false, new Secret(token));
    }

    static RecorderConfig config(Path recordingsDir, RecorderConfig.Web web) {
        return new RecorderConfig(
                new RecorderConfig.MediaMtx(
                        URI.create("http://127.0.0.1:9997"), URI.create("rtsp://127.0.0.1:8554"), null, null,
                        Duration.ofSeconds(10), Duration.ofSeconds(10), null, null),
                new RecorderConfig.Recording(
                        recordingsDir, "ffmpeg", 10, Duration.ofSeconds(60), OutputFormat.MP4,
                        Duration.ofSeconds(20), Duration.ofSeconds(5), Duration.ofSeconds(30)),
                new RecorderConfig.S3(
                        false, null, null, null, "vod", "us-east-1", false, "STANDARD", "", true, 16L << 20, 8L << 20),
                new RecorderConfig.Upload(3, Duration.ofSeconds(3)),
                new RecorderConfig.Retention(7, 1L << 30),
                web,
                "INFO");
    }
}
