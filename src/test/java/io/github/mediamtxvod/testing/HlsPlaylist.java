package io.github.mediamtxvod.testing;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An HLS media playlist as a player reads it, for assertions: each segment with its URI, duration,
 * start and byte ranges, and the playlist's type, target duration and end tag. Parses what the
 * recorder writes, strictly: an unknown tag fails the parse. Immutable.
 */
public record HlsPlaylist(int version, String type, long targetDuration, boolean ended, List<Entry> entries) {

    /**
     * One segment.
     *
     * @param uri the media URI, relative to the playlist
     * @param map the URI of its init section
     * @param mapRange the init section's byte range, {@code length@offset}
     * @param range the media's byte range, {@code length@offset}
     * @param duration its EXTINF
     * @param programDateTime its EXT-X-PROGRAM-DATE-TIME
     * @param discontinuity whether EXT-X-DISCONTINUITY precedes it
     */
    public record Entry(String uri, String map, String mapRange, String range, Duration duration, Instant programDateTime,
            boolean discontinuity) {
        public long rangeLength() {
            return Long.parseLong(range.substring(0, range.indexOf('@')));
        }

        public long rangeOffset() {
            return Long.parseLong(range.substring(range.indexOf('@') + 1));
        }
    }

    public HlsPlaylist {
        entries = List.copyOf(entries);
    }

    public static HlsPlaylist parse(String text) {
        List<String> lines = text.lines().toList();
        if (lines.isEmpty() || !lines.getFirst().equals("#EXTM3U")) {
            throw new IllegalArgumentException("not a playlist: " + text);
        }
        int version = 0;
        String type = null;
        long target = -1;
        boolean ended = false;
        List<Entry> entries = new ArrayList<>();
        String map = null;
        String mapRange = null;
        String range = null;
        Duration duration = null;
        Instant programDateTime = null;
        boolean discontinuity = false;
        for (String line : lines.subList(1, lines.size())) {
            if (line.startsWith("#EXT-X-VERSION:")) {
                version = Integer.parseInt(value(line));
            } else if (line.startsWith("#EXT-X-PLAYLIST-TYPE:")) {
                type = value(line);
            } else if (line.startsWith("#EXT-X-TARGETDURATION:")) {
                target = Long.parseLong(value(line));
            } else if (line.equals("#EXT-X-MEDIA-SEQUENCE:0") || line.equals("#EXT-X-INDEPENDENT-SEGMENTS")) {
                continue;
            } else if (line.equals("#EXT-X-DISCONTINUITY")) {
                discontinuity = true;
            } else if (line.startsWith("#EXT-X-MAP:")) {
                String attributes = value(line);
                map = attributes.replaceAll(".*URI=\"([^\"]*)\".*", "$1");
                mapRange = attributes.replaceAll(".*BYTERANGE=\"([^\"]*)\".*", "$1");
            } else if (line.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) {
                programDateTime = Instant.parse(value(line));
            } else if (line.startsWith("#EXTINF:")) {
                String seconds = value(line);
                duration = Duration.ofNanos(new BigDecimal(seconds.substring(0, seconds.indexOf(',')))
                        .movePointRight(9).longValueExact());
            } else if (line.startsWith("#EXT-X-BYTERANGE:")) {
                range = value(line);
            } else if (line.equals("#EXT-X-ENDLIST")) {
                ended = true;
            } else if (line.startsWith("#")) {
                throw new IllegalArgumentException("unexpected tag: " + line);
            } else if (!line.isBlank()) {
                entries.add(new Entry(line, map, mapRange, range, duration, programDateTime, discontinuity));
                range = null;
                duration = null;
                programDateTime = null;
                discontinuity = false;
            }
        }
        return new HlsPlaylist(version, type, target, ended, entries);
    }

    /** The sum of the EXTINF durations. */
    public Duration totalDuration() {
        return entries.stream().map(Entry::duration).reduce(Duration.ZERO, Duration::plus);
    }

    private static String value(String line) {
        return line.substring(line.indexOf(':') + 1);
    }
}
