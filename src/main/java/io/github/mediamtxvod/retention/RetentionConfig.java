package io.github.mediamtxvod.retention;

import io.github.mediamtxvod.config.BoundSettings;
import io.github.mediamtxvod.config.Setting;
import io.github.mediamtxvod.config.SettingType;
import java.util.List;

/**
 * How long uploaded local files are kept and how much space RECORDINGS_DIR keeps free, with the
 * settings they are read from. Immutable.
 */
public record RetentionConfig(int localRetentionDays, long minFreeDiskBytes) {
    static final String GROUP = "Uploads, local retention and disk space";

    public static final Setting<Integer> LOCAL_RETENTION_DAYS = Setting.of("LOCAL_RETENTION_DAYS", GROUP, "7",
            SettingType.days(0, 36500),
            "Uploaded local files older than this are deleted; 0 = right after the confirmed upload");
    public static final Setting<Long> MIN_FREE_DISK_MB = Setting.of("MIN_FREE_DISK_MB", GROUP, "1024",
            SettingType.megabytes(0, SettingType.NO_MAX), "Free space to keep on the disk of RECORDINGS_DIR");

    public static final List<Setting<?>> SETTINGS = List.of(LOCAL_RETENTION_DAYS, MIN_FREE_DISK_MB);

    public static RetentionConfig from(BoundSettings settings) {
        return new RetentionConfig(settings.get(LOCAL_RETENTION_DAYS), settings.get(MIN_FREE_DISK_MB));
    }
}
