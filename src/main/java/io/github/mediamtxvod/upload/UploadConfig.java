package io.github.mediamtxvod.upload;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.config.BoundSettings;
import io.github.mediamtxvod.config.Setting;
import io.github.mediamtxvod.config.SettingType;
import java.time.Duration;
import java.util.List;

/** The upload worker pool, with the settings it is read from. Immutable. */
public record UploadConfig(int workers, Duration drainTimeout) {
    static final String GROUP = "Uploads, local retention and disk space";

    public static final Setting<Integer> UPLOAD_WORKERS = Setting.of("UPLOAD_WORKERS", GROUP, "3",
            SettingType.count(1, 64), "Parallel uploads");
    public static final Setting<Duration> UPLOAD_DRAIN_TIMEOUT_SECONDS = Setting.of("UPLOAD_DRAIN_TIMEOUT_SECONDS",
            GROUP, "3", SettingType.seconds(0, 60), "On shutdown, how long uploads in flight may finish");

    public static final List<Setting<?>> SETTINGS = List.of(UPLOAD_WORKERS, UPLOAD_DRAIN_TIMEOUT_SECONDS);

    public UploadConfig {
        requireNonNull(drainTimeout, "drainTimeout is null");
    }

    public static UploadConfig from(BoundSettings settings) {
        return new UploadConfig(settings.get(UPLOAD_WORKERS), settings.get(UPLOAD_DRAIN_TIMEOUT_SECONDS));
    }
}
