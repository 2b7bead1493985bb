package io.github.mediamtxvod.mp4;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the track list from a {@code moov} box of a fragmented MP4: ids, handlers, timescales,
 * sample descriptions and the {@code trex} defaults fragments fall back on. Pure.
 */
final class InitParser {
    private InitParser() {}

    /**
     * @param data bytes holding the moov box
     * @param moov the moov box within {@code data}
     * @param name the source's name, for messages
     */
    static List<TrackInfo> tracks(byte[] data, Box moov, String name) throws PlaybackException {
        String where = name + " (moov)";
        List<Box> children = moov.children(data, 0, where);
        Box mvex = Box.find(children, "mvex");
        if (mvex == null) {
            throw new PlaybackException(PlaybackException.Reason.UNSUPPORTED_INPUT, name
                    + " is not a fragmented MP4 (its moov has no mvex); only the recorder's fragmented segments"
                    + " can be played back");
        }
        Map<Integer, long[]> defaults = new HashMap<>();
        for (Box trex : mvex.children(data, 0, where)) {
            if (trex.type().equals("trex") && trex.bodyLength() >= 24) {
                int at = trex.bodyStart();
                defaults.put(Bytes.i32(data, at + 4), new long[] {
                    Bytes.u32(data, at + 12), Bytes.u32(data, at + 16), Bytes.i32(data, at + 20)});
            }
        }
        List<TrackInfo> tracks = new ArrayList<>();
        for (Box trak : children) {
            if (trak.type().equals("trak")) {
                tracks.add(track(data, trak, defaults, where));
            }
        }
        if (tracks.isEmpty()) {
            throw new PlaybackException(PlaybackException.Reason.UNSUPPORTED_INPUT, name + " has no tracks");
        }
        return List.copyOf(tracks);
    }

    private static TrackInfo track(byte[] data, Box trak, Map<Integer, long[]> defaults, String where)
            throws PlaybackException {
        List<Box> trakChildren = trak.children(data, 0, where);
        Box tkhd = Box.require(trakChildren, "tkhd", where);
        int t = tkhd.bodyStart();
        boolean tkhdV1 = Bytes.u8(data, t) == 1;
        tkhd.requireBody(tkhdV1 ? 96 : 84, where);
        int id = Bytes.i32(data, t + (tkhdV1 ? 20 : 12));
        int width = Bytes.i32(data, t + (tkhdV1 ? 88 : 76));
        int height = Bytes.i32(data, t + (tkhdV1 ? 92 : 80));

        List<Box> mdia = Box.require(trakChildren, "mdia", where).children(data, 0, where);
        Box mdhd = Box.require(mdia, "mdhd", where);
        int m = mdhd.bodyStart();
        boolean mdhdV1 = Bytes.u8(data, m) == 1;
        mdhd.requireBody(mdhdV1 ? 34 : 22, where);
        long timescale = Bytes.u32(data, m + (mdhdV1 ? 20 : 12));
        int language = Bytes.u16(data, m + (mdhdV1 ? 32 : 20));
        Box hdlr = Box.require(mdia, "hdlr", where);
        hdlr.requireBody(12, where);
        String handler = Bytes.fourcc(data, hdlr.bodyStart() + 8);

        List<Box> stbl = Box.require(Box.require(mdia, "minf", where).children(data, 0, where), "stbl", where)
                .children(data, 0, where);
        Box stsd = Box.require(stbl, "stsd", where);
        stsd.requireBody(16, where);
        String codec = Bytes.fourcc(data, stsd.bodyStart() + 12);
        Box stsz = Box.find(stbl, "stsz");
        if (stsz != null && stsz.bodyLength() >= 12 && Bytes.u32(data, stsz.bodyStart() + 8) != 0) {
            throw new PlaybackException(PlaybackException.Reason.UNSUPPORTED_INPUT, where + ": track " + id
                    + " keeps samples in its moov; only fragmented MP4 with an empty moov is supported");
        }
        if (timescale == 0) {
            throw new PlaybackException(PlaybackException.Reason.UNSUPPORTED_INPUT,
                    where + ": track " + id + " has timescale 0");
        }
        long[] trex = defaults.getOrDefault(id, new long[3]);
        byte[] description = Arrays.copyOfRange(data, stsd.start(), stsd.end());
        return new TrackInfo(id, handler, timescale, codec, description, width, height, language,
                trex[0], trex[1], (int) trex[2]);
    }
}
