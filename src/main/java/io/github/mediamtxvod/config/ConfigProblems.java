package io.github.mediamtxvod.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects every error and warning found while loading the configuration, so that the user sees
 * all of them at once instead of fixing one per start. Not thread-safe: used by one load.
 */
public final class ConfigProblems {
    private final List<String> errors = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    ConfigProblems() {}

    /** A problem that makes the configuration invalid; it names the setting, the value and the fix. */
    public void error(String message) {
        errors.add(message);
    }

    /** Something the user should know that does not stop the start. */
    public void warning(String message) {
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
