package io.github.mediamtxvod.config;

import java.util.List;

/** The settings of {@link RecorderConfig.Retention}: local retention and the free-space guard. */
public final class RetentionSettings {
    public static final Setting<Integer> LOCAL_RETENTION_DAYS = Setting.of("LOCAL_RETENTION_DAYS",
            UploadSettings.GROUP, "7", SettingType.days(0, 36500),
            "Uploaded local files older than this are deleted; 0 = right after the confirmed upload");
    public static final Setting<Long> MIN_FREE_DISK_MB = Setting.of("MIN_FREE_DISK_MB", UploadSettings.GROUP, "1024",
            SettingType.megabytes(0, SettingType.NO_MAX), "Free space to keep on the disk of RECORDINGS_DIR");

    public static final List<Setting<?>> SETTINGS = List.of(LOCAL_RETENTION_DAYS, MIN_FREE_DISK_MB);

    private RetentionSettings() {}

    public static RecorderConfig.Retention from(BoundSettings settings) {
        return new RecorderConfig.Retention(settings.get(LOCAL_RETENTION_DAYS), settings.get(MIN_FREE_DISK_MB));
    }
}
