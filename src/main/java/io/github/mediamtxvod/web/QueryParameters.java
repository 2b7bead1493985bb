package io.github.mediamtxvod.web;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.UrlEncoded;

/**
 * Typed, validated access to a request's query string. Every refusal is a 400 whose message names
 * the parameter and the rule; the offending value is not echoed. Unknown parameters are ignored.
 */
final class QueryParameters {
    static final int MAX_NAME_LENGTH = 1024;

    private final Fields fields;

    private QueryParameters(Fields fields) {
        this.fields = fields;
    }

    static QueryParameters of(Request request) {
        try {
            return new QueryParameters(Request.extractQueryParameters(request));
        } catch (RuntimeException e) {
            // bad percent-encoding or invalid UTF-8 in the query string
            throw HttpProblem.badRequest("malformed query string");
        }
    }

    /** The parameters of a raw query string (without the '?'), decoded as a request's would be. */
    static QueryParameters of(String rawQuery) {
        Fields fields = new Fields();
        try {
            UrlEncoded.decodeUtf8To(rawQuery, fields);
        } catch (RuntimeException e) {
            throw HttpProblem.badRequest("malformed query string");
        }
        return new QueryParameters(fields);
    }

    /** The single value of {@code name}, or null when absent. */
    String text(String name) {
        List<String> values = fields.getValues(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw HttpProblem.badRequest("parameter '" + name + "' is given more than once");
        }
        return values.get(0);
    }

    /**
     * A name such as a stream or MediaMTX path: null when absent; refused when empty, longer than
     * {@value #MAX_NAME_LENGTH} characters or holding control characters.
     */
    String name(String name) {
        String value = text(name);
        if (value == null) {
            return null;
        }
        checkName(name, value);
        return value;
    }

    private static void checkName(String name, String value) {
        if (value.isEmpty() || value.length() > MAX_NAME_LENGTH) {
            throw HttpProblem.badRequest(
                    "parameter '" + name + "' must be 1 to " + MAX_NAME_LENGTH + " characters long");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw HttpProblem.badRequest("parameter '" + name + "' must not contain control characters");
        }
    }

    /**
     * Every value of a repeatable name parameter ({@code stream=a&stream=b}), each checked like
     * {@link #name}; empty when absent.
     */
    List<String> names(String name) {
        List<String> values = fields.getValues(name);
        if (values == null) {
            return List.of();
        }
        for (String value : values) {
            checkName(name, value);
        }
        return List.copyOf(values);
    }

    /** An ISO-8601 instant ({@code 2024-05-01T12:00:00Z}, an offset is accepted), or null. */
    Instant instant(String name) {
        String value = text(name);
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw HttpProblem.badRequest(
                    "parameter '" + name + "' must be an ISO-8601 instant such as 2024-05-01T12:00:00Z");
        }
    }

    /** Like {@link #name}, but absent is a 400. */
    String requiredName(String name) {
        String value = name(name);
        if (value == null) {
            throw HttpProblem.badRequest("parameter '" + name + "' is required");
        }
        return value;
    }

    /** Like {@link #instant}, but absent is a 400. */
    Instant requiredInstant(String name) {
        Instant value = instant(name);
        if (value == null) {
            throw HttpProblem.badRequest(
                    "parameter '" + name + "' is required (an instant such as 2024-05-01T12:00:00Z)");
        }
        return value;
    }

    /** An integer within {@code min..max}, or {@code fallback} when absent. */
    int integer(String name, int fallback, int min, int max) {
        String value = text(name);
        if (value == null) {
            return fallback;
        }
        try {
            int number = Integer.parseInt(value.trim());
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // same answer as out of range
        }
        throw HttpProblem.badRequest("parameter '" + name + "' must be an integer from " + min + " to " + max);
    }
}
