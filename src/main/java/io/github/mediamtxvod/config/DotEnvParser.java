package io.github.mediamtxvod.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses the text of a {@code .env} file: one {@code NAME=value} per line, optionally after {@code
 * export }; blank lines and lines starting with {@code #} are skipped. A value may be in single
 * quotes (taken literally) or double quotes ({@code \n \r \t \" \\} escapes); an unquoted value
 * ends at a {@code #} that follows a space or tab, and is trimmed. A line that does not parse is
 * skipped with a warning that names its number but never its text, which may hold a secret. A
 * name set twice keeps its last value, as Docker Compose does. Pure: no I/O.
 */
final class DotEnvParser {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final String FIX = "write it as NAME=value or start it with # to make it a comment";

    /** A value and the 1-based number of the line that set it. */
    record Entry(String value, int line) {}

    /** The entries by name, in file order, and one warning per skipped or repeated line. */
    record Result(Map<String, Entry> entries, List<String> warnings) {
        Result {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
            warnings = List.copyOf(warnings);
        }
    }

    /** A parsed value, or why the line is malformed. */
    private record Parsed(String value, String error) {
        static Parsed ok(String value) {
            return new Parsed(value, null);
        }

        static Parsed malformed(String error) {
            return new Parsed(null, error);
        }
    }

    private DotEnvParser() {}

    static Result parse(String text) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        String[] lines = body.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int number = i + 1;
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export") && line.length() > 6 && Character.isWhitespace(line.charAt(6))) {
                line = line.substring(7).stripLeading();
            }
            int equals = line.indexOf('=');
            if (equals < 0) {
                warnings.add(malformed(number, "is not NAME=value"));
                continue;
            }
            String name = line.substring(0, equals).strip();
            if (!NAME.matcher(name).matches()) {
                warnings.add(malformed(number, "has no valid variable name before '='"));
                continue;
            }
            Parsed parsed = value(line.substring(equals + 1));
            if (parsed.error() != null) {
                warnings.add(malformed(number, parsed.error()));
                continue;
            }
            Entry earlier = entries.remove(name);
            if (earlier != null) {
                warnings.add(".env line " + number + " sets " + name + " again (first set on line "
                        + earlier.line() + "); the value of line " + number + " is used");
            }
            entries.put(name, new Entry(parsed.value(), number));
        }
        return new Result(entries, warnings);
    }

    private static String malformed(int number, String reason) {
        return ".env line " + number + " " + reason + " and is ignored; " + FIX;
    }

    private static Parsed value(String afterEquals) {
        String text = afterEquals.strip();
        if (text.startsWith("#") && !afterEquals.startsWith("#")) {
            return Parsed.ok("");
        }
        if (text.startsWith("\"")) {
            return doubleQuoted(text);
        }
        if (text.startsWith("'")) {
            int close = text.indexOf('\'', 1);
            if (close < 0) {
                return Parsed.malformed("has an unclosed quote");
            }
            return afterQuote(text.substring(1, close), text.substring(close + 1));
        }
        return Parsed.ok(unquoted(text));
    }

    private static Parsed doubleQuoted(String text) {
        StringBuilder value = new StringBuilder();
        for (int i = 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                return afterQuote(value.toString(), text.substring(i + 1));
            }
            if (c == '\\' && i + 1 < text.length()) {
                char next = text.charAt(i + 1);
                switch (next) {
                    case 'n' -> value.append('\n');
                    case 'r' -> value.append('\r');
                    case 't' -> value.append('\t');
                    case '"', '\\' -> value.append(next);
                    default -> value.append(c).append(next);
                }
                i++;
            } else {
                value.append(c);
            }
        }
        return Parsed.malformed("has an unclosed quote");
    }

    /** After a closing quote only spaces and a comment may follow. */
    private static Parsed afterQuote(String value, String rest) {
        String tail = rest.strip();
        if (tail.isEmpty() || tail.startsWith("#")) {
            return Parsed.ok(value);
        }
        return Parsed.malformed("has text after the closing quote");
    }

    /** Docker Compose's rule: {@code #} starts a comment only after a space or tab. */
    private static String unquoted(String text) {
        for (int i = 1; i < text.length(); i++) {
            if (text.charAt(i) == '#' && (text.charAt(i - 1) == ' ' || text.charAt(i - 1) == '\t')) {
                return text.substring(0, i).strip();
            }
        }
        return text;
    }
}
