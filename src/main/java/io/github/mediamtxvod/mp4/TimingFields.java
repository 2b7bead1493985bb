package io.github.mediamtxvod.mp4;

import static io.github.mediamtxvod.mp4.MoofParser.TFHD_BASE_DATA_OFFSET;
import static io.github.mediamtxvod.mp4.MoofParser.TFHD_DEFAULT_DURATION;
import static io.github.mediamtxvod.mp4.MoofParser.TFHD_SAMPLE_DESCRIPTION;
import static io.github.mediamtxvod.mp4.MoofParser.TRUN_COMPOSITION;
import static io.github.mediamtxvod.mp4.MoofParser.TRUN_DATA_OFFSET;
import static io.github.mediamtxvod.mp4.MoofParser.TRUN_DURATION;
import static io.github.mediamtxvod.mp4.MoofParser.TRUN_FIRST_FLAGS;
import static io.github.mediamtxvod.mp4.MoofParser.TRUN_FLAGS;
import static io.github.mediamtxvod.mp4.MoofParser.TRUN_SIZE;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads where the times of a track's samples are stored in a fragmented MP4, for
 * {@link LeadingTiming} and {@link SqueezedSamples} to rewrite them in place: each {@code traf}'s {@code tfdt}, each sample's
 * {@code trun} duration and composition offset, and the track's {@code tfra} entries. Pure apart
 * from the reads it is given a channel for.
 */
final class TimingFields {
    private static final int MFRO_SIZE = 16;
    private static final int MFRO = 0x6d66726f; // "mfro"

    /**
     * One {@code traf} of the track: where its decode time is and which samples it holds.
     *
     * @param defaultDurationAt file position of the {@code tfhd}'s default sample duration, the
     *                          duration of each of its samples without one of their own; -1 when
     *                          the {@code tfhd} has none
     */
    record Run(long moofOffset, long tfdtAt, boolean tfdtWide, int firstSample, long defaultDurationAt) {}

    /**
     * One sample's times and where its fields are in the file.
     *
     * @param durationAt file position of its duration: in the trun, or the {@code tfhd}'s default
     *                   when the sample is its traf's only one (FFmpeg writes a session's first
     *                   frame alone in a fragment that way); -1 when it has no field of its own
     * @param offsetAt   file position of its composition offset, -1 when the trun has none
     */
    record Sample(long decode, long duration, long offset, long durationAt, long offsetAt) {}

    /**
     * One {@code tfra} entry of the track.
     *
     * @param timeAt       file position of its time field
     * @param wide         whether the time is 64-bit (else 32-bit)
     * @param sampleNumber 1-based, within the fragment's track run
     */
    record TfraEntry(long timeAt, boolean wide, long time, long moofOffset, long sampleNumber) {}

    private TimingFields() {}

    /** Adds the track's samples of one moof, with where their times are stored. */
    static void readMoof(byte[] moof, long moofOffset, TrackInfo track, List<Run> runs, List<Sample> samples,
            String name) throws PlaybackException {
        String where = name + " (moof at byte " + moofOffset + ")";
        for (Box top : Box.children(moof, 0, moof.length, where)) {
            for (Box traf : top.children(moof, 0, where)) {
                if (!traf.type().equals("traf")) {
                    continue;
                }
                List<Box> children = traf.children(moof, 0, where);
                Box tfhd = Box.require(children, "tfhd", where);
                tfhd.requireBody(8, where);
                int tfhdFlags = Bytes.i32(moof, tfhd.bodyStart()) & 0xffffff;
                if (Bytes.i32(moof, tfhd.bodyStart() + 4) != track.id()) {
                    continue;
                }
                long defaultDuration = track.defaultSampleDuration();
                long defaultDurationAt = -1;
                if ((tfhdFlags & TFHD_DEFAULT_DURATION) != 0) {
                    int at = tfhd.bodyStart() + 8 + ((tfhdFlags & TFHD_BASE_DATA_OFFSET) != 0 ? 8 : 0)
                            + ((tfhdFlags & TFHD_SAMPLE_DESCRIPTION) != 0 ? 4 : 0);
                    tfhd.requireBody(at + 4 - tfhd.bodyStart(), where);
                    defaultDuration = Bytes.u32(moof, at);
                    defaultDurationAt = moofOffset + at;
                }
                Box tfdt = Box.require(children, "tfdt", where);
                tfdt.requireBody(8, where);
                boolean wide = Bytes.u8(moof, tfdt.bodyStart()) == 1;
                if (wide) {
                    tfdt.requireBody(12, where);
                }
                long decode = wide ? Bytes.i64(moof, tfdt.bodyStart() + 4) : Bytes.u32(moof, tfdt.bodyStart() + 4);
                runs.add(new Run(moofOffset, moofOffset + tfdt.bodyStart() + 4, wide, samples.size(), defaultDurationAt));
                int first = samples.size();
                boolean oneTrun = children.stream().filter(box -> box.type().equals("trun")).count() == 1;
                for (Box trun : children) {
                    if (trun.type().equals("trun")) {
                        decode = readTrun(moof, moofOffset, trun, decode, defaultDuration, samples, where);
                    }
                }
                if (oneTrun && samples.size() == first + 1 && samples.get(first).durationAt() < 0) {
                    // the traf's only sample: the tfhd's default duration is its own
                    Sample only = samples.get(first);
                    samples.set(first, new Sample(only.decode(), only.duration(), only.offset(), defaultDurationAt,
                            only.offsetAt()));
                }
            }
        }
    }

    private static long readTrun(byte[] moof, long moofOffset, Box trun, long decode, long defaultDuration,
            List<Sample> samples, String where) throws PlaybackException {
        int at = trun.bodyStart();
        trun.requireBody(8, where);
        int flags = Bytes.i32(moof, at) & 0xffffff;
        long count = Bytes.u32(moof, at + 4);
        int field = at + 8 + 4 * Integer.bitCount(flags & (TRUN_DATA_OFFSET | TRUN_FIRST_FLAGS));
        int entry = 4 * Integer.bitCount(flags & (TRUN_DURATION | TRUN_SIZE | TRUN_FLAGS | TRUN_COMPOSITION));
        if (field > trun.end() || count * entry > trun.end() - field) {
            throw Box.malformed(where, trun.start(), "trun lists " + count + " samples it does not hold");
        }
        long time = decode;
        for (long i = 0; i < count; i++) {
            long durationAt = -1;
            long duration = defaultDuration;
            if ((flags & TRUN_DURATION) != 0) {
                durationAt = moofOffset + field;
                duration = Bytes.u32(moof, field);
                field += 4;
            }
            field += ((flags & TRUN_SIZE) != 0 ? 4 : 0) + ((flags & TRUN_FLAGS) != 0 ? 4 : 0);
            long offsetAt = -1;
            long offset = 0;
            if ((flags & TRUN_COMPOSITION) != 0) {
                offsetAt = moofOffset + field;
                // version 1 stores it signed; version 0 unsigned, and FFmpeg's fit in 31 bits
                offset = Bytes.u8(moof, at) == 1 ? Bytes.i32(moof, field) : Bytes.u32(moof, field);
                field += 4;
            }
            samples.add(new Sample(time, duration, offset, durationAt, offsetAt));
            time += duration;
        }
        return time;
    }

    /** The entries of the track's {@code tfra} in the {@code mfra} that ends the file; none without one. */
    static List<TfraEntry> tfraEntries(FileChannel channel, int trackId) throws IOException, PlaybackException {
        List<TfraEntry> entries = new ArrayList<>();
        long size = channel.size();
        if (size < MFRO_SIZE) {
            return entries;
        }
        ByteBuffer mfro = ByteBuffer.wrap(read(channel, size - MFRO_SIZE, MFRO_SIZE));
        long mfraSize = Integer.toUnsignedLong(mfro.getInt(12));
        if (mfro.getInt(0) != MFRO_SIZE || mfro.getInt(4) != MFRO || mfraSize > size || mfraSize < 8
                || mfraSize > Integer.MAX_VALUE) {
            return entries;
        }
        long mfraAt = size - mfraSize;
        byte[] mfra = read(channel, mfraAt, (int) mfraSize);
        String where = "mfra at byte " + mfraAt;
        for (Box box : Box.children(mfra, 0, mfra.length, where)) {
            if (box.type().equals("mfra")) {
                for (Box tfra : box.children(mfra, 0, where)) {
                    if (tfra.type().equals("tfra") && tfra.bodyLength() >= 16
                            && Bytes.i32(mfra, tfra.bodyStart() + 4) == trackId) {
                        addTfra(mfra, mfraAt, tfra, entries, where);
                    }
                }
            }
        }
        return entries;
    }

    private static void addTfra(byte[] mfra, long mfraAt, Box tfra, List<TfraEntry> entries, String where)
            throws PlaybackException {
        int at = tfra.bodyStart();
        boolean wide = Bytes.u8(mfra, at) == 1;
        int lengths = Bytes.i32(mfra, at + 8);
        int trafBytes = ((lengths >> 4) & 3) + 1;
        int trunBytes = ((lengths >> 2) & 3) + 1;
        int sampleBytes = (lengths & 3) + 1;
        long count = Bytes.u32(mfra, at + 12);
        int entry = (wide ? 16 : 8) + trafBytes + trunBytes + sampleBytes;
        int field = at + 16;
        if (count * entry > tfra.end() - field) {
            throw Box.malformed(where, tfra.start(), "tfra lists more entries than it holds");
        }
        for (long e = 0; e < count; e++, field += entry) {
            long time = wide ? Bytes.i64(mfra, field) : Bytes.u32(mfra, field);
            long moofOffset = wide ? Bytes.i64(mfra, field + 8) : Bytes.u32(mfra, field + 4);
            int sampleAt = field + (wide ? 16 : 8) + trafBytes + trunBytes;
            long sampleNumber = 0;
            for (int b = 0; b < sampleBytes; b++) {
                sampleNumber = (sampleNumber << 8) | Bytes.u8(mfra, sampleAt + b);
            }
            entries.add(new TfraEntry(mfraAt + field, wide, time, moofOffset, sampleNumber));
        }
    }

    static byte[] read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new EOFException("file ended at " + (position + buffer.position()));
            }
        }
        return buffer.array();
    }

}
