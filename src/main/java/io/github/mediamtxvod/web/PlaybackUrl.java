package io.github.mediamtxvod.web;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Duration;
import java.time.Instant;

/**
 * The {@code url} of a {@code /list} entry, built as MediaMTX builds it: {@code
 * http://<Host header>/get?duration=<seconds>&path=<name>&start=<RFC 3339>}, the parameters in
 * Go's {@code url.Values.Encode} form (sorted by name, each value escaped like {@code
 * url.QueryEscape}). Pure.
 */
final class PlaybackUrl {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PlaybackUrl() {}

    /** @param host the request's Host header (host and port), as the client reached the server */
    static String get(String host, String path, Instant start, Duration duration) {
        return "http://" + host + "/get?duration=" + PlaybackTime.seconds(duration) + "&path=" + queryEscape(path)
                + "&start=" + queryEscape(PlaybackTime.format(start));
    }

    /** Go's {@code url.QueryEscape}: letters, digits and {@code -_.~} stay, a space becomes '+', the rest %XX. */
    static String queryEscape(String value) {
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (byte b : value.getBytes(UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                out.append((char) c);
            } else if (c == ' ') {
                out.append('+');
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }
}
