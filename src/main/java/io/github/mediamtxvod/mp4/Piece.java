package io.github.mediamtxvod.mp4;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Samples {@code [from, to)} of one selection that lie back to back in the source file: one copy
 * from the source, one trun or chunk in the output. FFmpeg stores each track's samples of a
 * fragment contiguously, so a selection is normally one piece. Pure, apart from {@link #copy}.
 *
 * @param selection the track's selection in its fragment
 * @param from      first sample
 * @param to        one past the last sample
 * @param offset    file offset of the first sample
 * @param length    bytes of all the samples
 */
record Piece(Cutter.Selection selection, int from, int to, long offset, long length) {
    private static final int COPY_BUFFER = 64 * 1024;

    long end() {
        return offset + length;
    }

    /** The pieces of some selections, ordered by file offset: the order they are read and written in. */
    static List<Piece> of(List<Cutter.Selection> selections, String where) throws PlaybackException {
        List<Piece> pieces = new ArrayList<>();
        for (Cutter.Selection selection : selections) {
            TrackSamples samples = selection.samples();
            int start = selection.from();
            for (int i = selection.from() + 1; i <= selection.to(); i++) {
                if (i == selection.to() || samples.offset(i) != samples.offset(i - 1) + samples.size(i - 1)) {
                    long offset = samples.offset(start);
                    pieces.add(new Piece(selection, start, i, offset,
                            samples.offset(i - 1) + samples.size(i - 1) - offset));
                    start = i;
                }
            }
        }
        pieces.sort(Comparator.comparingLong(Piece::offset));
        for (int i = 1; i < pieces.size(); i++) {
            if (pieces.get(i).offset < pieces.get(i - 1).end()) {
                throw Box.malformed(where, pieces.get(i).offset, "samples of two tracks overlap");
            }
        }
        return pieces;
    }

    static long totalLength(List<Piece> pieces) {
        long total = 0;
        for (Piece piece : pieces) {
            total += piece.length;
        }
        return total;
    }

    /** The pieces' byte ranges as {offset, length} pairs, all a later media pass needs to keep. */
    static long[] ranges(List<Piece> pieces) {
        long[] ranges = new long[2 * pieces.size()];
        for (int i = 0; i < pieces.size(); i++) {
            ranges[2 * i] = pieces.get(i).offset;
            ranges[2 * i + 1] = pieces.get(i).length;
        }
        return ranges;
    }

    /**
     * Copies byte ranges ({offset, length} pairs in file order) from a stream positioned at file
     * offset {@code position}, skipping the bytes between them.
     */
    static void copy(long[] ranges, InputStream in, long position, OutputStream out, String where)
            throws IOException {
        byte[] buffer = new byte[COPY_BUFFER];
        long at = position;
        for (int r = 0; r < ranges.length; r += 2) {
            in.skipNBytes(ranges[r] - at);
            long left = ranges[r + 1];
            while (left > 0) {
                int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (read < 0) {
                    throw new EOFException(where + " ended inside the samples at byte "
                            + (ranges[r] + ranges[r + 1] - left) + "; the file is shorter than its index says");
                }
                out.write(buffer, 0, read);
                left -= read;
            }
            at = ranges[r] + ranges[r + 1];
        }
    }
}
