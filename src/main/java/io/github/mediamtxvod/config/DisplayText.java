package io.github.mediamtxvod.config;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns user-given values into text that is safe to print: a password inside a URL is masked and
 * control characters are escaped, so a value can neither leak a secret nor break a log line.
 * For the messages and renderers of {@link SettingType}s.
 */
public final class DisplayText {
    public static final String REDACTED = "[REDACTED]";

    // scheme://user:password@ ; greedy up to the last '@' before the path, as a password may hold '@'
    private static final Pattern URL_PASSWORD =
            Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://[^/@:]*:)[^/]*@");

    private DisplayText() {}

    /** The value with a URL password masked and control characters escaped. */
    public static String of(String value) {
        String masked = URL_PASSWORD.matcher(value).replaceFirst("$1" + REDACTED + "@");
        return escape(masked, false);
    }

    /** {@link #of} in double quotes, with {@code "} and {@code \} escaped. */
    public static String quoted(String value) {
        String masked = URL_PASSWORD.matcher(value).replaceFirst("$1" + REDACTED + "@");
        return '"' + escape(masked, true) + '"';
    }

    private static String escape(String value, boolean quoted) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '"', '\\' -> out.append(quoted ? "\\" + c : String.valueOf(c));
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
