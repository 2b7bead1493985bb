package io.github.mediamtxvod.mp4;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The binary form of a {@link FragmentIndex}: a magic, a version byte, then unsigned LEB128
 * numbers, offsets as deltas from the previous box's end. Pure; any change of layout bumps
 * {@link #VERSION} so an old cached index is rejected (and rebuilt by the caller) rather than misread.
 */
final class IndexCodec {
    private static final byte[] MAGIC = "FIDX".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;

    private IndexCodec() {}

    static byte[] encode(FragmentIndex index) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + 24 * index.fragments().size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeByte(VERSION);
            varint(out, index.initLength());
            varint(out, index.completeLength());
            varint(out, index.tracks().size());
            for (TrackInfo track : index.tracks()) {
                out.writeInt(track.id());
                out.write(fourcc(track.handler()));
                varint(out, track.timescale());
                out.write(fourcc(track.codec()));
                out.writeInt(track.width());
                out.writeInt(track.height());
                varint(out, track.language());
                varint(out, track.defaultSampleDuration());
                varint(out, track.defaultSampleSize());
                out.writeInt(track.defaultSampleFlags());
                byte[] description = track.sampleDescription();
                varint(out, description.length);
                out.write(description);
            }
            varint(out, index.fragments().size());
            long previousEnd = index.initLength();
            for (FragmentIndex.Fragment fragment : index.fragments()) {
                varint(out, fragment.moofOffset() - previousEnd);
                varint(out, fragment.moofSize());
                varint(out, fragment.mdatOffset() - fragment.moofOffset() - fragment.moofSize());
                varint(out, fragment.mdatSize());
                varint(out, fragment.runs().size());
                for (FragmentIndex.TrackRun run : fragment.runs()) {
                    out.writeInt(run.trackId());
                    varint(out, run.baseDecodeTime());
                    varint(out, run.sampleCount());
                    varint(out, run.duration());
                    out.writeBoolean(run.allSync());
                    varint(out, run.syncSamples().size());
                    for (FragmentIndex.SyncSample sync : run.syncSamples()) {
                        varint(out, sync.index());
                        varint(out, sync.decodeTime() - run.baseDecodeTime());
                    }
                }
                previousEnd = fragment.end();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return bytes.toByteArray();
    }

    static FragmentIndex decode(byte[] bytes) throws PlaybackException {
        if (bytes.length < MAGIC.length + 1 || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw corrupt("it does not start with the index magic");
        }
        if (bytes[MAGIC.length] != VERSION) {
            throw corrupt("it has format version " + bytes[MAGIC.length] + ", this build reads " + VERSION);
        }
        try (DataInputStream in = new DataInputStream(
                new ByteArrayInputStream(bytes, MAGIC.length + 1, bytes.length - MAGIC.length - 1))) {
            long initLength = varint(in);
            long completeLength = varint(in);
            int trackCount = count(in);
            List<TrackInfo> tracks = new ArrayList<>(trackCount);
            for (int i = 0; i < trackCount; i++) {
                int id = in.readInt();
                String handler = fourcc(in);
                long timescale = varint(in);
                String codec = fourcc(in);
                int width = in.readInt();
                int height = in.readInt();
                int language = (int) varint(in);
                long defaultDuration = varint(in);
                long defaultSize = varint(in);
                int defaultFlags = in.readInt();
                byte[] description = new byte[count(in)];
                in.readFully(description);
                tracks.add(new TrackInfo(id, handler, timescale, codec, description, width, height, language,
                        defaultDuration, defaultSize, defaultFlags));
            }
            int fragmentCount = count(in);
            List<FragmentIndex.Fragment> fragments = new ArrayList<>(fragmentCount);
            long previousEnd = initLength;
            for (int i = 0; i < fragmentCount; i++) {
                long moofOffset = previousEnd + varint(in);
                long moofSize = varint(in);
                long mdatOffset = moofOffset + moofSize + varint(in);
                long mdatSize = varint(in);
                int runCount = count(in);
                List<FragmentIndex.TrackRun> runs = new ArrayList<>(runCount);
                for (int r = 0; r < runCount; r++) {
                    runs.add(run(in));
                }
                FragmentIndex.Fragment fragment = new FragmentIndex.Fragment(moofOffset, moofSize, mdatOffset,
                        mdatSize, runs);
                fragments.add(fragment);
                previousEnd = fragment.end();
            }
            if (in.read() != -1) {
                throw corrupt("it has bytes after its last fragment");
            }
            return new FragmentIndex(initLength, completeLength, tracks, fragments);
        } catch (IOException | IllegalArgumentException | ArithmeticException e) {
            throw corrupt(e.getMessage());
        }
    }

    private static FragmentIndex.TrackRun run(DataInputStream in) throws IOException {
        int trackId = in.readInt();
        long base = varint(in);
        int sampleCount = Math.toIntExact(varint(in));
        long duration = varint(in);
        boolean allSync = in.readBoolean();
        int syncCount = count(in);
        List<FragmentIndex.SyncSample> sync = new ArrayList<>(syncCount);
        for (int s = 0; s < syncCount; s++) {
            sync.add(new FragmentIndex.SyncSample((int) varint(in), base + varint(in)));
        }
        return new FragmentIndex.TrackRun(trackId, base, sampleCount, duration, allSync, sync);
    }

    private static PlaybackException corrupt(String why) {
        return new PlaybackException(PlaybackException.Reason.UNSUPPORTED_INPUT,
                "the cached fragment index cannot be read (" + why + "); read the index from the segment again");
    }

    private static void varint(DataOutputStream out, long value) throws IOException {
        long rest = value;
        while ((rest & ~0x7fL) != 0) {
            out.writeByte((int) ((rest & 0x7f) | 0x80));
            rest >>>= 7;
        }
        out.writeByte((int) rest);
    }

    private static long varint(DataInputStream in) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("a number runs over 10 bytes");
    }

    /** A count, bounded so a corrupt length cannot allocate gigabytes. */
    private static int count(DataInputStream in) throws IOException {
        long value = varint(in);
        if (value > in.available() + 1L && value > 16) {
            throw new IOException("a count of " + value + " is more than the " + in.available() + " bytes left");
        }
        return (int) value;
    }

    private static byte[] fourcc(String code) {
        return code.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String fourcc(DataInputStream in) throws IOException {
        byte[] code = new byte[4];
        in.readFully(code);
        return new String(code, StandardCharsets.ISO_8859_1);
    }
}
