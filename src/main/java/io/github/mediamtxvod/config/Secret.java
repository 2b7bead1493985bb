package io.github.mediamtxvod.config;

import static java.util.Objects.requireNonNull;

/**
 * A configuration value that must never be printed: {@link #toString()} always answers {@code
 * [REDACTED]}, so a secret that slips into a log line or an error message stays hidden.
 */
public record Secret(String value) {
    public Secret {
        requireNonNull(value, "value is null");
    }

    @Override
    public String toString() {
        return "[REDACTED]";
    }
}
