package io.github.mediamtxvod;

import io.github.mediamtxvod.config.RecorderConfig;
import java.util.List;

/** The S3 part of {@code check}. */
final class StorageCheck {
    private StorageCheck() {}

    static List<CheckCommand.Item> items(RecorderConfig config) {
        if (!config.s3().enabled()) {
            return List.of(new CheckCommand.Item(true, "s3", "not configured: local-only mode, uploads are off"));
        }
        return List.of(new CheckCommand.Item(true, "s3", "configured for bucket " + config.s3().bucket()));
    }
}
