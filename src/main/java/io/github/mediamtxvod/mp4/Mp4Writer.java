package io.github.mediamtxvod.mp4;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a plain MP4 with the moov first, so it plays while it downloads: a metadata pass reads
 * each planned moof (one small ranged read each) and builds the sample tables; then ftyp and moov
 * go out; then a media pass copies the kept samples into one mdat, one ranged read per fragment
 * covering its kept samples. Memory is the sample tables (see {@link SampleTables}) plus two longs
 * per track and fragment. Not thread-safe; one per output.
 */
final class Mp4Writer {
    private Mp4Writer() {}

    /** A fragment's kept byte ranges, for the media pass. */
    private record Media(RangePlan.Step step, long[] ranges) {}

    static MuxResult write(RangePlan plan, OutputStream target) throws IOException, PlaybackException {
        Cutter cutter = new Cutter(plan, null);
        Map<Integer, SampleTables> tables = new LinkedHashMap<>();
        for (TrackInfo track : plan.steps.get(0).indexed().index().tracks()) {
            tables.put(track.id(), new SampleTables(track));
        }
        List<Media> media = new ArrayList<>();
        long payload = 0;
        for (RangePlan.Step step : plan.steps) {
            List<Cutter.Selection> selections = cutter.select(step, FragmentReader.read(step));
            if (!selections.isEmpty()) {
                List<Piece> pieces = Piece.of(selections, FragmentReader.where(step));
                for (Piece piece : pieces) {
                    add(tables.get(piece.selection().samples().track.id()), piece, payload);
                    payload += piece.length();
                }
                media.add(new Media(step, Piece.ranges(pieces)));
            }
            if (cutter.finished()) {
                break;
            }
        }
        if (!cutter.wroteAnything()) {
            throw new PlaybackException(PlaybackException.Reason.NO_MEDIA,
                    "no sample of the planned fragments lies in the requested range");
        }
        List<SampleTables> used = new ArrayList<>();
        for (SampleTables table : tables.values()) {
            if (table.count() > 0) {
                used.add(table); // a track with no sample in range would only confuse players
            }
        }
        Fmp4Writer.Counting out = new Fmp4Writer.Counting(target);
        header(used, payload).writeTo(out);
        Fmp4Writer.mdatHeader(out, payload, mdatHeaderLength(payload));
        for (Media fragment : media) {
            long[] ranges = fragment.ranges;
            long first = ranges[0];
            long last = ranges[ranges.length - 2] + ranges[ranges.length - 1];
            try (InputStream in = fragment.step.indexed().source().open(first, last - first)) {
                Piece.copy(ranges, in, first, out, FragmentReader.where(fragment.step));
            }
        }
        out.flush();
        return MuxResult.of(cutter, plan, out.count);
    }

    private static void add(SampleTables table, Piece piece, long payloadOffset) {
        Cutter.Selection selection = piece.selection();
        TrackSamples samples = selection.samples();
        for (int i = piece.from(); i < piece.to(); i++) {
            table.add(selection.decodeTime(i), selection.duration(i), samples.size(i), samples.sync(i),
                    samples.compositionOffset(i));
        }
        table.addChunk(payloadOffset, piece.to() - piece.from());
    }

    /** ftyp and moov, with chunk offsets pointing past both and the mdat header. */
    private static BoxWriter header(List<SampleTables> tables, long payload) {
        BoxWriter ftyp = new BoxWriter();
        MoovWriter.ftyp(ftyp, false);
        int mdatHeader = mdatHeaderLength(payload);
        // the moov's length does not depend on the offsets, only on stco versus co64
        BoxWriter probe = new BoxWriter();
        MoovWriter.plain(probe, tables, 0, false);
        boolean co64 = ftyp.length() + probe.length() + mdatHeader + payload > 0xffffffffL;
        if (co64) {
            probe = new BoxWriter();
            MoovWriter.plain(probe, tables, 0, true);
        }
        BoxWriter out = new BoxWriter();
        MoovWriter.ftyp(out, false);
        MoovWriter.plain(out, tables, (long) ftyp.length() + probe.length() + mdatHeader, co64);
        return out;
    }

    private static int mdatHeaderLength(long payload) {
        return payload + 8 > 0xffffffffL ? 16 : 8;
    }
}
