package io.github.mediamtxvod.web;

import java.util.Locale;

/**
 * Reads an HTTP {@code Range} header (RFC 9110, section 14) against a representation of a known
 * size. Only a single byte range is honoured; a header with several ranges, another unit or a
 * syntax error is ignored and the whole representation is sent, as the RFC allows.
 */
final class RangeHeader {
    private static final int MAX_DIGITS = 18;

    private RangeHeader() {}

    /** What to send. */
    sealed interface Decision permits Whole, Part, Unsatisfiable {}

    /** 200 with the whole representation. */
    record Whole() implements Decision {}

    /** 206 with bytes {@code first..last} (inclusive). */
    record Part(long first, long last) implements Decision {
        long length() {
            return last - first + 1;
        }
    }

    /** 416: the range starts at or after the end. */
    record Unsatisfiable() implements Decision {}

    /** Decides for {@code header} (null when absent) and a representation of {@code size} bytes. */
    static Decision decide(String header, long size) {
        if (header == null) {
            return new Whole();
        }
        String value = header.trim();
        if (!value.toLowerCase(Locale.ROOT).startsWith("bytes=")) {
            return new Whole();
        }
        String spec = value.substring("bytes=".length()).trim();
        if (spec.indexOf(',') >= 0) {
            return new Whole();
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return new Whole();
        }
        String firstText = spec.substring(0, dash).trim();
        String lastText = spec.substring(dash + 1).trim();
        if (firstText.isEmpty()) {
            return suffix(lastText, size);
        }
        long first = number(firstText);
        long last = lastText.isEmpty() ? Long.MAX_VALUE : number(lastText);
        if (first < 0 || last < 0 || last < first) {
            return new Whole();
        }
        if (first >= size) {
            return new Unsatisfiable();
        }
        return new Part(first, Math.min(last, size - 1));
    }

    /** {@code bytes=-N}: the last N bytes. */
    private static Decision suffix(String lengthText, long size) {
        long length = number(lengthText);
        if (length < 0) {
            return new Whole();
        }
        if (length == 0 || size == 0) {
            return new Unsatisfiable();
        }
        return new Part(Math.max(0, size - length), size - 1);
    }

    /** A non-negative decimal, or -1 when the text is not one (or too long to be a file offset). */
    private static long number(String text) {
        if (text.isEmpty() || text.length() > MAX_DIGITS) {
            return -1;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(text);
    }
}
