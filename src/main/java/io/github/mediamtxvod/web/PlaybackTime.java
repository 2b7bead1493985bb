package io.github.mediamtxvod.web;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times and durations as MediaMTX's playback server reads and writes them: RFC 3339 instants
 * (written like Go's {@code RFC3339Nano}: UTC, trailing zeros of the fraction left out) and
 * durations in seconds (a decimal number, or Go's duration syntax such as {@code 1m30s}, which
 * MediaMTX still accepts). Pure; every refusal is a 400 naming the parameter.
 */
final class PlaybackTime {
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss")
            .withZone(ZoneOffset.UTC);
    /** A decimal number as Go's ParseFloat reads it, without the hexadecimal and special forms. */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
    /** One number and unit of a Go duration such as {@code 1h2m3.5s}. */
    private static final Pattern GO_PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");
    /** A space where an offset's '+' belongs: the '+' arrived unencoded and became a space. */
    private static final Pattern SPACE_FOR_PLUS = Pattern.compile("(.*T[0-9:.]+) (\\d\\d:\\d\\d)");

    private PlaybackTime() {}

    /** An RFC 3339 time with an offset ({@code 2024-05-01T12:00:00Z}, {@code ...+02:00}, fractions allowed). */
    static Instant parseInstant(String parameter, String value) {
        String text = value.strip();
        Matcher plus = SPACE_FOR_PLUS.matcher(text);
        if (plus.matches()) {
            text = plus.group(1) + "+" + plus.group(2);
        }
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw HttpProblem.badRequest("parameter '" + parameter + "' must be an RFC 3339 time such as"
                    + " 2024-05-01T12:00:00Z or 2024-05-01T14:00:00.5+02:00 (URL-encode the '+' as %2B)");
        }
    }

    /**
     * A duration in seconds ({@code 90}, {@code 200.5}) or in Go's syntax ({@code 1m30s}); not
     * negative. A refusal names the parameter and both forms.
     */
    static Duration parseDuration(String parameter, String value) {
        String text = value.strip();
        try {
            if (DECIMAL.matcher(text).matches()) {
                return Duration.ofNanos(wholeNanos(new BigDecimal(text).movePointRight(9)));
            }
            Duration go = parseGo(text);
            if (go != null) {
                return go;
            }
        } catch (ArithmeticException e) {
            // too large or too fine: the same answer as a malformed value
        }
        throw HttpProblem.badRequest("parameter '" + parameter + "' must be a number of seconds such as 60 or 200.5"
                + " (or a Go duration such as 1m30s)");
    }

    /** Go's time.ParseDuration, or null when {@code text} is not in its syntax. */
    private static Duration parseGo(String text) {
        boolean negative = text.startsWith("-");
        String rest = negative || text.startsWith("+") ? text.substring(1) : text;
        if (rest.equals("0")) {
            return Duration.ZERO;
        }
        Matcher part = GO_PART.matcher(rest);
        BigDecimal nanos = BigDecimal.ZERO;
        int at = 0;
        while (at < rest.length()) {
            if (!part.find(at) || part.start() != at) {
                return null;
            }
            nanos = nanos.add(new BigDecimal(part.group(1)).multiply(BigDecimal.valueOf(unitNanos(part.group(2)))));
            at = part.end();
        }
        if (at == 0) {
            return null;
        }
        long whole = wholeNanos(nanos);
        return Duration.ofNanos(negative ? -whole : whole);
    }

    /** Nanoseconds, finer parts dropped; {@link ArithmeticException} beyond about 292 years. */
    private static long wholeNanos(BigDecimal nanos) {
        return nanos.setScale(0, RoundingMode.DOWN).longValueExact();
    }

    private static long unitNanos(String unit) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us", "µs", "μs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            default -> 3_600_000_000_000L; // h, the last unit GO_PART allows
        };
    }

    /** Like Go's {@code Format(time.RFC3339Nano)} in UTC: {@code 2024-05-01T10:00:00.25Z}. */
    static String format(Instant instant) {
        StringBuilder text = new StringBuilder(SECONDS.format(instant));
        int nanos = instant.getNano();
        if (nanos != 0) {
            String fraction = String.format(Locale.ROOT, "%09d", nanos);
            int end = fraction.length();
            while (fraction.charAt(end - 1) == '0') {
                end--;
            }
            text.append('.').append(fraction, 0, end);
        }
        return text.append('Z').toString();
    }

    /** Seconds as Go's {@code FormatFloat(s, 'f', -1, 64)}: the shortest decimal, no exponent ({@code 66}, {@code 65.5}). */
    static String seconds(Duration duration) {
        return new BigDecimal(Double.toString(duration.toNanos() / 1e9)).stripTrailingZeros().toPlainString();
    }

    /** Seconds as a JSON number. */
    static double secondsValue(Duration duration) {
        return duration.toNanos() / 1e9;
    }
}
