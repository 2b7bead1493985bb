package io.github.mediamtxvod.mp4;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes fragmented MP4 segments with made-up sample bytes, laid out the way FFmpeg's mov muxer
 * writes them (tfhd with default-base-is-moof and defaults, trun with a data offset and first-sample
 * flags, each track's samples contiguous in the mdat). Every sample's bytes name it: segment tag,
 * track id and sample number (4 bytes each), so a test can tell exactly which samples an output
 * holds. Fragments are cut every {@code fragment} of decode time, whether or not a keyframe is there,
 * as FFmpeg does with {@code frag_duration}.
 */
final class SyntheticSegment {
    static final int SYNC = 0x02000000;
    static final int NON_SYNC = 0x01010000;

    /**
     * A track to write.
     *
     * @param syncEvery     every how many samples a keyframe comes; 1 for all-sync (audio)
     * @param bFrameOffset  composition offset of every sample, as B-frames give (0: none)
     * @param description   distinguishes sample descriptions, as another codec configuration would
     */
    record Track(int id, String handler, long timescale, long sampleDuration, int syncEvery, int bFrameOffset,
            String description) {
        TrackInfo info() {
            byte[] entry = description.getBytes(StandardCharsets.US_ASCII);
            BoxWriter stsd = new BoxWriter();
            stsd.beginFull("stsd", 0, 0).u32(1).begin(handler.equals("vide") ? "avc1" : "mp4a").bytes(entry).end()
                    .end();
            return new TrackInfo(id, handler, timescale, handler.equals("vide") ? "avc1" : "mp4a",
                    stsd.toByteArray(), handler.equals("vide") ? 320 << 16 : 0, handler.equals("vide") ? 240 << 16 : 0,
                    0x55c4, 0, 0, 0);
        }
    }

    /** 25 fps video at 90 kHz with a keyframe every {@code gopSeconds}. */
    static Track video(int gopSeconds) {
        return new Track(1, "vide", 90_000, 3_600, 25 * gopSeconds, 0, "video-a");
    }

    /** 48 kHz AAC-like audio: 1024-sample frames, all sync. */
    static Track audio() {
        return new Track(2, "soun", 48_000, 1_024, 1, 0, "audio-a");
    }

    private SyntheticSegment() {}

    static byte[] write(int tag, List<Track> tracks, Duration length, Duration fragment) {
        BoxWriter out = new BoxWriter();
        MoovWriter.ftyp(out, true);
        MoovWriter.fragmented(out, tracks.stream().map(Track::info).toList());
        int sequence = 1;
        long[] next = new long[tracks.size()];
        for (long from = 0; from < length.toNanos(); from += fragment.toNanos()) {
            long to = Math.min(from + fragment.toNanos(), length.toNanos());
            fragment(out, tag, sequence++, tracks, next, from, to);
        }
        return out.toByteArray();
    }

    private static void fragment(BoxWriter out, int tag, int sequence, List<Track> tracks, long[] next, long from,
            long to) {
        List<int[]> runs = new ArrayList<>(); // per track: first sample number, count
        for (int t = 0; t < tracks.size(); t++) {
            Track track = tracks.get(t);
            int first = (int) next[t];
            int count = 0;
            while (MediaTime.toNanos((first + count) * track.sampleDuration(), track.timescale()) < to) {
                count++;
            }
            next[t] += count;
            runs.add(new int[] {first, count});
        }
        int moofStart = out.length();
        List<Integer> dataOffsets = new ArrayList<>();
        out.begin("moof").beginFull("mfhd", 0, 0).u32(sequence).end();
        for (int t = 0; t < tracks.size(); t++) {
            Track track = tracks.get(t);
            int first = runs.get(t)[0];
            int count = runs.get(t)[1];
            out.begin("traf");
            int defaultFlags = track.syncEvery() == 1 ? SYNC : NON_SYNC;
            out.beginFull("tfhd", 0, 0x20038).u32(track.id()).u32(track.sampleDuration()).u32(12).u32(defaultFlags)
                    .end();
            out.beginFull("tfdt", 1, 0).u64(first * track.sampleDuration()).end();
            // flags as FFmpeg writes them: none when all are the default, first-sample flags when only
            // the first differs, else per sample
            int differing = 0;
            for (int i = first; i < first + count; i++) {
                differing += flags(track, i) != defaultFlags ? 1 : 0;
            }
            boolean firstOnly = differing == 1 && flags(track, first) != defaultFlags;
            boolean perSample = differing > 0 && !firstOnly;
            boolean bFrames = track.bFrameOffset() != 0;
            out.beginFull("trun", 0, 0x1 | 0x200 | (firstOnly ? 0x4 : 0) | (perSample ? 0x400 : 0)
                    | (bFrames ? 0x800 : 0)).u32(count);
            dataOffsets.add(out.length());
            out.u32(0);
            if (firstOnly) {
                out.u32(flags(track, first));
            }
            for (int i = first; i < first + count; i++) {
                boolean sync = i % track.syncEvery() == 0;
                out.u32(size(sync));
                if (perSample) {
                    out.u32(flags(track, i));
                }
                if (bFrames) {
                    out.u32(track.bFrameOffset()); // as FFmpeg: every frame shown after it is decoded
                }
            }
            out.end().end();
        }
        out.end();
        int payload = 0;
        for (int t = 0; t < tracks.size(); t++) {
            for (int i = runs.get(t)[0]; i < runs.get(t)[0] + runs.get(t)[1]; i++) {
                payload += size(i % tracks.get(t).syncEvery() == 0);
            }
        }
        int mdatStart = out.length();
        int position = mdatStart + 8;
        for (int t = 0; t < tracks.size(); t++) {
            out.setU32(dataOffsets.get(t), position - moofStart);
            for (int i = runs.get(t)[0]; i < runs.get(t)[0] + runs.get(t)[1]; i++) {
                position += size(i % tracks.get(t).syncEvery() == 0);
            }
        }
        out.begin("mdat");
        for (int t = 0; t < tracks.size(); t++) {
            Track track = tracks.get(t);
            for (int i = runs.get(t)[0]; i < runs.get(t)[0] + runs.get(t)[1]; i++) {
                boolean sync = i % track.syncEvery() == 0;
                out.u32(tag).u32(track.id()).u32(i).zeros(size(sync) - 12);
            }
        }
        out.end();
        if (out.length() != mdatStart + 8 + payload) {
            throw new IllegalStateException("mdat size mismatch");
        }
    }

    private static int flags(Track track, int sample) {
        return sample % track.syncEvery() == 0 ? SYNC : NON_SYNC;
    }

    /** Keyframes are bigger, as in real video; every sample holds its 12-byte name. */
    static int size(boolean sync) {
        return sync ? 40 : 12;
    }
}
