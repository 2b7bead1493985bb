package io.github.mediamtxvod.playlist;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.catalog.Entry;
import io.github.mediamtxvod.catalog.PlaylistSegment;
import io.github.mediamtxvod.catalog.SegmentMedia;
import io.github.mediamtxvod.recording.OutputFormat;
import io.github.mediamtxvod.recording.Segment;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What a playlist lists, decided from the catalogue: the segments in recording order up to the
 * first one that is not settled yet. A segment is settled once it is where the playlist points
 * (confirmed in S3, or on disk without S3) or never will be (quarantined, or gone without S3).
 * Stopping at the first unsettled segment keeps playlists append-only, as an EVENT playlist must
 * be: a segment confirmed early (uploads run in parallel) waits for those before it. Only
 * fragmented MP4 segments whose media facts are known are listed. Pure and immutable.
 *
 * @param items the listed segments, in order
 * @param complete whether every segment is settled (nothing more will be added unless more is
 *     recorded)
 * @param settled segments that are where the playlist points, listed or not
 * @param missing segments that never will be
 * @param settledBytes the size of the {@code settled} segments
 * @param first start of the first settled segment, or null
 * @param last end of the last settled segment, or null
 */
record PlaylistPlan(List<Item> items, boolean complete, int settled, int missing, long settledBytes, Instant first,
        Instant last) {

    /**
     * One listed segment.
     *
     * @param uri the segment file, relative to the playlist
     * @param start its real UTC start
     * @param duration its media duration
     * @param initLength bytes of its init section, at the start of the file
     * @param mediaLength bytes of its complete fragments, right after the init section
     */
    record Item(String uri, Instant start, Duration duration, long initLength, long mediaLength) {
        Item {
            requireNonNull(uri, "uri is null");
            requireNonNull(start, "start is null");
            requireNonNull(duration, "duration is null");
        }
    }

    PlaylistPlan {
        items = List.copyOf(items);
    }

    /**
     * @param segments the playlist's segments in recording order
     * @param uploads whether segments go to S3 (else they stay on disk)
     * @param uri the URI of a segment relative to the playlist
     */
    static PlaylistPlan of(List<PlaylistSegment> segments, boolean uploads, Function<Segment, String> uri) {
        List<Item> items = new ArrayList<>();
        int settled = 0;
        int missing = 0;
        long bytes = 0;
        Instant first = null;
        Instant last = null;
        for (PlaylistSegment candidate : segments) {
            Entry entry = candidate.entry();
            switch (placeOf(entry, uploads)) {
                case WAITING -> {
                    return new PlaylistPlan(items, false, settled, missing, bytes, first, last);
                }
                case NEVER -> missing++;
                case THERE -> {
                    Segment segment = entry.segment();
                    settled++;
                    bytes += segment.sizeBytes();
                    first = first == null ? segment.start() : first;
                    last = segment.end();
                    SegmentMedia media = candidate.media();
                    if (listable(candidate)) {
                        items.add(new Item(uri.apply(segment), segment.start(), media.duration(), media.initLength(),
                                media.mediaLength()));
                        last = segment.start().plus(media.duration());
                    }
                }
            }
        }
        return new PlaylistPlan(items, true, settled, missing, bytes, first, last);
    }

    /** How many of the segments it was made of, from the first, are settled: the rest wait. */
    int consumed() {
        return settled + missing;
    }

    /** How many settled segments it does not list (not MP4, or their media facts could not be read). */
    int unlisted() {
        return settled - items.size();
    }

    /** Whether a settled segment can be listed: fragmented MP4 whose facts describe the file as it is. */
    static boolean listable(PlaylistSegment segment) {
        return OutputFormat.fromFileName(segment.entry().segment().fileName()) == OutputFormat.MP4
                && segment.mediaCurrent()
                && segment.media().mediaLength() > 0;
    }

    private enum Place { THERE, WAITING, NEVER }

    private static Place placeOf(Entry entry, boolean uploads) {
        return switch (entry.state()) {
            case QUARANTINED -> Place.NEVER;
            case UPLOADED, LOCAL_DELETED -> uploads || entry.localPresent() ? Place.THERE : Place.NEVER;
            case PENDING, UPLOADING -> {
                if (uploads) {
                    yield Place.WAITING;
                }
                yield entry.localPresent() ? Place.THERE : Place.NEVER;
            }
        };
    }
}
