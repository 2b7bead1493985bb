package io.github.mediamtxvod.config;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.function.Function;

/**
 * One setting the recorder reads, declared once as a constant next to the settings of its group:
 * the environment variable's name, its group (a heading of the documentation), how its text
 * becomes a {@code T} and is shown again ({@link SettingType}), its default and a one-line
 * description. {@link ConfigLoader#bind} reads, parses and checks every setting of a list; the
 * README table and the effective configuration log are rendered from the same constants.
 * Immutable and thread-safe; equal only to itself.
 *
 * @param <T> the type of the value
 */
public final class Setting<T> {
    private static final String UNSET = "(unset)";

    private final String name;
    private final String group;
    private final String defaultText;
    private final String documentedDefault;
    private final Function<BoundSettings, T> derivedDefault;
    private final SettingType<T> type;
    private final String description;

    private Setting(String name, String group, String defaultText, String documentedDefault,
            Function<BoundSettings, T> derivedDefault, SettingType<T> type, String description) {
        this.name = requireNonNull(name, "name is null");
        this.group = requireNonNull(group, "group is null");
        this.defaultText = defaultText;
        this.documentedDefault = requireNonNull(documentedDefault, "documentedDefault is null");
        this.derivedDefault = derivedDefault;
        this.type = requireNonNull(type, "type is null");
        requireNonNull(description, "description is null");
        this.description = type.summary().isEmpty() ? description + "." : description + ". " + type.summary() + ".";
    }

    /**
     * A setting whose default is {@code defaultText}, parsed like a given value (so a default that
     * fails, such as an unwritable folder, is reported too), or that is unset when it is null.
     *
     * @param description what it does, without a final '.'; the type's range is appended
     */
    public static <T> Setting<T> of(
            String name, String group, String defaultText, SettingType<T> type, String description) {
        return new Setting<>(name, group, defaultText, defaultText == null ? UNSET : defaultText, null, type,
                description);
    }

    /**
     * A setting whose default follows from other settings, such as S3_FORCE_PATH_STYLE from
     * S3_ENDPOINT_URL; {@code derivedDefault} may read only settings bound before this one.
     *
     * @param documentedDefault the rule as documentation shows it
     */
    public static <T> Setting<T> derived(String name, String group, String documentedDefault,
            Function<BoundSettings, T> derivedDefault, SettingType<T> type, String description) {
        return new Setting<>(name, group, null, documentedDefault,
                requireNonNull(derivedDefault, "derivedDefault is null"), type, description);
    }

    public String name() {
        return name;
    }

    /** The heading this setting is documented under. */
    public String group() {
        return group;
    }

    public SettingType<T> type() {
        return type;
    }

    /** One line saying what the setting does and which values it takes, ending with '.'. */
    public String description() {
        return description;
    }

    /** The literal default, parsed when the setting is not given; empty when unset or derived. */
    public Optional<String> defaultText() {
        return Optional.ofNullable(defaultText);
    }

    /** The default as documentation shows it: the value, a rule, or {@code (unset)}. */
    public String documentedDefault() {
        return documentedDefault;
    }

    /** {@code " (the default is 60)"} for messages, or empty for a setting that is unset by default. */
    public String defaultNote() {
        return documentedDefault.equals(UNSET) ? "" : " (the default is " + documentedDefault + ")";
    }

    /** Whether the value is a secret, never shown anywhere. */
    public boolean secret() {
        return type.kind() == SettingType.Kind.SECRET;
    }

    /** The name of the variable holding a path to a file with the value: {@code NAME_FILE}. */
    public String fileVariable() {
        return name + "_FILE";
    }

    /** The given text as it may appear in messages: secrets masked, control characters escaped. */
    String display(String text) {
        return switch (type.kind()) {
            case SECRET -> DisplayText.REDACTED;
            case ACCESS_KEY -> SettingType.maskAccessKey(text);
            case PLAIN -> DisplayText.of(text);
        };
    }

    /** The value when the setting is not given: the literal default is parsed by the caller. */
    T derivedDefault(BoundSettings settings) {
        return derivedDefault == null ? null : derivedDefault.apply(settings);
    }

    @Override
    public String toString() {
        return name;
    }
}
