package io.github.mediamtxvod.config;

import static java.util.Objects.requireNonNull;

/**
 * A value as the user gave it, before parsing, with where it came from.
 *
 * @param text the value; never blank
 * @param source empty for the process environment, else where the value came from, such as
 *     {@code .env line 4} or {@code WEB_PASSWORD_FILE}
 */
record RawValue(String text, String source) {
    RawValue {
        requireNonNull(text, "text is null");
        requireNonNull(source, "source is null");
    }

    static RawValue fromEnvironment(String text) {
        return new RawValue(text, "");
    }

    static RawValue fromDotEnv(String text, int line) {
        return new RawValue(text, ".env line " + line);
    }

    /** The value read from the file that {@code path}, the value of {@code fileVariable}, names. */
    static RawValue fromFile(String text, String fileVariable, RawValue path) {
        return new RawValue(text, path.source().isEmpty() ? fileVariable : fileVariable + ", " + path.source());
    }

    /** {@code NAME=value (from source)} with the value shown as the setting allows. */
    String describe(Setting<?> setting) {
        return setting.name() + "=" + setting.display(text) + origin();
    }

    /** {@code NAME=value (from source)} for a variable that holds no secret, such as a file path. */
    String describePlain(String name) {
        return name + "=" + DisplayText.of(text) + origin();
    }

    /** {@code " (from .env line 4)"}, or empty for the process environment. */
    String origin() {
        return source.isEmpty() ? "" : " (from " + source + ")";
    }
}
