package io.github.mediamtxvod.config;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The settings as given, merged from their sources, before parsing.
 *
 * @param values the value of each setting that was given and could be read
 * @param given every setting given in any form, even when its value could not be read (a
 *     {@code _FILE} that fails, or both forms at once)
 * @param otherVariables every other variable of the environment and {@code .env}, by name
 */
record RawSettings(
        Map<Setting<?>, RawValue> values, Set<Setting<?>> given, SortedMap<String, RawValue> otherVariables) {
    RawSettings {
        values = Map.copyOf(requireNonNull(values, "values is null"));
        given = Set.copyOf(requireNonNull(given, "given is null"));
        otherVariables = Collections.unmodifiableSortedMap(
                new TreeMap<>(requireNonNull(otherVariables, "otherVariables is null")));
    }

    /** The value given for {@code setting}, or null. */
    RawValue value(Setting<?> setting) {
        return values.get(setting);
    }

    boolean isGiven(Setting<?> setting) {
        return given.contains(setting);
    }
}
