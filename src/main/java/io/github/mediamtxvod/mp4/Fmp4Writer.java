package io.github.mediamtxvod.mp4;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams a fragmented MP4: ftyp+moov once the first fragment with samples in range has been read,
 * then one moof+mdat per source fragment, renumbered from 1, with decode times on the output
 * timeline and data offsets for the samples kept. Each source fragment is one ranged read (moof
 * and mdat together); bytes leave, and are flushed, fragment by fragment. Not thread-safe; one
 * per output.
 */
final class Fmp4Writer {
    private static final int TRUN_FLAGS = 0x1 | 0x100 | 0x200 | 0x400;
    private static final int TRUN_COMPOSITION = 0x800;
    private static final int TFHD_DEFAULT_BASE_IS_MOOF = 0x20000;

    private Fmp4Writer() {}

    static MuxResult write(RangePlan plan, Long originNanos, OutputStream target)
            throws IOException, PlaybackException {
        Counting out = new Counting(target);
        Cutter cutter = new Cutter(plan, originNanos);
        int sequence = 1;
        for (RangePlan.Step step : plan.steps) {
            FragmentIndex.Fragment fragment = step.fragment();
            try (InputStream in = step.indexed().source().open(fragment.moofOffset(), fragment.length())) {
                List<Cutter.Selection> selections = cutter.select(step, FragmentReader.parse(step, in));
                if (selections.isEmpty()) {
                    continue;
                }
                if (sequence == 1) {
                    BoxWriter header = new BoxWriter();
                    MoovWriter.ftyp(header, true);
                    MoovWriter.fragmented(header, plan.steps.get(0).indexed().index().tracks());
                    header.writeTo(out);
                }
                List<Piece> pieces = Piece.of(selections, FragmentReader.where(step));
                long payload = Piece.totalLength(pieces);
                int mdatHeader = payload + 8 > 0xffffffffL ? 16 : 8;
                moof(sequence++, selections, pieces, mdatHeader).writeTo(out);
                mdatHeader(out, payload, mdatHeader);
                Piece.copy(Piece.ranges(pieces), in, fragment.moofOffset() + fragment.moofSize(), out,
                        FragmentReader.where(step));
                out.flush();
            }
            if (cutter.finished()) {
                break;
            }
        }
        if (!cutter.wroteAnything()) {
            throw new PlaybackException(PlaybackException.Reason.NO_MEDIA,
                    "no sample of the planned fragments lies in the requested range");
        }
        return MuxResult.of(cutter, plan, out.count);
    }

    /** A moof for the pieces, whose data offsets point into the mdat that follows it. */
    static BoxWriter moof(int sequence, List<Cutter.Selection> selections, List<Piece> pieces, int mdatHeader) {
        long[] positions = new long[pieces.size()];
        long position = 0;
        for (int i = 0; i < pieces.size(); i++) {
            positions[i] = position;
            position += pieces.get(i).length();
        }
        BoxWriter out = new BoxWriter();
        List<int[]> patches = new ArrayList<>();
        out.begin("moof");
        out.beginFull("mfhd", 0, 0).u32(sequence).end();
        for (Cutter.Selection selection : selections) {
            TrackSamples samples = selection.samples();
            out.begin("traf");
            out.beginFull("tfhd", 0, TFHD_DEFAULT_BASE_IS_MOOF).u32(samples.track.id()).end();
            out.beginFull("tfdt", 1, 0).u64(selection.outDts()).end();
            for (int p = 0; p < pieces.size(); p++) {
                if (pieces.get(p).selection() == selection) {
                    patches.add(new int[] {trun(out, pieces.get(p)), p});
                }
            }
            out.end();
        }
        out.end();
        for (int[] patch : patches) {
            out.setU32(patch[0], out.length() + mdatHeader + positions[patch[1]]);
        }
        return out;
    }

    /** Writes a trun for one piece and returns where its data offset is, to fill in later. */
    private static int trun(BoxWriter out, Piece piece) {
        TrackSamples samples = piece.selection().samples();
        boolean composition = false;
        boolean negative = false;
        for (int i = piece.from(); i < piece.to(); i++) {
            composition |= samples.compositionOffset(i) != 0;
            negative |= samples.compositionOffset(i) < 0;
        }
        out.beginFull("trun", negative ? 1 : 0, TRUN_FLAGS | (composition ? TRUN_COMPOSITION : 0));
        out.u32(piece.to() - piece.from());
        int dataOffset = out.length();
        out.u32(0);
        for (int i = piece.from(); i < piece.to(); i++) {
            out.u32(piece.selection().duration(i)).u32(samples.size(i)).u32(Integer.toUnsignedLong(samples.flags(i)));
            if (composition) {
                out.u32(Integer.toUnsignedLong(samples.compositionOffset(i)));
            }
        }
        out.end();
        return dataOffset;
    }

    static void mdatHeader(OutputStream out, long payload, int headerLength) throws IOException {
        BoxWriter header = new BoxWriter();
        if (headerLength == 16) {
            header.u32(1).fourcc("mdat").u64(payload + 16);
        } else {
            header.u32(payload + 8).fourcc("mdat");
        }
        header.writeTo(out);
    }

    /** Counts what passes through, for the result. */
    static final class Counting extends java.io.FilterOutputStream {
        long count;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
            count += length;
        }
    }
}
