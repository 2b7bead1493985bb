package io.github.mediamtxvod.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects every error and warning found while loading the configuration, so that the user sees
 * all of them at once instead of fixing one per start. Not thread-safe: used by one load.
 */
final class ConfigProblems {
    private final List<String> errors = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    void error(String message) {
        errors.add(message);
    }

    void warning(String message) {
        warnings.add(message);
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    List<String> errors() {
        return List.copyOf(errors);
    }

    List<String> warnings() {
        return List.copyOf(warnings);
    }
}
