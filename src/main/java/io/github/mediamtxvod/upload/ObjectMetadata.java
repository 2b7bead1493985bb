package io.github.mediamtxvod.upload;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.github.mediamtxvod.recording.Segment;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The user metadata stored with every object ({@code x-amz-meta-*}). S3 metadata travels in
 * HTTP headers and must be printable ASCII, so the stream name (untrusted, any Unicode) is
 * percent-encoded as UTF-8 (RFC 3986): every byte except the unreserved characters {@code A-Z
 * a-z 0-9 - . _ ~} and {@code /} becomes {@code %XX}. {@code cam1} and {@code live/cam-1} stay
 * as they are; {@code Küche 1} becomes {@code K%C3%BCche%201}; any URL decoder restores it.
 * Pure.
 */
final class ObjectMetadata {
    static final String STREAM = "stream";
    static final String SESSION_START = "session-start";
    static final String SEGMENT_START = "segment-start";
    static final String SEGMENT_INDEX = "segment-index";
    static final String DURATION = "duration";

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private ObjectMetadata() {}

    /** Keys without the {@code x-amz-meta-} prefix; the SDK adds it. Instants in ISO-8601 UTC. */
    static Map<String, String> of(Segment segment) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(STREAM, encode(segment.stream()));
        metadata.put(SESSION_START, segment.sessionStart().toString());
        metadata.put(SEGMENT_START, segment.start().toString());
        metadata.put(SEGMENT_INDEX, Integer.toString(segment.index()));
        if (segment.duration() != null) {
            metadata.put(DURATION, seconds(segment.duration().toMillis()));
        }
        return metadata;
    }

    /** Percent-encodes as the class comment says. */
    static String encode(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (byte b : value.getBytes(UTF_8)) {
            int c = b & 0xff;
            if (isUnreserved(c)) {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }

    /** Duration in seconds with millisecond precision, e.g. {@code 60.021}. */
    static String seconds(long millis) {
        return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
    }

    private static boolean isUnreserved(int c) {
        return (c >= 'A' && c <= 'Z')
                || (c >= 'a' && c <= 'z')
                || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    }
}
