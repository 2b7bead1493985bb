package io.github.mediamtxvod.mp4;

import java.util.Arrays;
import java.util.List;

/**
 * The sample tables of one track of a plain MP4, built sample by sample in decode order:
 * stsz, stts and ctts (run-length), stss, and one chunk per piece of contiguous samples.
 *
 * <p>Memory: 4 bytes per sample for sizes plus 8 per change of duration, 8 per change of
 * composition offset and 4 per keyframe, and 12 per chunk (one per track and fragment); arrays grow
 * by doubling, so up to twice that is allocated. H.264 with B-frames: about 12 bytes per video
 * sample; AAC: about 4 bytes per audio sample; never more than 24 bytes per sample before doubling.
 * An hour of 25 fps video with 48 kHz AAC (259,000 samples) needs about 1.8 MB, at most 4 MB
 * allocated. Not thread-safe.
 */
final class SampleTables {
    final TrackInfo track;
    private final Ints sizes = new Ints();
    private final Ints timeCounts = new Ints();
    private final Ints timeDeltas = new Ints();
    private final Ints offsetCounts = new Ints();
    private final Ints offsets = new Ints();
    private final Ints syncNumbers = new Ints();
    private final Ints chunkSamples = new Ints();
    private long[] chunkOffsets = new long[64];
    private int chunks;
    private int count;
    private long firstDts;
    private long lastDts;
    private long pendingDuration;
    private long minPresentation = Long.MAX_VALUE;
    private boolean negativeOffsets;
    private boolean allSync = true;

    SampleTables(TrackInfo track) {
        this.track = track;
    }

    /**
     * Adds the next sample. Its decode time fixes the previous sample's duration, so a small hole
     * between fragments or sources becomes a slightly longer sample instead of a shift.
     */
    void add(long outDts, long duration, int size, boolean sync, int compositionOffset) {
        if (count == 0) {
            firstDts = outDts;
        } else {
            appendRun(timeCounts, timeDeltas, Math.toIntExact(Math.max(0, outDts - lastDts)));
        }
        lastDts = outDts;
        pendingDuration = duration;
        sizes.add(size);
        count++;
        if (!sync && allSync) {
            // the first non-sync sample: only now is a sync table needed, listing all before it
            allSync = false;
            for (int number = 1; number < count; number++) {
                syncNumbers.add(number);
            }
        }
        if (sync && !allSync) {
            syncNumbers.add(count);
        }
        appendRun(offsetCounts, offsets, compositionOffset);
        negativeOffsets |= compositionOffset < 0;
        minPresentation = Math.min(minPresentation, outDts - firstDts + compositionOffset);
    }

    /** Adds a chunk of the last {@code samples} samples at {@code offset} from the mdat payload's start. */
    void addChunk(long offset, int samples) {
        if (chunks == chunkOffsets.length) {
            chunkOffsets = Arrays.copyOf(chunkOffsets, chunks * 2);
        }
        chunkOffsets[chunks++] = offset;
        chunkSamples.add(samples);
    }

    int count() {
        return count;
    }

    /** Output decode time of the first sample: the track's delay after time 0. */
    long firstDts() {
        return firstDts;
    }

    /** Sum of the sample durations, the last one included. */
    long mediaDuration() {
        return count == 0 ? 0 : lastDts + pendingDuration - firstDts;
    }

    /** The earliest presentation time relative to the first decode time, where playback should start. */
    long presentationStart() {
        return count == 0 ? 0 : Math.max(0, minPresentation);
    }

    /** Bytes held by the tables' arrays (capacity, not just what is used): what a long output costs. */
    long retainedBytes() {
        long bytes = 8L * chunkOffsets.length;
        for (Ints ints : List.of(sizes, timeCounts, timeDeltas, offsetCounts, offsets, syncNumbers, chunkSamples)) {
            bytes += 4L * ints.values.length;
        }
        return bytes;
    }

    /** Writes stts, ctts, stss, stsc, stsz and stco (or co64) after the copied stsd. */
    void write(BoxWriter out, long chunkBase, boolean co64) {
        out.beginFull("stts", 0, 0).u32(timeCounts.size + (count == 0 ? 0 : 1));
        writePairs(out, timeCounts, timeDeltas);
        if (count > 0) {
            out.u32(1).u32(pendingDuration);
        }
        out.end();
        if (offsets.size > 1 || (offsets.size == 1 && offsets.values[0] != 0)) {
            out.beginFull("ctts", negativeOffsets ? 1 : 0, 0).u32(offsets.size);
            writePairs(out, offsetCounts, offsets);
            out.end();
        }
        if (!allSync) {
            out.beginFull("stss", 0, 0).u32(syncNumbers.size);
            for (int i = 0; i < syncNumbers.size; i++) {
                out.u32(syncNumbers.values[i]);
            }
            out.end();
        }
        writeChunkMap(out);
        out.beginFull("stsz", 0, 0).u32(0).u32(count);
        for (int i = 0; i < sizes.size; i++) {
            out.u32(Integer.toUnsignedLong(sizes.values[i]));
        }
        out.end();
        out.beginFull(co64 ? "co64" : "stco", 0, 0).u32(chunks);
        for (int i = 0; i < chunks; i++) {
            long offset = chunkBase + chunkOffsets[i];
            if (co64) {
                out.u64(offset);
            } else {
                out.u32(offset);
            }
        }
        out.end();
    }

    /** stsc: a new entry whenever the number of samples per chunk changes. */
    private void writeChunkMap(BoxWriter out) {
        Ints firstChunks = new Ints();
        Ints perChunk = new Ints();
        for (int i = 0; i < chunks; i++) {
            if (perChunk.size == 0 || perChunk.values[perChunk.size - 1] != chunkSamples.values[i]) {
                firstChunks.add(i + 1);
                perChunk.add(chunkSamples.values[i]);
            }
        }
        out.beginFull("stsc", 0, 0).u32(perChunk.size);
        for (int i = 0; i < perChunk.size; i++) {
            out.u32(firstChunks.values[i]).u32(perChunk.values[i]).u32(1);
        }
        out.end();
    }

    private static void writePairs(BoxWriter out, Ints counts, Ints values) {
        for (int i = 0; i < counts.size; i++) {
            out.u32(counts.values[i]).u32(Integer.toUnsignedLong(values.values[i]));
        }
    }

    private static void appendRun(Ints counts, Ints values, int value) {
        if (values.size > 0 && values.values[values.size - 1] == value) {
            counts.values[counts.size - 1]++;
        } else {
            counts.add(1);
            values.add(value);
        }
    }

    /** A growable int array; the tables' only storage, so memory stays at 4 bytes per entry. */
    private static final class Ints {
        int[] values = new int[64];
        int size;

        void add(int value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }
    }
}
