package io.github.mediamtxvod.config;

import java.time.Duration;
import java.util.List;

/** The settings of {@link RecorderConfig.Upload}: the upload worker pool. */
public final class UploadSettings {
    static final String GROUP = "Uploads, local retention and disk space";

    public static final Setting<Integer> UPLOAD_WORKERS = Setting.of("UPLOAD_WORKERS", GROUP, "3",
            SettingType.count(1, 64), "Parallel uploads");
    public static final Setting<Duration> UPLOAD_DRAIN_TIMEOUT_SECONDS = Setting.of("UPLOAD_DRAIN_TIMEOUT_SECONDS",
            GROUP, "3", SettingType.seconds(0, 60), "On shutdown, how long uploads in flight may finish");

    public static final List<Setting<?>> SETTINGS = List.of(UPLOAD_WORKERS, UPLOAD_DRAIN_TIMEOUT_SECONDS);

    private UploadSettings() {}

    public static RecorderConfig.Upload from(BoundSettings settings) {
        return new RecorderConfig.Upload(settings.get(UPLOAD_WORKERS), settings.get(UPLOAD_DRAIN_TIMEOUT_SECONDS));
    }
}
