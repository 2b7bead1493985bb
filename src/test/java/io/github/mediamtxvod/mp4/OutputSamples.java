package io.github.mediamtxvod.mp4;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads back the samples of an output (fMP4 or plain MP4) with their decode times and the name
 * {@link SyntheticSegment} wrote into their bytes. Plain MP4 tables are read here independently of
 * the writer; fMP4 fragments with the same parser the engine uses for its input.
 */
final class OutputSamples {
    /** One sample of an output: its track, times in the track's ticks, flags and the name in its bytes. */
    record Sample(int trackId, long timescale, long dts, int compositionOffset, boolean sync, int tag,
            int payloadTrack, int number) {
        double seconds() {
            return (double) dts / timescale;
        }
    }

    private OutputSamples() {}

    static List<String> topLevelBoxes(byte[] file) throws PlaybackException {
        return Box.children(file, 0, file.length, "output").stream().map(Box::type).toList();
    }

    static List<Sample> fmp4(byte[] file) throws PlaybackException {
        List<Box> top = Box.children(file, 0, file.length, "output");
        Map<Integer, TrackInfo> tracks = new HashMap<>();
        for (TrackInfo track : InitParser.tracks(file, Box.require(top, "moov", "output"), "output")) {
            tracks.put(track.id(), track);
        }
        List<Sample> samples = new ArrayList<>();
        for (Box box : top) {
            if (box.type().equals("moof")) {
                byte[] moof = Arrays.copyOfRange(file, box.start(), box.end());
                for (TrackSamples run : MoofParser.parse(moof, box.start(), tracks, "output")) {
                    long[] times = run.decodeTimes();
                    for (int i = 0; i < run.count(); i++) {
                        samples.add(sample(file, run.track.id(), run.track.timescale(), times[i],
                                run.compositionOffset(i), run.sync(i), run.offset(i)));
                    }
                }
            }
        }
        return samples;
    }

    static List<Sample> mp4(byte[] file) throws PlaybackException {
        List<Sample> samples = new ArrayList<>();
        Box moov = Box.require(Box.children(file, 0, file.length, "output"), "moov", "output");
        for (Box trak : moov.children(file, 0, "moov")) {
            if (trak.type().equals("trak")) {
                samples.addAll(track(file, trak));
            }
        }
        return samples;
    }

    private static List<Sample> track(byte[] file, Box trak) throws PlaybackException {
        List<Box> children = trak.children(file, 0, "trak");
        int id = Bytes.i32(file, Box.require(children, "tkhd", "trak").bodyStart() + 12);
        List<Box> mdia = Box.require(children, "mdia", "trak").children(file, 0, "mdia");
        long timescale = Bytes.u32(file, Box.require(mdia, "mdhd", "mdia").bodyStart() + 12);
        List<Box> stbl = Box.require(Box.require(mdia, "minf", "mdia").children(file, 0, "minf"), "stbl", "minf")
                .children(file, 0, "stbl");
        long[] deltas = expand(file, Box.require(stbl, "stts", "stbl"));
        Box ctts = Box.find(stbl, "ctts");
        long[] offsets = ctts == null ? new long[deltas.length] : expand(file, ctts);
        Box stss = Box.find(stbl, "stss");
        boolean[] sync = new boolean[deltas.length];
        if (stss == null) {
            Arrays.fill(sync, true);
        } else {
            for (long i = 0, n = Bytes.u32(file, stss.bodyStart() + 4); i < n; i++) {
                sync[(int) Bytes.u32(file, stss.bodyStart() + 8 + 4 * (int) i) - 1] = true;
            }
        }
        Box stsz = Box.require(stbl, "stsz", "stbl");
        Box stsc = Box.require(stbl, "stsc", "stbl");
        Box stco = Box.find(stbl, "stco");
        boolean wide = stco == null;
        Box chunks = wide ? Box.require(stbl, "co64", "stbl") : stco;
        int chunkCount = (int) Bytes.u32(file, chunks.bodyStart() + 4);
        int stscCount = (int) Bytes.u32(file, stsc.bodyStart() + 4);
        List<Sample> samples = new ArrayList<>();
        int sample = 0;
        long dts = 0;
        for (int c = 0; c < chunkCount; c++) {
            long offset = wide ? Bytes.i64(file, chunks.bodyStart() + 8 + 8 * c)
                    : Bytes.u32(file, chunks.bodyStart() + 8 + 4 * c);
            int perChunk = 0;
            for (int e = 0; e < stscCount; e++) {
                if (Bytes.u32(file, stsc.bodyStart() + 8 + 12 * e) <= c + 1) {
                    perChunk = (int) Bytes.u32(file, stsc.bodyStart() + 12 + 12 * e);
                }
            }
            for (int i = 0; i < perChunk; i++, sample++) {
                samples.add(sample(file, id, timescale, dts, (int) offsets[sample], sync[sample], offset));
                offset += Bytes.u32(file, stsz.bodyStart() + 12 + 4 * sample);
                dts += deltas[sample];
            }
        }
        return samples;
    }

    /** stts or ctts entries (count, value) expanded to one value per sample. */
    private static long[] expand(byte[] file, Box table) {
        int entries = (int) Bytes.u32(file, table.bodyStart() + 4);
        List<Long> values = new ArrayList<>();
        for (int e = 0; e < entries; e++) {
            long count = Bytes.u32(file, table.bodyStart() + 8 + 8 * e);
            long value = Bytes.i32(file, table.bodyStart() + 12 + 8 * e);
            for (long i = 0; i < count; i++) {
                values.add(value);
            }
        }
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    private static Sample sample(byte[] file, int trackId, long timescale, long dts, int compositionOffset,
            boolean sync, long offset) {
        int at = (int) offset;
        return new Sample(trackId, timescale, dts, compositionOffset, sync, Bytes.i32(file, at),
                Bytes.i32(file, at + 4), Bytes.i32(file, at + 8));
    }
}
