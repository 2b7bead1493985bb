package io.github.mediamtxvod.config;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The outcome of a successful {@link ConfigLoader#load()}. Immutable.
 *
 * @param config the valid configuration
 * @param warnings what the caller should log once at start (unknown variables, skipped {@code
 *     .env} lines, local-only mode)
 * @param effectiveSettings one {@code NAME=value} line per setting, sorted by name, to log the
 *     effective configuration: secrets as {@code [REDACTED]}, S3_ACCESS_KEY_ID with all but its
 *     first 4 characters masked, text in double quotes, unset values as {@code (unset)}
 */
public record LoadedConfig(RecorderConfig config, List<String> warnings, List<String> effectiveSettings) {
    public LoadedConfig {
        requireNonNull(config, "config is null");
        warnings = List.copyOf(requireNonNull(warnings, "warnings is null"));
        effectiveSettings = List.copyOf(requireNonNull(effectiveSettings, "effectiveSettings is null"));
    }
}
