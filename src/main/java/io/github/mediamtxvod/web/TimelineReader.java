package io.github.mediamtxvod.web;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.catalog.CatalogView;
import io.github.mediamtxvod.catalog.Entry;
import io.github.mediamtxvod.recording.OutputFormat;
import io.github.mediamtxvod.recording.RecordingStatus;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.recording.SegmentLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads what the timeline, the thumbnails and the dashboard show from the recorder: the catalogued
 * segments of one stream that overlap a window, and the segment each stream is recording right
 * now. Indexed catalogue queries only (a window of a day is one or two pages of 1000 segments);
 * the disk is looked at only for a session that has not finished its first segment yet.
 */
final class TimelineReader {
    private static final int PAGE = CatalogView.Query.MAX_LIMIT;

    private final RecorderView view;
    private final Path recordingsDir;

    TimelineReader(RecorderView view, Path recordingsDir) {
        this.view = view;
        this.recordingsDir = recordingsDir;
    }

    /**
     * The segment FFmpeg is writing now: not catalogued yet, so it has no duration and no upload state.
     *
     * @param sessionStart the start of its session (the folder name)
     * @param index its number in the session
     * @param since when it began: the end of the previous segment, or the session start
     * @param relativePath its file below RECORDINGS_DIR; null while FFmpeg has not created it
     */
    record Live(String stream, Instant sessionStart, int index, Instant since, String relativePath) {
        Live {
            requireNonNull(stream, "stream is null");
            requireNonNull(sessionStart, "sessionStart is null");
            requireNonNull(since, "since is null");
        }
    }

    /** The pieces of {@code stream} that overlap {@code [from, to)}, in time order. */
    List<Timeline.Piece> pieces(String stream, Instant from, Instant to) {
        CatalogView catalog = view.catalog();
        List<Entry> entries = new ArrayList<>();
        // the segment that started before the window may reach into it
        entries.addAll(catalog.segmentsWithoutTotal(new CatalogView.Query(stream, null, from, 0, 1, true)));
        long offset = 0;
        while (true) {
            List<Entry> page = catalog.segmentsWithoutTotal(new CatalogView.Query(stream, from, to, offset, PAGE, false));
            entries.addAll(page);
            if (page.size() < PAGE) {
                break;
            }
            offset += page.size();
        }
        List<Timeline.Piece> pieces = new ArrayList<>(Timeline.pieces(entries));
        pieces.removeIf(piece -> !piece.reaches(from));
        return pieces;
    }

    /**
     * The segments of {@code stream} that overlap {@code [from, to)} as the timeline draws them, in
     * time order: the same as {@link #pieces} without their catalogue entries, read with five
     * columns a segment.
     */
    List<Timeline.Spot> spots(String stream, Instant from, Instant to) {
        List<Timeline.Spot> spots = new ArrayList<>(Timeline.spots(view.catalog().marks(stream, from, to)));
        spots.removeIf(spot -> !spot.reaches(from));
        return spots;
    }

    /** Every stream recording now with its current segment, by name in the recorder's order. */
    Map<String, Live> live() {
        Map<String, Live> live = new LinkedHashMap<>();
        for (RecordingStatus.StreamStatus stream : view.recording().recording()) {
            if (stream.state() == RecordingStatus.State.RECORDING && stream.sessionStart() != null) {
                live.put(stream.name(), current(stream.name(), stream.sessionStart()));
            }
        }
        return live;
    }

    private Live current(String stream, Instant sessionStart) {
        Optional<Segment> last = lastOf(stream, sessionStart, 1);
        if (last.isEmpty()) {
            // the newest segment begun since may be the previous session's (at UTC midnight it goes
            // on for a second or two, and can begin a short segment after this one's first): look
            // at the few that begun since, which are only this session's and that overlap
            last = lastOf(stream, sessionStart, CatalogView.Query.MAX_LIMIT);
        }
        String folder = SegmentLayout.sessionPath(stream, sessionStart);
        if (last.isPresent()) {
            Segment previous = last.get();
            OutputFormat format = OutputFormat.fromFileName(previous.fileName());
            int index = previous.index() + 1;
            String file = format == null ? null : folder + "/" + SegmentLayout.segmentFileName(index, format);
            return new Live(stream, sessionStart, index, previous.end(), file);
        }
        return new Live(stream, sessionStart, 0, sessionStart, firstFile(folder));
    }

    /** The session's newest finished segment among the stream's {@code limit} newest begun since its start. */
    private Optional<Segment> lastOf(String stream, Instant sessionStart, int limit) {
        return view.catalog().segmentsWithoutTotal(new CatalogView.Query(stream, sessionStart, null, 0, limit, true))
                .stream()
                .map(Entry::segment)
                .filter(segment -> segment.sessionStart().equals(sessionStart))
                .findFirst();
    }

    /** The first segment file of a session that FFmpeg has created, whatever its format; null before. */
    private String firstFile(String folder) {
        for (OutputFormat format : OutputFormat.values()) {
            String file = folder + "/" + SegmentLayout.segmentFileName(0, format);
            if (Files.exists(recordingsDir.resolve(file))) {
                return file;
            }
        }
        return null;
    }
}
