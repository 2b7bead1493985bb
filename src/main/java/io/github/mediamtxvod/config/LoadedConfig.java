package io.github.mediamtxvod.config;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The outcome of a successful {@link ConfigLoader#load()}: the valid configuration and the
 * warnings the caller should log once at start (unknown variables, skipped {@code .env} lines,
 * local-only mode). Immutable.
 */
public record LoadedConfig(RecorderConfig config, List<String> warnings) {
    public LoadedConfig {
        requireNonNull(config, "config is null");
        warnings = List.copyOf(requireNonNull(warnings, "warnings is null"));
    }

    /**
     * One {@code NAME=value} line per setting, sorted by name, to log the effective configuration:
     * secrets as {@code [REDACTED]}, S3_ACCESS_KEY_ID with all but its first 4 characters masked,
     * text in double quotes, unset values as {@code (unset)}.
     */
    public List<String> effectiveSettings() {
        return EffectiveSettings.lines(config);
    }
}
