package io.github.mediamtxvod.playlist;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Writes an HLS media playlist (RFC 8216, version 7) over the recorder's own segment files, with
 * no second copy of the media: each segment file begins with its init section, so {@code
 * #EXT-X-MAP} names the file with the init section's byte range and {@code #EXT-X-BYTERANGE} the
 * complete fragments after it. Every segment carries its real UTC start ({@code
 * #EXT-X-PROGRAM-DATE-TIME}).
 *
 * <p>Every segment but the first is preceded by {@code #EXT-X-DISCONTINUITY}: each file's
 * timestamps start at 0 again (FFmpeg's {@code -reset_timestamps 1}), and RFC 8216 requires the
 * tag when the timestamp sequence changes. Without it hls.js places each segment at the start of
 * the timeline again (tested in {@code PlaylistPlaybackIT}); with it, sessions and gaps need
 * nothing more. The playlist type is EVENT (segments are only ever appended); {@code
 * #EXT-X-ENDLIST} closes it once nothing more will be added. Pure.
 */
final class PlaylistText {
    static final String CONTENT_TYPE = "application/vnd.apple.mpegurl";
    /** The last line of a complete playlist. */
    static final String END = "#EXT-X-ENDLIST\n";
    private static final DateTimeFormatter PROGRAM_DATE_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSX", Locale.ROOT).withZone(ZoneOffset.UTC);

    private PlaylistText() {}

    /**
     * @param items the segments, in playback order
     * @param targetFloor the least target duration (the configured segment length): a longer
     *     segment raises it, a shorter playlist does not lower it, so it rarely changes while the
     *     playlist grows
     * @param ended whether to close the playlist
     */
    static String render(List<PlaylistPlan.Item> items, Duration targetFloor, boolean ended) {
        StringBuilder out = new StringBuilder(128 + items.size() * 200);
        out.append("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-PLAYLIST-TYPE:EVENT\n");
        out.append("#EXT-X-TARGETDURATION:").append(targetDuration(items, targetFloor)).append('\n');
        out.append("#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        return appendItems(out, items, true, ended).toString();
    }

    /**
     * What follows the text of an open playlist that lists at least one item when {@code items}
     * are added to it: the text {@link #render} gives for all items is the one for the earlier
     * items followed by this, as long as the target duration stays the same.
     */
    static String more(List<PlaylistPlan.Item> items) {
        return appendItems(new StringBuilder(items.size() * 200), items, false, false).toString();
    }

    private static StringBuilder appendItems(StringBuilder out, List<PlaylistPlan.Item> items, boolean first,
            boolean ended) {
        boolean opening = first;
        for (PlaylistPlan.Item item : items) {
            if (!opening) {
                out.append("#EXT-X-DISCONTINUITY\n");
            }
            opening = false;
            out.append("#EXT-X-MAP:URI=\"").append(item.uri()).append("\",BYTERANGE=\"")
                    .append(item.initLength()).append("@0\"\n");
            appendDateTime(out.append("#EXT-X-PROGRAM-DATE-TIME:"), item.start()).append('\n');
            appendSeconds(out.append("#EXTINF:"), item.duration()).append(",\n");
            out.append("#EXT-X-BYTERANGE:").append(item.mediaLength()).append('@').append(item.initLength()).append('\n');
            out.append(item.uri()).append('\n');
        }
        if (ended) {
            out.append(END);
        }
        return out;
    }

    /** RFC 8216 4.3.3.1: every EXTINF, rounded to the nearest integer, is at most the target. */
    static long targetDuration(List<PlaylistPlan.Item> items, Duration floor) {
        long target = Math.max(1, roundedSeconds(floor));
        for (PlaylistPlan.Item item : items) {
            target = Math.max(target, roundedSeconds(item.duration()));
        }
        return target;
    }

    private static long roundedSeconds(Duration duration) {
        return (duration.toMillis() + 500) / 1000;
    }

    /**
     * {@code 2024-05-01T10:00:00.250Z}: UTC, always with milliseconds. Written field by field, as
     * the playlist's other numbers are: a long session's playlist renders it once per segment at
     * every publish, and a formatter costs several times more.
     */
    static StringBuilder appendDateTime(StringBuilder out, Instant instant) {
        LocalDateTime time = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
        int year = time.getYear();
        if (year < 0 || year > 9999) {
            return out.append(PROGRAM_DATE_TIME.format(instant));
        }
        pad(out, year, 4).append('-');
        pad(out, time.getMonthValue(), 2).append('-');
        pad(out, time.getDayOfMonth(), 2).append('T');
        pad(out, time.getHour(), 2).append(':');
        pad(out, time.getMinute(), 2).append(':');
        pad(out, time.getSecond(), 2).append('.');
        return pad(out, time.getNano() / 1_000_000, 3).append('Z');
    }

    /** A duration in seconds with three decimals, {@code 60.040}, truncated to the millisecond. */
    static StringBuilder appendSeconds(StringBuilder out, Duration duration) {
        long millis = duration.toMillis();
        if (millis < 0) {
            out.append('-');
            millis = -millis;
        }
        out.append(millis / 1000).append('.');
        return pad(out, (int) (millis % 1000), 3);
    }

    private static StringBuilder pad(StringBuilder out, int value, int digits) {
        for (int limit = 10, i = 1; i < digits; i++, limit *= 10) {
            if (value < limit) {
                out.append('0');
            }
        }
        return out.append(value);
    }
}
