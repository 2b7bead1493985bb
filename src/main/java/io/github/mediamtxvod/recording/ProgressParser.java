package io.github.mediamtxvod.recording;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.util.function.Consumer;

/**
 * Parses FFmpeg's output pipe: stdout, where {@code -progress pipe:1} writes, with stderr merged
 * into it (one pipe, so one reading thread per FFmpeg). Progress comes in blocks of {@code
 * key=value} lines, each block closed by a line {@code progress=continue} or, on the last one,
 * {@code progress=end}. Of each block {@code out_time_us} is kept (media time written so far,
 * in microseconds) and {@code frame} (video frames written so far; absent without video, and 0
 * while a stream copy waits for its first keyframe, when audio already moves the time on); {@code
 * out_time_ms} holds microseconds too in FFmpeg 5.1 and {@code total_size} is always {@code N/A}
 * with the segment muxer, so neither is read. Every other line
 * is FFmpeg's log (with {@code -loglevel level+...} each starts with {@code [}), handed on as
 * text. Progress and log lines never share a line: FFmpeg writes both from its one main thread.
 *
 * <p>Works on raw bytes as they come from the pipe, in any chunking, and allocates nothing per
 * progress block: it runs once a second for every stream. Of a line longer than {@link #MAX_LINE}
 * bytes the start is kept (a log line) or nothing (a progress line). Not thread-safe: one parser
 * per FFmpeg run, fed by the thread that reads its output.
 */
final class ProgressParser {
    /** Longest line kept; FFmpeg's progress lines are under 40 bytes, its log lines rarely over 200. */
    static final int MAX_LINE = 512;
    /** The value of {@code out_time_us} when a block has none ({@code N/A}, negative, absent). */
    static final long UNKNOWN = -1;

    /** Receives each complete block. */
    @FunctionalInterface
    interface Listener {
        /**
         * @param outTimeUs media time written so far in microseconds, or {@link #UNKNOWN}
         * @param frames    video frames written so far, or {@link #UNKNOWN} (no video, or none reported)
         * @param end       true for the last block, written as FFmpeg exits
         */
        void block(long outTimeUs, long frames, boolean end);
    }

    private static final byte[] OUT_TIME_US = ascii("out_time_us");
    private static final byte[] FRAME = ascii("frame");
    private static final byte[] PROGRESS = ascii("progress");
    private static final byte[] END = ascii("end");

    private final Listener listener;
    private final Consumer<String> logLines;
    private final byte[] line = new byte[MAX_LINE];
    private int length;
    private boolean overlong;
    private long outTimeUs = UNKNOWN;
    private long frames = UNKNOWN;

    /**
     * @param listener receives each progress block
     * @param logLines receives each other line (FFmpeg's log), without its line end; an overlong one
     *                 cut at {@link #MAX_LINE} bytes with {@code ...} appended
     */
    ProgressParser(Listener listener, Consumer<String> logLines) {
        this.listener = requireNonNull(listener, "listener is null");
        this.logLines = requireNonNull(logLines, "logLines is null");
    }

    /** Feeds the next bytes of FFmpeg's stdout. */
    void feed(byte[] bytes, int offset, int count) {
        for (int i = offset; i < offset + count; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
                int key = overlong ? -1 : progressKeyEnd(end);
                if (key > 0) {
                    progress(key, end);
                } else if (end > 0 || overlong) {
                    String text = new String(line, 0, end, UTF_8);
                    logLines.accept(overlong ? text + "..." : text);
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

    /**
     * Where the {@code =} of a progress line is: {@code key=...} with a key of lower-case letters,
     * digits and underscores, as FFmpeg's progress keys are; -1 for any other line.
     */
    private int progressKeyEnd(int end) {
        int equals = indexOf((byte) '=', end);
        for (int i = 0; i < equals; i++) {
            byte b = line[i];
            if (!(b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '_')) {
                return -1;
            }
        }
        return equals;
    }

    private void progress(int equals, int end) {
        if (keyIs(OUT_TIME_US, equals)) {
            outTimeUs = parseCount(equals + 1, end);
        } else if (keyIs(FRAME, equals)) {
            frames = parseCount(equals + 1, end);
        } else if (keyIs(PROGRESS, equals)) {
            boolean last = end - equals - 1 == END.length && regionIs(END, equals + 1);
            long time = outTimeUs;
            long frameCount = frames;
            outTimeUs = UNKNOWN;
            frames = UNKNOWN;
            listener.block(time, frameCount, last);
        }
    }

    /** A non-negative decimal, else {@link #UNKNOWN} (N/A, a sign, junk, or too many digits). */
    private long parseCount(int from, int end) {
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
        return text.getBytes(US_ASCII);
    }
}
