package io.github.mediamtxvod.config;

import io.github.mediamtxvod.recording.RecordingConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The value of every setting of a list: the value given, parsed, or else the default. {@link
 * ConfigLoader#bind} builds it and fails when any setting or {@link ConfigRule} has a problem, so
 * the group factories (such as {@link RecordingConfig#from}) only see valid values. While the
 * rules run, a setting given with an invalid or unreadable value has the value null. Immutable
 * once bound; thread-safe.
 */
public final class BoundSettings {
    private final List<Setting<?>> settings;
    private final RawSettings raw;
    private final Map<Setting<?>, Object> values;
    private final List<String> warnings;

    private BoundSettings(
            List<Setting<?>> settings, RawSettings raw, Map<Setting<?>, Object> values, List<String> warnings) {
        this.settings = settings;
        this.raw = raw;
        this.values = values;
        this.warnings = warnings;
    }

    /** Parses each setting in order; each invalid value is reported to {@code problems}. */
    static BoundSettings bind(
            List<Setting<?>> settings, RawSettings raw, Path workingDirectory, ConfigProblems problems) {
        Set<String> names = new HashSet<>();
        settings.forEach(setting -> {
            if (!names.add(setting.name())) {
                throw new IllegalArgumentException(setting.name() + " is in the list of settings twice");
            }
        });
        // filled in order, so that a derived default can read the settings before it
        Map<Setting<?>, Object> values = new HashMap<>();
        BoundSettings bound = new BoundSettings(List.copyOf(settings), raw, values, List.of());
        for (Setting<?> setting : settings) {
            values.put(setting, bound.parse(setting, workingDirectory, problems));
        }
        return bound;
    }

    /** The same values with the warnings found while loading them. */
    BoundSettings withWarnings(List<String> found) {
        return new BoundSettings(settings, raw, values, List.copyOf(found));
    }

    private <T> T parse(Setting<T> setting, Path workingDirectory, ConfigProblems problems) {
        RawValue given = raw.value(setting);
        if (given == null && raw.isGiven(setting)) {
            return null; // given, but its file could not be read: already reported
        }
        String text = given != null ? given.text() : setting.defaultText().orElse(null);
        if (text == null) {
            return setting.derivedDefault(this);
        }
        try {
            String trimmed = setting.type().kind() == SettingType.Kind.SECRET ? text : text.strip();
            return setting.type().parser().parse(trimmed, setting, workingDirectory);
        } catch (InvalidValueException e) {
            String subject = given != null
                    ? given.describe(setting)
                    : setting.name() + "=" + setting.display(text) + " (the default)";
            problems.error(subject + " " + e.getMessage());
            return null;
        }
    }

    /**
     * The value of {@code setting}; null when it is unset without a default (or, while rules run,
     * invalid).
     *
     * @throws IllegalArgumentException when {@code setting} is not among the bound settings
     */
    @SuppressWarnings("unchecked") // each value was made by its own setting's parser
    public <T> T get(Setting<T> setting) {
        if (!values.containsKey(setting)) {
            throw new IllegalArgumentException(setting.name() + " is not among the bound settings");
        }
        return (T) values.get(setting);
    }

    /** Whether the setting was given in any form, even one that could not be read. */
    public boolean isGiven(Setting<?> setting) {
        return raw.isGiven(setting);
    }

    /**
     * The setting as messages name it: {@code NAME=value (from source)} when given, {@code
     * NAME=default (the default)} when not, and the bare name when given but unreadable.
     */
    public String subject(Setting<?> setting) {
        RawValue value = raw.value(setting);
        if (value != null) {
            return value.describe(setting);
        }
        return raw.isGiven(setting)
                ? setting.name()
                : setting.name() + "=" + setting.documentedDefault() + " (the default)";
    }

    /** What the caller should log once at start: unknown variables, skipped {@code .env} lines, rules. */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * One {@code NAME=value} line per setting, sorted by name, for the log at start: each value as
     * its type renders it (secrets masked, text in double quotes), unset values as {@code (unset)}.
     */
    public List<String> effectiveSettings() {
        List<String> lines = new ArrayList<>();
        for (Setting<?> setting : settings) {
            lines.add(setting.name() + "=" + rendered(setting));
        }
        lines.sort(null);
        return List.copyOf(lines);
    }

    private <T> String rendered(Setting<T> setting) {
        T value = get(setting);
        return value == null ? "(unset)" : setting.type().renderer().apply(value);
    }
}
