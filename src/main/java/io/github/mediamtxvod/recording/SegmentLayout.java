package io.github.mediamtxvod.recording;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.recording.OutputFormat;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a segment lives, locally and in S3: {@code <stream>/<YYYY-MM-DD>/<YYYYMMDD_HHMMSS>/segment_NNN.<ext>}.
 * Pure: no I/O.
 *
 * <p>Stream names come from MediaMTX and are untrusted. {@link #safeStreamName} maps each name to
 * one path segment deterministically and without collisions: ASCII letters, digits, {@code _} and
 * {@code -} stay as they are, {@code .} too except in first place; every other byte of the name's
 * UTF-8 form becomes {@code ~XX} (upper-case hex). So {@code cams/front door} becomes {@code
 * cams~2Ffront~20door}. A result longer than {@value #MAX_SEGMENT_LENGTH} characters is cut to
 * {@value #TRUNCATED_PREFIX_LENGTH} characters followed by {@code ~~} and 16 hex digits of the
 * name's SHA-256; {@code ~~} never appears in an untruncated result, so the two forms never meet.
 */
public final class SegmentLayout {
    public static final int MAX_SEGMENT_LENGTH = 120;
    public static final int TRUNCATED_PREFIX_LENGTH = 100;

    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SESSION =
            DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final Pattern SEGMENT_FILE = Pattern.compile("segment_(\\d{3,})\\.([a-z0-9]+)");
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private SegmentLayout() {}

    /** The one path segment a stream's recordings live under; see the class comment. */
    public static String safeStreamName(String streamName) {
        requireNonNull(streamName, "streamName is null");
        StringBuilder out = new StringBuilder(streamName.length() + 8);
        byte[] bytes = utf8(streamName);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            boolean plain = (b >= 'a' && b <= 'z')
                    || (b >= 'A' && b <= 'Z')
                    || (b >= '0' && b <= '9')
                    || b == '_'
                    || b == '-'
                    || (b == '.' && i > 0);
            if (plain) {
                out.append((char) b);
            } else {
                out.append('~').append(HEX.toHexDigits((byte) b));
            }
        }
        if (out.isEmpty()) {
            return "~~empty";
        }
        if (out.length() <= MAX_SEGMENT_LENGTH) {
            return out.toString();
        }
        int cut = TRUNCATED_PREFIX_LENGTH;
        // never cut an escape in half: back off to the '~' that starts it
        for (int i = cut - 1; i >= cut - 2; i--) {
            if (out.charAt(i) == '~') {
                cut = i;
            }
        }
        return out.substring(0, cut) + "~~" + sha256Prefix(streamName);
    }

    /**
     * The stream name a folder stands for: the inverse of {@link #safeStreamName}. A truncated
     * name (with {@code ~~} and a hash) cannot be reversed and is returned as it is.
     */
    public static String streamName(String folderName) {
        if (folderName.contains("~~")) {
            return folderName;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(folderName.length());
        for (int i = 0; i < folderName.length(); i++) {
            char c = folderName.charAt(i);
            if (c != '~') {
                bytes.write(c);
                continue;
            }
            if (i + 2 >= folderName.length()) {
                return folderName;
            }
            try {
                bytes.write(HexFormat.fromHexDigits(folderName, i + 1, i + 3));
            } catch (IllegalArgumentException e) {
                return folderName;
            }
            i += 2;
        }
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** {@code YYYY-MM-DD} of the session start, in UTC. */
    public static String day(Instant sessionStart) {
        return DAY.format(sessionStart);
    }

    /** {@code YYYYMMDD_HHMMSS} of the session start, in UTC. */
    public static String sessionName(Instant sessionStart) {
        return SESSION.format(sessionStart);
    }

    /** The session start a folder name stands for; the inverse of {@link #sessionName}. */
    public static Instant parseSessionName(String sessionName) {
        return SESSION.parse(sessionName, Instant::from);
    }

    /** The UTC midnight that ends the day of {@code sessionStart}: a session is cut there. */
    public static Instant dayEnd(Instant sessionStart) {
        return sessionStart.truncatedTo(ChronoUnit.DAYS).plus(1, ChronoUnit.DAYS);
    }

    /** A session start truncated to what its folder name can hold (whole seconds). */
    public static Instant sessionStart(Instant now) {
        return now.truncatedTo(ChronoUnit.SECONDS);
    }

    /** {@code <stream>/<day>/<session>} with '/' separators, relative to RECORDINGS_DIR. */
    public static String sessionPath(String streamName, Instant sessionStart) {
        return safeStreamName(streamName) + "/" + day(sessionStart) + "/" + sessionName(sessionStart);
    }

    /** The session folder below {@code recordingsDir}. */
    public static Path sessionDir(Path recordingsDir, String streamName, Instant sessionStart) {
        return recordingsDir
                .resolve(safeStreamName(streamName))
                .resolve(day(sessionStart))
                .resolve(sessionName(sessionStart));
    }

    /** {@code segment_NNN.<ext>}, at least three digits. */
    public static String segmentFileName(int index, OutputFormat format) {
        if (index < 0) {
            throw new IllegalArgumentException("segment index is negative: " + index);
        }
        return String.format(Locale.ROOT, "segment_%03d.%s", index, format.extension());
    }

    /** The FFmpeg output pattern for segment files ({@code segment_%03d.<ext>}). */
    public static String segmentFilePattern(OutputFormat format) {
        return "segment_%03d." + format.extension();
    }

    /** The index in a segment file name, or -1 if the name is not one of ours. */
    public static int segmentIndex(String fileName) {
        java.util.regex.Matcher matcher = SEGMENT_FILE.matcher(fileName);
        if (!matcher.matches() || OutputFormat.fromSetting(matcher.group(2)) == null) {
            return -1;
        }
        try {
            return Integer.parseInt(matcher.group(1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The S3 key of a local relative path: {@code [prefix/]relativePath}. */
    public static String s3Key(String prefix, String relativePath) {
        return prefix.isEmpty() ? relativePath : prefix + "/" + relativePath;
    }

    /**
     * The name's UTF-8 bytes. A lone surrogate (a string that is not valid UTF-16) gets its own
     * three bytes, as in WTF-8, where {@link String#getBytes} would put a {@code ?}: otherwise a
     * name ending in a lone surrogate and the same name ending in {@code ?} would share a folder.
     */
    private static byte[] utf8(String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(name.length() + 8);
        name.codePoints().forEach(c -> {
            if (c < 0x80) {
                out.write(c);
            } else if (c < 0x800) {
                out.write(0xC0 | c >> 6);
                out.write(0x80 | c & 0x3F);
            } else if (c < 0x10000) {
                out.write(0xE0 | c >> 12);
                out.write(0x80 | c >> 6 & 0x3F);
                out.write(0x80 | c & 0x3F);
            } else {
                out.write(0xF0 | c >> 18);
                out.write(0x80 | c >> 12 & 0x3F);
                out.write(0x80 | c >> 6 & 0x3F);
                out.write(0x80 | c & 0x3F);
            }
        });
        return out.toByteArray();
    }

    private static String sha256Prefix(String streamName) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(utf8(streamName));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}
