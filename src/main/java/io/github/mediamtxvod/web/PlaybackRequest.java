package io.github.mediamtxvod.web;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;

/**
 * The parameters of MediaMTX's playback API, read and checked: {@code /list?path=&start=&end=} and
 * {@code /get?path=&start=&duration=&format=&origin=}. Every refusal is a 400 ({@link HttpProblem})
 * whose message names the parameter and what is allowed; the stream name is untrusted and only
 * checked for shape (it is a lookup key, never a file name). Pure.
 */
final class PlaybackRequest {
    private PlaybackRequest() {}

    /** The container of a {@code /get} answer. */
    enum Format {
        /** Fragmented MP4, streamed as it is cut: plays in a {@code <video>} at once. */
        FMP4,
        /** Plain MP4 with the moov first. */
        MP4
    }

    /**
     * A {@code /list} request.
     *
     * @param path the stream (MediaMTX path name)
     * @param start only recordings from here on, or null
     * @param end only recordings up to here, or null
     */
    record ListQuery(String path, Instant start, Instant end) {
        ListQuery {
            requireNonNull(path, "path is null");
        }
    }

    /**
     * A {@code /get} request.
     *
     * @param origin wall-clock instant of output time 0 (fMP4 only), or null
     */
    record GetQuery(String path, Instant start, Duration duration, Format format, Instant origin) {
        GetQuery {
            requireNonNull(path, "path is null");
            requireNonNull(start, "start is null");
            requireNonNull(duration, "duration is null");
            requireNonNull(format, "format is null");
        }

        Instant end() {
            return start.plus(duration);
        }
    }

    static ListQuery list(QueryParameters parameters) {
        String path = path(parameters);
        Instant start = optionalInstant(parameters, "start");
        Instant end = optionalInstant(parameters, "end");
        if (start != null && end != null && !end.isAfter(start)) {
            throw HttpProblem.badRequest("parameter 'end' must be after parameter 'start'");
        }
        return new ListQuery(path, start, end);
    }

    /** @param maxDuration PLAYBACK_MAX_DURATION_SECONDS */
    static GetQuery get(QueryParameters parameters, Duration maxDuration) {
        String path = path(parameters);
        Instant start = optionalInstant(parameters, "start");
        if (start == null) {
            throw HttpProblem.badRequest("parameter 'start' is required: an RFC 3339 time such as 2024-05-01T12:00:00Z");
        }
        String durationText = parameters.text("duration");
        if (durationText == null) {
            throw HttpProblem.badRequest("parameter 'duration' is required: the seconds to return, such as 60");
        }
        Duration duration = PlaybackTime.parseDuration("duration", durationText);
        if (!duration.isPositive()) {
            throw HttpProblem.badRequest("parameter 'duration' must be more than 0 seconds");
        }
        if (duration.compareTo(maxDuration) > 0) {
            throw HttpProblem.badRequest("parameter 'duration' is " + PlaybackTime.seconds(duration)
                    + " s, over the maximum of " + maxDuration.toSeconds() + " s (PLAYBACK_MAX_DURATION_SECONDS);"
                    + " ask for at most " + maxDuration.toSeconds() + " s and fetch the rest with further requests");
        }
        Instant origin = optionalInstant(parameters, "origin");
        if (origin != null && origin.isAfter(start)) {
            throw HttpProblem.badRequest("parameter 'origin' must not be after parameter 'start'");
        }
        return new GetQuery(path, start, duration, format(parameters.text("format")), origin);
    }

    private static String path(QueryParameters parameters) {
        String path = parameters.name("path");
        if (path == null) {
            throw HttpProblem.badRequest("parameter 'path' is required: the MediaMTX path name of the stream");
        }
        return path;
    }

    private static Instant optionalInstant(QueryParameters parameters, String name) {
        String text = parameters.text(name);
        return text == null || text.isEmpty() ? null : PlaybackTime.parseInstant(name, text);
    }

    private static Format format(String text) {
        if (text == null || text.isEmpty() || text.equals("fmp4")) {
            return Format.FMP4;
        }
        if (text.equals("mp4")) {
            return Format.MP4;
        }
        throw HttpProblem.badRequest("parameter 'format' must be fmp4 (the default) or mp4");
    }
}
