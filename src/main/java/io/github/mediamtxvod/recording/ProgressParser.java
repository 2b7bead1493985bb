package io.github.mediamtxvod.recording;

import static java.util.Objects.requireNonNull;

/**
 * Parses what FFmpeg writes with {@code -progress pipe:1}: blocks of {@code key=value} lines, each
 * block closed by a line {@code progress=continue} or, on the last one, {@code progress=end}. Of
 * each block only {@code out_time_us} is kept (media time written so far, in microseconds);
 * {@code out_time_ms} holds microseconds too in FFmpeg 5.1 and {@code total_size} is always
 * {@code N/A} with the segment muxer, so neither is read.
 *
 * <p>Works on raw bytes as they come from the pipe, in any chunking, and allocates nothing per
 * block: it runs once a second for every stream. A line longer than {@link #MAX_LINE} bytes is
 * skipped. Not thread-safe: one parser per FFmpeg run, fed by the thread that reads its stdout.
 */
final class ProgressParser {
    /** Longest line looked at; FFmpeg's are under 40 bytes. */
    static final int MAX_LINE = 64;
    /** The value of {@code out_time_us} when a block has none ({@code N/A}, negative, absent). */
    static final long UNKNOWN = -1;

    /** Receives each complete block. */
    @FunctionalInterface
    interface Listener {
        /**
         * @param outTimeUs media time written so far in microseconds, or {@link #UNKNOWN}
         * @param end       true for the last block, written as FFmpeg exits
         */
        void block(long outTimeUs, boolean end);
    }

    private static final byte[] OUT_TIME_US = ascii("out_time_us");
    private static final byte[] PROGRESS = ascii("progress");
    private static final byte[] END = ascii("end");

    private final Listener listener;
    private final byte[] line = new byte[MAX_LINE];
    private int length;
    private boolean overlong;
    private long outTimeUs = UNKNOWN;

    ProgressParser(Listener listener) {
        this.listener = requireNonNull(listener, "listener is null");
    }

    /** Feeds the next bytes of FFmpeg's stdout. */
    void feed(byte[] bytes, int offset, int count) {
        for (int i = offset; i < offset + count; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                if (!overlong) {
                    line(length > 0 && line[length - 1] == '\r' ? length - 1 : length);
                }
                length = 0;
                overlong = false;
            } else if (length < MAX_LINE) {
                line[length++] = b;
            } else {
                overlong = true;
            }
        }
    }

    private void line(int end) {
        int equals = indexOf((byte) '=', end);
        if (equals < 0) {
            return;
        }
        if (keyIs(OUT_TIME_US, equals)) {
            outTimeUs = parseMicros(equals + 1, end);
        } else if (keyIs(PROGRESS, equals)) {
            boolean last = end - equals - 1 == END.length && regionIs(END, equals + 1);
            long value = outTimeUs;
            outTimeUs = UNKNOWN;
            listener.block(value, last);
        }
    }

    /** A non-negative decimal, else {@link #UNKNOWN} (N/A, a sign, junk, or too many digits). */
    private long parseMicros(int from, int end) {
        if (from >= end || end - from > 18) {
            return UNKNOWN;
        }
        long value = 0;
        for (int i = from; i < end; i++) {
            int digit = line[i] - '0';
            if (digit < 0 || digit > 9) {
                return UNKNOWN;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    private int indexOf(byte wanted, int end) {
        for (int i = 0; i < end; i++) {
            if (line[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    private boolean keyIs(byte[] key, int keyLength) {
        return keyLength == key.length && regionIs(key, 0);
    }

    private boolean regionIs(byte[] expected, int from) {
        for (int i = 0; i < expected.length; i++) {
            if (line[from + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
