package io.github.mediamtxvod.mp4;

import java.util.Arrays;

/**
 * The samples of one track in one fragment, as its {@code trun} boxes list them: absolute file
 * offset, size, duration, flags and composition offset of each, in decode order. Holds one
 * fragment's worth of samples only. Not thread-safe; built by {@link MoofParser}.
 */
final class TrackSamples {
    /** ISO BMFF sample_is_non_sync_sample bit of the sample flags. */
    static final int NON_SYNC = 0x10000;

    final TrackInfo track;
    final long baseDecodeTime;
    private int count;
    private long[] offsets = new long[32];
    private int[] sizes = new int[32];
    private long[] durations = new long[32];
    private int[] flags = new int[32];
    private int[] compositionOffsets = new int[32];
    private long[] decodeTimes;

    TrackSamples(TrackInfo track, long baseDecodeTime) {
        this.track = track;
        this.baseDecodeTime = baseDecodeTime;
    }

    void add(long offset, int size, long duration, int sampleFlags, int compositionOffset) {
        decodeTimes = null;
        if (count == offsets.length) {
            int grown = count * 2;
            offsets = Arrays.copyOf(offsets, grown);
            sizes = Arrays.copyOf(sizes, grown);
            durations = Arrays.copyOf(durations, grown);
            flags = Arrays.copyOf(flags, grown);
            compositionOffsets = Arrays.copyOf(compositionOffsets, grown);
        }
        offsets[count] = offset;
        sizes[count] = size;
        durations[count] = duration;
        flags[count] = sampleFlags;
        compositionOffsets[count] = compositionOffset;
        count++;
    }

    int count() {
        return count;
    }

    long offset(int index) {
        return offsets[index];
    }

    int size(int index) {
        return sizes[index];
    }

    long duration(int index) {
        return durations[index];
    }

    int flags(int index) {
        return flags[index];
    }

    int compositionOffset(int index) {
        return compositionOffsets[index];
    }

    boolean sync(int index) {
        return (flags[index] & NON_SYNC) == 0;
    }

    /** Decode times, one per sample, plus the end of the last one at index {@code count}. Do not modify. */
    long[] decodeTimes() {
        if (decodeTimes == null) {
            long[] times = new long[count + 1];
            times[0] = baseDecodeTime;
            for (int i = 0; i < count; i++) {
                times[i + 1] = times[i] + durations[i];
            }
            decodeTimes = times;
        }
        return decodeTimes;
    }

    /** Whether samples {@code [from, to)} lie back to back in the file. */
    boolean contiguous(int from, int to) {
        for (int i = from + 1; i < to; i++) {
            if (offsets[i] != offsets[i - 1] + sizes[i - 1]) {
                return false;
            }
        }
        return true;
    }
}
