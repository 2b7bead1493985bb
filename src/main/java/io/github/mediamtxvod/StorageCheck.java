package io.github.mediamtxvod;

import io.github.mediamtxvod.config.RecorderConfig;
import io.github.mediamtxvod.upload.S3Check;
import java.util.ArrayList;
import java.util.List;

/** The S3 part of {@code check}: one report line per finding of {@link S3Check}. */
final class StorageCheck {
    private StorageCheck() {}

    static List<CheckCommand.Item> items(RecorderConfig config) {
        S3Check.Report report = S3Check.check(config);
        List<CheckCommand.Item> items = new ArrayList<>();
        for (String line : report.lines()) {
            boolean failed = line.startsWith("FAIL");
            String detail = line.replaceFirst("^(INFO|OK|FAIL)\\s+", "");
            items.add(new CheckCommand.Item(!failed, "s3", detail));
        }
        return items;
    }
}
