package io.github.mediamtxvod.config;

import java.math.BigInteger;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Typed values of the settings: the given value parsed, or the default. A value that breaks its
 * rule is reported to {@link ConfigProblems} with the setting, the value, the rule and the fix;
 * the default is returned in its place so that loading goes on and finds every other problem.
 * Not thread-safe: used by one load.
 */
final class SettingValues {
    private static final Pattern WHOLE_NUMBER = Pattern.compile("[+-]?[0-9]+");
    private static final Set<String> TRUE = Set.of("true", "yes", "1");
    private static final Set<String> FALSE = Set.of("false", "no", "0");
    private static final Set<String> LOG_LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

    private final RawSettings raw;
    private final ConfigProblems problems;
    private final Set<Setting> invalid = EnumSet.noneOf(Setting.class);

    SettingValues(RawSettings raw, ConfigProblems problems) {
        this.raw = raw;
        this.problems = problems;
    }

    RawSettings raw() {
        return raw;
    }

    /** Whether the setting was given and broke its own rule (cross-field rules then skip it). */
    boolean isInvalid(Setting setting) {
        return invalid.contains(setting);
    }

    /** Reports that the given value of {@code setting} breaks a rule: {@code NAME=value <what>}. */
    void reject(Setting setting, String what) {
        invalid.add(setting);
        problems.error(raw.value(setting).describe(setting) + " " + what);
    }

    void error(String message) {
        problems.error(message);
    }

    void warning(String message) {
        problems.warning(message);
    }

    /** A whole number within the setting's range. */
    long wholeNumber(Setting setting) {
        Setting.WholeNumberRule rule = setting.wholeNumberRule();
        long fallback = Long.parseLong(setting.defaultValue().orElseThrow());
        RawValue value = raw.value(setting);
        if (value == null) {
            return fallback;
        }
        String text = value.text().strip();
        String fix = "; set it to a whole number " + rule.allowed() + defaultNote(setting);
        if (!WHOLE_NUMBER.matcher(text).matches()) {
            reject(setting, "is not " + rule.noun() + fix);
            return fallback;
        }
        BigInteger number = new BigInteger(text);
        if (number.compareTo(BigInteger.valueOf(rule.min())) < 0) {
            reject(setting, "is below the minimum of " + rule.min() + fix);
            return fallback;
        }
        if (number.compareTo(BigInteger.valueOf(rule.max())) > 0) {
            reject(setting, (rule.max() == Setting.WholeNumberRule.NO_MAX
                    ? "is too large"
                    : "is above the maximum of " + rule.max()) + fix);
            return fallback;
        }
        return number.longValueExact();
    }

    int wholeNumberInt(Setting setting) {
        return Math.toIntExact(wholeNumber(setting));
    }

    Duration seconds(Setting setting) {
        return Duration.ofSeconds(wholeNumber(setting));
    }

    /** A size in MB as bytes; the range of MB settings keeps this from overflowing. */
    long megabytesAsBytes(Setting setting) {
        return wholeNumber(setting) * 1024 * 1024;
    }

    /** true/false, yes/no or 1/0 in any case; empty when neither given nor defaulted. */
    Optional<Boolean> bool(Setting setting) {
        RawValue value = raw.value(setting);
        String text = value == null ? setting.defaultValue().orElse(null) : value.text().strip();
        if (text == null) {
            return Optional.empty();
        }
        String lower = text.toLowerCase(Locale.ROOT);
        if (TRUE.contains(lower)) {
            return Optional.of(true);
        }
        if (FALSE.contains(lower)) {
            return Optional.of(false);
        }
        reject(setting, "is not true or false; set it to true or false, yes or no, 1 or 0"
                + defaultNote(setting));
        return Optional.empty();
    }

    /** A boolean setting that has a default: the value given, else (also when invalid) the default. */
    boolean flag(Setting setting) {
        return bool(setting).orElseGet(() -> !FALSE.contains(setting.defaultValue().orElseThrow()));
    }

    /** {@code NAME=value (from source)} when given, else {@code NAME=default (the default)}. */
    String subject(Setting setting) {
        RawValue value = raw.value(setting);
        return value != null
                ? value.describe(setting)
                : setting.name() + "=" + setting.documentedDefault() + " (the default)";
    }

    /** The trimmed text, or the default; null when neither. */
    String text(Setting setting) {
        RawValue value = raw.value(setting);
        return value == null ? setting.defaultValue().orElse(null) : value.text().strip();
    }

    /** The text if it matches {@code rule} fully, else the default. */
    String matching(Setting setting, Pattern rule, String what) {
        String text = text(setting);
        if (raw.value(setting) != null && !rule.matcher(text).matches()) {
            reject(setting, what + defaultNote(setting));
            return setting.defaultValue().orElse(null);
        }
        return text;
    }

    /** The value exactly as given (no trimming: a password may have spaces), or null. */
    Secret secret(Setting setting) {
        RawValue value = raw.value(setting);
        return value == null ? null : new Secret(value.text());
    }

    /** A compiled regular expression, or null when unset or invalid. */
    Pattern regex(Setting setting) {
        String text = text(setting);
        if (text == null) {
            return null;
        }
        try {
            return Pattern.compile(text);
        } catch (PatternSyntaxException e) {
            reject(setting, "is not a valid regular expression (" + e.getDescription() + " near index "
                    + e.getIndex() + "); fix it or unset " + setting.name());
            return null;
        }
    }

    OutputFormat outputFormat() {
        String text = text(Setting.OUTPUT_FORMAT);
        OutputFormat format = OutputFormat.fromSetting(text);
        if (format == null) {
            reject(Setting.OUTPUT_FORMAT, "is not a supported format; set it to mp4, mkv or ts"
                    + defaultNote(Setting.OUTPUT_FORMAT));
            return OutputFormat.MP4;
        }
        return format;
    }

    String logLevel() {
        String level = text(Setting.LOG_LEVEL).toUpperCase(Locale.ROOT);
        if (!LOG_LEVELS.contains(level)) {
            reject(Setting.LOG_LEVEL, "is not a log level; set it to TRACE, DEBUG, INFO, WARN or ERROR"
                    + defaultNote(Setting.LOG_LEVEL));
            return Setting.LOG_LEVEL.defaultValue().orElseThrow();
        }
        return level;
    }

    /** {@code " (the default is 60)"}, or empty for a setting that is unset by default. */
    static String defaultNote(Setting setting) {
        String documented = setting.documentedDefault();
        return setting.defaultValue().isEmpty() && documented.equals("(unset)")
                ? ""
                : " (the default is " + documented + ")";
    }
}
