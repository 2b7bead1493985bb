package io.github.mediamtxvod.mp4;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link FragmentIndex} by walking the top-level boxes of a source. Reads go through a
 * small read-ahead window sized from the last moof, so one ranged read usually covers a moof and
 * the header of its mdat, and the mdat's payload is never read. Not thread-safe; one per read.
 */
final class IndexReader {
    private static final int FIRST_READ = 64 * 1024;
    private static final int MIN_READ_AHEAD = 4 * 1024;
    private static final int MAX_READ_AHEAD = 1024 * 1024;
    /** Largest moof or moov accepted: FFmpeg's are kilobytes; more means a corrupt size field. */
    private static final long MAX_HEADER_BOX = 64L * 1024 * 1024;

    private final SegmentSource source;
    private final long size;
    private byte[] window = new byte[0];
    private long windowStart;
    private int readAhead = FIRST_READ;

    private IndexReader(SegmentSource source) {
        this.source = source;
        this.size = source.size();
    }

    static FragmentIndex read(SegmentSource source) throws IOException, PlaybackException {
        return new IndexReader(source).walk();
    }

    private FragmentIndex walk() throws IOException, PlaybackException {
        String name = source.name();
        Header ftyp = header(0);
        if (ftyp == null || !ftyp.type.equals("ftyp")) {
            throw new PlaybackException(PlaybackException.Reason.UNSUPPORTED_INPUT,
                    name + " does not start with an ftyp box; it is not an MP4 file");
        }
        long position = ftyp.end();
        Header moov = header(position);
        while (moov != null && !moov.type.equals("moov") && !moov.type.equals("moof") && !moov.type.equals("mdat")) {
            position = moov.end(); // free, skip, uuid before the moov
            moov = header(position);
        }
        if (moov == null || !moov.type.equals("moov")) {
            throw new PlaybackException(PlaybackException.Reason.UNSUPPORTED_INPUT, name
                    + " has no moov box before its media; it is not a fragmented MP4 with the header first");
        }
        byte[] moovBytes = bytes(moov.offset, checkedLength(moov, name), 0);
        List<TrackInfo> tracks = InitParser.tracks(moovBytes, new Box("moov", 0, moov.headerLength,
                moovBytes.length), name);
        Map<Integer, TrackInfo> byId = new HashMap<>();
        for (TrackInfo track : tracks) {
            byId.put(track.id(), track);
        }
        long initLength = moov.end();
        List<FragmentIndex.Fragment> fragments = new ArrayList<>();
        long complete = initLength;
        position = initLength;
        for (Header box = header(position); box != null; box = header(position)) {
            if (box.type.equals("moof")) {
                FragmentIndex.Fragment fragment = fragment(box, byId, name);
                if (fragment == null) {
                    break; // torn: its mdat is missing, cut off, or shorter than its samples
                }
                fragments.add(fragment);
                complete = fragment.end();
                position = complete;
            } else {
                position = box.end(); // mfra, free, sidx, an mdat with no moof: nothing to index
            }
        }
        return new FragmentIndex(initLength, complete, tracks, fragments);
    }

    private FragmentIndex.Fragment fragment(Header moof, Map<Integer, TrackInfo> tracks, String name)
            throws IOException, PlaybackException {
        int moofLength = checkedLength(moof, name);
        readAhead = Math.clamp(2L * moofLength + 64, MIN_READ_AHEAD, MAX_READ_AHEAD);
        // the moof and the next box header in one read
        long wanted = Math.min(moofLength + 16L, size - moof.offset);
        byte[] bytes = bytes(moof.offset, (int) wanted, 0);
        Header mdat = header(moof.end());
        if (mdat == null || !mdat.type.equals("mdat")) {
            return null;
        }
        byte[] moofBytes = bytes.length == moofLength ? bytes : Arrays.copyOf(bytes, moofLength);
        List<TrackSamples> samples = MoofParser.parse(moofBytes, moof.offset, tracks,
                name + " (moof at byte " + moof.offset + ")");
        List<FragmentIndex.TrackRun> runs = new ArrayList<>(samples.size());
        for (TrackSamples track : samples) {
            for (int i = 0; i < track.count(); i++) {
                long offset = track.offset(i);
                if (offset < mdat.offset + mdat.headerLength || offset + track.size(i) > mdat.end()) {
                    return null; // data outside its mdat: treat like a torn fragment and stop here
                }
            }
            runs.add(run(track));
        }
        return new FragmentIndex.Fragment(moof.offset, moofLength, mdat.offset, mdat.size, runs);
    }

    static FragmentIndex.TrackRun run(TrackSamples track) {
        long[] times = track.decodeTimes();
        List<FragmentIndex.SyncSample> sync = new ArrayList<>();
        boolean allSync = true;
        for (int i = 0; i < track.count(); i++) {
            if (track.sync(i)) {
                sync.add(new FragmentIndex.SyncSample(i, times[i]));
            } else {
                allSync = false;
            }
        }
        return new FragmentIndex.TrackRun(track.track.id(), track.baseDecodeTime, track.count(),
                times[track.count()] - times[0], allSync, allSync ? List.of() : sync);
    }

    private static int checkedLength(Header box, String name) throws PlaybackException {
        if (box.size > MAX_HEADER_BOX) {
            throw Box.malformed(name, box.offset, box.type + " of " + box.size + " bytes is larger than the "
                    + MAX_HEADER_BOX + " accepted for a header box");
        }
        return (int) box.size;
    }

    /** A complete top-level box's header at {@code position}, or null at the end or for a box cut off. */
    private Header header(long position) throws IOException {
        if (position + 8 > size) {
            return null;
        }
        byte[] bytes = bytes(position, (int) Math.min(16, size - position), readAhead);
        long boxSize = Bytes.u32(bytes, 0);
        int headerLength = 8;
        if (boxSize == 1) {
            if (bytes.length < 16) {
                return null;
            }
            boxSize = Bytes.i64(bytes, 8);
            headerLength = 16;
        } else if (boxSize == 0) {
            boxSize = size - position;
        }
        if (boxSize < headerLength || boxSize > size - position) {
            return null;
        }
        return new Header(Bytes.fourcc(bytes, 4), position, boxSize, headerLength);
    }

    /**
     * Bytes {@code [position, position + length)}, from the window or one new ranged read of at least
     * {@code ahead} bytes: a box header is read with the moof that usually follows it, a moof with
     * nothing more, as what follows it is media.
     */
    private byte[] bytes(long position, int length, int ahead) throws IOException {
        if (position < windowStart || position + length > windowStart + window.length) {
            int read = (int) Math.min(Math.max(length, ahead), size - position);
            try (InputStream in = source.open(position, read)) {
                window = in.readNBytes(read);
            }
            windowStart = position;
            if (window.length < length) {
                throw new EOFException(source.name() + " ended at byte " + (position + window.length)
                        + ", before the " + size + " bytes it had when the index was started");
            }
        }
        int from = (int) (position - windowStart);
        return Arrays.copyOfRange(window, from, from + length);
    }

    private record Header(String type, long offset, long size, int headerLength) {
        long end() {
            return offset + size;
        }
    }
}
