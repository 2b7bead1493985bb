package io.github.mediamtxvod.mp4;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses one {@code moof} box into per-track sample lists with absolute file offsets
 * (ISO/IEC 14496-12 §8.8: tfhd defaults, then trex defaults; base data offset from tfhd, else the
 * moof with default-base-is-moof, else the end of the previous track's data). Pure.
 */
final class MoofParser {
    static final int TFHD_BASE_DATA_OFFSET = 0x1;
    static final int TFHD_SAMPLE_DESCRIPTION = 0x2;
    static final int TFHD_DEFAULT_DURATION = 0x8;
    private static final int TFHD_DEFAULT_SIZE = 0x10;
    private static final int TFHD_DEFAULT_FLAGS = 0x20;
    private static final int TFHD_FOUR_BYTE_FIELDS =
            TFHD_SAMPLE_DESCRIPTION | TFHD_DEFAULT_DURATION | TFHD_DEFAULT_SIZE | TFHD_DEFAULT_FLAGS;
    private static final int TFHD_DEFAULT_BASE_IS_MOOF = 0x20000;
    static final int TRUN_DATA_OFFSET = 0x1;
    static final int TRUN_FIRST_FLAGS = 0x4;
    static final int TRUN_DURATION = 0x100;
    static final int TRUN_SIZE = 0x200;
    static final int TRUN_FLAGS = 0x400;
    static final int TRUN_COMPOSITION = 0x800;

    private MoofParser() {}

    /**
     * @param moof       the moof box's bytes, header included
     * @param moofOffset where the moof starts in the file
     * @param tracks     the init section's tracks by id
     * @param where      the source's name and the box offset, for messages
     * @return samples per track, in the order of the moof's traf boxes, one entry per track
     */
    static List<TrackSamples> parse(byte[] moof, long moofOffset, Map<Integer, TrackInfo> tracks, String where)
            throws PlaybackException {
        List<Box> top = Box.children(moof, 0, moof.length, where);
        if (top.size() != 1 || !top.get(0).type().equals("moof")) {
            throw Box.malformed(where, moofOffset, "expected one moof box");
        }
        Map<Integer, TrackSamples> byTrack = new LinkedHashMap<>();
        long previousDataEnd = moofOffset;
        for (Box traf : top.get(0).children(moof, 0, where)) {
            if (traf.type().equals("traf")) {
                previousDataEnd = traf(moof, traf, moofOffset, previousDataEnd, tracks, byTrack, where);
            }
        }
        return new ArrayList<>(byTrack.values());
    }

    private static long traf(byte[] data, Box traf, long moofOffset, long previousDataEnd,
            Map<Integer, TrackInfo> tracks, Map<Integer, TrackSamples> byTrack, String where)
            throws PlaybackException {
        List<Box> children = traf.children(data, 0, where);
        Box tfhd = Box.require(children, "tfhd", where);
        int at = tfhd.bodyStart();
        tfhd.requireBody(8, where);
        int tfhdFlags = Bytes.i32(data, at) & 0xffffff;
        int trackId = Bytes.i32(data, at + 4);
        TrackInfo track = tracks.get(trackId);
        if (track == null) {
            throw new PlaybackException(PlaybackException.Reason.INCONSISTENT_TRACKS,
                    where + " has samples of track " + trackId + ", which its init section does not declare");
        }
        tfhd.requireBody(8 + 8 * (tfhdFlags & TFHD_BASE_DATA_OFFSET)
                + 4 * Integer.bitCount(tfhdFlags & TFHD_FOUR_BYTE_FIELDS), where);
        int field = at + 8;
        long base = (tfhdFlags & TFHD_DEFAULT_BASE_IS_MOOF) != 0 ? moofOffset : previousDataEnd;
        if ((tfhdFlags & TFHD_BASE_DATA_OFFSET) != 0) {
            base = Bytes.i64(data, field);
            field += 8;
        }
        if ((tfhdFlags & TFHD_SAMPLE_DESCRIPTION) != 0) {
            field += 4;
        }
        long defaultDuration = track.defaultSampleDuration();
        long defaultSize = track.defaultSampleSize();
        int defaultFlags = track.defaultSampleFlags();
        if ((tfhdFlags & TFHD_DEFAULT_DURATION) != 0) {
            defaultDuration = Bytes.u32(data, field);
            field += 4;
        }
        if ((tfhdFlags & TFHD_DEFAULT_SIZE) != 0) {
            defaultSize = Bytes.u32(data, field);
            field += 4;
        }
        if ((tfhdFlags & TFHD_DEFAULT_FLAGS) != 0) {
            defaultFlags = Bytes.i32(data, field);
            field += 4;
        }
        Box tfdt = Box.require(children, "tfdt", where);
        tfdt.requireBody(8, where);
        long baseDecodeTime = Bytes.u8(data, tfdt.bodyStart()) == 1
                ? Bytes.i64(data, tfdt.bodyStart() + 4)
                : Bytes.u32(data, tfdt.bodyStart() + 4);
        TrackSamples samples = byTrack.computeIfAbsent(trackId, id -> new TrackSamples(track, baseDecodeTime));
        long dataEnd = base;
        for (Box trun : children) {
            if (trun.type().equals("trun")) {
                dataEnd = trun(data, trun, base, dataEnd, defaultDuration, defaultSize, defaultFlags, samples, where);
            }
        }
        return dataEnd;
    }

    private static long trun(byte[] data, Box trun, long base, long previousEnd, long defaultDuration,
            long defaultSize, int defaultFlags, TrackSamples samples, String where) throws PlaybackException {
        int at = trun.bodyStart();
        trun.requireBody(8, where);
        int flags = Bytes.i32(data, at) & 0xffffff;
        long count = Bytes.u32(data, at + 4);
        trun.requireBody(8 + 4 * Integer.bitCount(flags & (TRUN_DATA_OFFSET | TRUN_FIRST_FLAGS)), where);
        int field = at + 8;
        long offset = previousEnd;
        if ((flags & TRUN_DATA_OFFSET) != 0) {
            offset = base + Bytes.i32(data, field);
            field += 4;
        }
        int firstFlags = defaultFlags;
        boolean hasFirstFlags = (flags & TRUN_FIRST_FLAGS) != 0;
        if (hasFirstFlags) {
            firstFlags = Bytes.i32(data, field);
            field += 4;
        }
        int entry = 4 * Integer.bitCount(flags & 0xf00);
        if (count * entry > trun.end() - field) {
            throw Box.malformed(where, trun.start(), "trun lists " + count + " samples but holds "
                    + (trun.end() - field) + " bytes of entries");
        }
        for (int i = 0; i < count; i++) {
            long duration = (flags & TRUN_DURATION) != 0 ? Bytes.u32(data, field) : defaultDuration;
            field += (flags & TRUN_DURATION) != 0 ? 4 : 0;
            long size = (flags & TRUN_SIZE) != 0 ? Bytes.u32(data, field) : defaultSize;
            field += (flags & TRUN_SIZE) != 0 ? 4 : 0;
            int sampleFlags = (flags & TRUN_FLAGS) != 0 ? Bytes.i32(data, field)
                    : i == 0 && hasFirstFlags ? firstFlags : defaultFlags;
            field += (flags & TRUN_FLAGS) != 0 ? 4 : 0;
            // version 0 stores the offset unsigned, version 1 signed; FFmpeg's values fit either way
            int composition = (flags & TRUN_COMPOSITION) != 0 ? Bytes.i32(data, field) : 0;
            field += (flags & TRUN_COMPOSITION) != 0 ? 4 : 0;
            if (size > Integer.MAX_VALUE) {
                throw Box.malformed(where, trun.start(), "sample " + i + " claims " + size + " bytes");
            }
            samples.add(offset, (int) size, duration, sampleFlags, composition);
            offset += size;
        }
        return offset;
    }

}
