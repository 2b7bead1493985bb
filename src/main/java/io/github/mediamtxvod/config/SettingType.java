package io.github.mediamtxvod.config;

import static java.util.Objects.requireNonNull;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The shape of a setting's value: how its text becomes a {@code T} (or why it cannot), how a
 * {@code T} is shown in the effective configuration log, the range documentation appends to the
 * description, and whether the text is a secret. The factories cover the shapes the recorder has;
 * a package may build its own with the constructor. Immutable.
 *
 * @param parser turns the text into a value; the text is trimmed unless the kind is {@link Kind#SECRET}
 * @param renderer shows a value in the effective configuration log; never reveals a secret
 * @param summary the allowed range for documentation, such as {@code Whole seconds, 1 to 60}, or empty
 * @param kind how the given text may be shown in messages
 * @param <T> the type of the value
 */
public record SettingType<T>(Parser<T> parser, Function<? super T, String> renderer, String summary, Kind kind) {
    /** The largest MB value whose byte count fits a long. */
    public static final long NO_MAX = Long.MAX_VALUE >> 20;

    private static final Pattern WHOLE_NUMBER = Pattern.compile("[+-]?[0-9]+");
    private static final Set<String> TRUE = Set.of("true", "yes", "1");
    private static final Set<String> FALSE = Set.of("false", "no", "0");
    private static final long MB = 1024 * 1024;

    /** How a given text may be shown. */
    public enum Kind {
        PLAIN,
        /** Shown as {@code [REDACTED]} everywhere, and not trimmed: a password may have spaces. */
        SECRET,
        /** Shown with all but its first 4 characters masked. */
        ACCESS_KEY
    }

    /** Turns the text of {@code setting} into its value. */
    @FunctionalInterface
    public interface Parser<T> {
        /**
         * @param text the value given or the literal default; never blank
         * @param workingDirectory where relative paths start
         * @throws InvalidValueException saying what is wrong and how to fix it
         */
        T parse(String text, Setting<T> setting, Path workingDirectory) throws InvalidValueException;
    }

    public SettingType {
        requireNonNull(parser, "parser is null");
        requireNonNull(renderer, "renderer is null");
        requireNonNull(summary, "summary is null");
        requireNonNull(kind, "kind is null");
    }

    /** The same shape, shown in the effective configuration log by {@code other}. */
    public SettingType<T> renderedBy(Function<? super T, String> other) {
        return new SettingType<>(parser, other, summary, kind);
    }

    public static SettingType<Duration> seconds(long min, long max) {
        return wholeNumber(min, max, "seconds", Duration::ofSeconds, Duration::toSeconds);
    }

    public static SettingType<Integer> days(long min, long max) {
        return wholeNumber(min, max, "days", Math::toIntExact, Integer::longValue);
    }

    /** A whole number without a unit, such as a count or a port. */
    public static SettingType<Integer> count(long min, long max) {
        return wholeNumber(min, max, "", Math::toIntExact, Integer::longValue);
    }

    /** A size given in MB, as bytes; {@code max} is at most {@link #NO_MAX}. */
    public static SettingType<Long> megabytes(long min, long max) {
        return wholeNumber(min, max, "MB", number -> number * MB, bytes -> bytes / MB);
    }

    private static <T> SettingType<T> wholeNumber(
            long min, long max, String unit, LongFunction<T> fromNumber, Function<T, Long> toNumber) {
        String noun = unit.isEmpty() ? "a whole number" : "a whole number of " + unit;
        String allowed = max == NO_MAX ? "of " + min + " or more" : "from " + min + " to " + max;
        String summary = (unit.isEmpty() ? "Whole number" : "Whole " + unit) + ", "
                + (max == NO_MAX ? min + " or more" : min + " to " + max);
        Parser<T> parser = (text, setting, workingDirectory) -> {
            String fix = "; set it to a whole number " + allowed + setting.defaultNote();
            if (!WHOLE_NUMBER.matcher(text).matches()) {
                throw new InvalidValueException("is not " + noun + fix);
            }
            BigInteger number = new BigInteger(text);
            if (number.compareTo(BigInteger.valueOf(min)) < 0) {
                throw new InvalidValueException("is below the minimum of " + min + fix);
            }
            if (number.compareTo(BigInteger.valueOf(max)) > 0) {
                throw new InvalidValueException(
                        (max == NO_MAX ? "is too large" : "is above the maximum of " + max) + fix);
            }
            return fromNumber.apply(number.longValueExact());
        };
        return new SettingType<>(parser, value -> String.valueOf(toNumber.apply(value)), summary, Kind.PLAIN);
    }

    /** true/false, yes/no or 1/0 in any case. */
    public static SettingType<Boolean> bool() {
        return plain((text, setting, workingDirectory) -> {
            String lower = text.toLowerCase(Locale.ROOT);
            if (TRUE.contains(lower) || FALSE.contains(lower)) {
                return TRUE.contains(lower);
            }
            throw new InvalidValueException(
                    "is not true or false; set it to true or false, yes or no, 1 or 0" + setting.defaultNote());
        }, String::valueOf);
    }

    /** Any text, shown in double quotes. */
    public static SettingType<String> text() {
        return plain((text, setting, workingDirectory) -> text, DisplayText::quoted);
    }

    /** Text that matches {@code rule} fully; {@code what} says what is wrong and what to use instead. */
    public static SettingType<String> matching(Pattern rule, String what) {
        return plain((text, setting, workingDirectory) -> {
            if (!rule.matcher(text).matches()) {
                throw new InvalidValueException(what + setting.defaultNote());
            }
            return text;
        }, DisplayText::quoted);
    }

    /** A basic-auth user name: RFC 7617 forbids ':' in it, as the user ends at the first ':'. */
    public static SettingType<String> basicAuthUser() {
        return matching(Pattern.compile("[^:]*"),
                "contains ':', which basic auth does not allow in a user name; remove it");
    }

    /** A Java regular expression, shown in double quotes. */
    public static SettingType<Pattern> regex() {
        return plain((text, setting, workingDirectory) -> {
            try {
                return Pattern.compile(text);
            } catch (PatternSyntaxException e) {
                throw new InvalidValueException("is not a valid regular expression (" + e.getDescription()
                        + " near index " + e.getIndex() + "); fix it or unset " + setting.name());
            }
        }, pattern -> DisplayText.quoted(pattern.pattern()));
    }

    /**
     * One of {@code options}, whose names are matched in any case.
     *
     * @param noun what a valid value is, such as {@code a log level}
     */
    public static <T> SettingType<T> choice(String noun, List<T> options, Function<T, String> name) {
        List<String> names = options.stream().map(name).toList();
        String allowed = names.size() == 1
                ? names.getFirst()
                : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.getLast();
        return plain((text, setting, workingDirectory) -> {
            for (T option : options) {
                if (name.apply(option).equalsIgnoreCase(text)) {
                    return option;
                }
            }
            throw new InvalidValueException("is not " + noun + "; set it to " + allowed + setting.defaultNote());
        }, name);
    }

    /** A value never shown: {@code [REDACTED]} in messages and the log. */
    public static SettingType<Secret> secret() {
        return new SettingType<>((text, setting, workingDirectory) -> new Secret(text),
                value -> DisplayText.REDACTED, "", Kind.SECRET);
    }

    /** An access key id: only its first 4 characters are shown. */
    public static SettingType<String> accessKey() {
        return new SettingType<>((text, setting, workingDirectory) -> text,
                value -> DisplayText.quoted(maskAccessKey(value)), "", Kind.ACCESS_KEY);
    }

    /**
     * An absolute URL with one of {@code schemes} and a host, no query or fragment, and (unless
     * {@code credentialsFix} is null) no user info; a trailing '/' is dropped.
     *
     * @param fix how to fix a wrong value, for messages
     * @param credentialsFix where credentials belong instead of the URL; null when the URL may hold them
     */
    public static SettingType<java.net.URI> url(List<String> schemes, String fix, String credentialsFix) {
        return UrlType.of(schemes, fix, credentialsFix);
    }

    /** A folder that exists and is writable, or can be created: absolute and normalised. */
    public static SettingType<java.nio.file.Path> writableFolder() {
        return RecordingsDirectory.TYPE;
    }

    /** A shape whose text is shown as given, without a range to document. */
    public static <T> SettingType<T> plain(Parser<T> parser, Function<? super T, String> renderer) {
        return new SettingType<>(parser, renderer, "", Kind.PLAIN);
    }

    /** Shows the first 4 characters of an access key id, but never more than half of a short one. */
    static String maskAccessKey(String value) {
        int visible = Math.min(4, value.length() / 2);
        return DisplayText.of(value.substring(0, visible)) + "*".repeat(value.length() - visible);
    }
}
