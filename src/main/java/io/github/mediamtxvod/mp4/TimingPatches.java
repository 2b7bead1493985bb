package io.github.mediamtxvod.mp4;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The writes that give a track's samples the times of a {@link VideoTimeline}, in place, for
 * {@link LeadingTiming} and {@link SqueezedSamples}: each {@code traf}'s {@code tfdt}, each
 * sample's {@code trun} duration and composition offset, a {@code tfhd} default duration when all
 * the samples that use it change alike, and the track's {@code tfra} times. Sizes and media data
 * never change. Stateless.
 */
final class TimingPatches {
    /** Bytes to write at a file position. */
    record Patch(long at, byte[] bytes) {}

    private TimingPatches() {}

    /** Writes the patches and forces them to the device. */
    static void write(FileChannel channel, List<Patch> patches) throws IOException {
        for (Patch patch : patches) {
            write(channel, patch.at(), patch.bytes());
        }
        channel.force(true);
    }

    /** The writes that give the samples the timeline's times, or null when a field they need is missing. */
    static List<Patch> of(VideoTimeline timeline, List<TimingFields.Run> runs,
            List<TimingFields.Sample> samples) {
        List<Patch> patches = new ArrayList<>();
        Set<Integer> runStarts = new HashSet<>();
        runs.forEach(run -> runStarts.add(run.firstSample()));
        Set<Integer> newDefaults = new HashSet<>();
        for (int i = 0; i < samples.size(); i++) {
            TimingFields.Sample sample = samples.get(i);
            if (sample.duration() != timeline.duration[i] && !gapBeforeRun(timeline, samples, i, runStarts)) {
                if (timeline.duration[i] > 0xFFFFFFFFL) {
                    return null;
                }
                if (sample.durationAt() >= 0) {
                    patches.add(new Patch(sample.durationAt(), u32(timeline.duration[i])));
                } else {
                    int run = runOf(runs, i);
                    boolean lastKeepsAny = newDefaults.contains(run) && lastOfRun(runs, samples, run, i);
                    if (!lastKeepsAny && !newDefaultFits(timeline, runs, samples, run, timeline.duration[i])) {
                        return null;
                    }
                    if (!lastKeepsAny && newDefaults.add(run)) {
                        patches.add(new Patch(runs.get(run).defaultDurationAt(), u32(timeline.duration[i])));
                    }
                }
            }
            if (sample.offset() != timeline.offset[i]) {
                if (sample.offsetAt() < 0) {
                    return null;
                }
                patches.add(new Patch(sample.offsetAt(), u32(timeline.offset[i])));
            }
        }
        for (TimingFields.Run run : runs) {
            long now = timeline.decode[run.firstSample()];
            if (now == samples.get(run.firstSample()).decode()) {
                continue;
            }
            if (run.tfdtWide()) {
                patches.add(new Patch(run.tfdtAt(), ByteBuffer.allocate(8).putLong(now).array()));
            } else if (now <= 0xFFFFFFFFL) {
                patches.add(new Patch(run.tfdtAt(), u32(now)));
            } else {
                return null;
            }
        }
        return patches;
    }

    /** The index of the run (traf) that holds sample {@code sample}: the last that starts at or before it. */
    private static int runOf(List<TimingFields.Run> runs, int sample) {
        int found = -1;
        for (int r = 0; r < runs.size() && runs.get(r).firstSample() <= sample; r++) {
            found = r;
        }
        return found;
    }

    /**
     * Whether a new default duration in the run's {@code tfhd} gives each of its samples without a
     * duration of its own the timeline's: all of them last {@code duration} now, but for the run's
     * last, which may keep any duration when a later run's {@code tfdt} says when the next sample
     * is decoded. FFmpeg leaves the field out when a fragment's samples all last the same, as the
     * samples it squeezed one tick apart do ({@link SqueezedSamples}).
     */
    private static boolean newDefaultFits(VideoTimeline timeline, List<TimingFields.Run> runs,
            List<TimingFields.Sample> samples, int run, long duration) {
        if (run < 0 || runs.get(run).defaultDurationAt() < 0) {
            return false;
        }
        for (int j = runs.get(run).firstSample(); j < runEnd(runs, samples, run); j++) {
            if (samples.get(j).durationAt() < 0 && !lastOfRun(runs, samples, run, j)
                    && timeline.duration[j] != duration) {
                return false;
            }
        }
        return true;
    }

    /** Whether the sample is its run's last and a later run follows, whose {@code tfdt} says when the next is decoded. */
    private static boolean lastOfRun(List<TimingFields.Run> runs, List<TimingFields.Sample> samples, int run,
            int sample) {
        int end = runEnd(runs, samples, run);
        return sample == end - 1 && end < samples.size();
    }

    private static int runEnd(List<TimingFields.Run> runs, List<TimingFields.Sample> samples, int run) {
        return run + 1 < runs.size() ? runs.get(run + 1).firstSample() : samples.size();
    }

    /**
     * Whether a sample whose duration differs from the timeline's can keep it: it has no field of
     * its own (its fragment's samples all last the default) and it is its fragment's last, so the
     * next fragment's {@code tfdt}, which always gets the timeline's time, says when the next
     * sample is decoded. Allowed where that expresses the timeline: the sample lasts longer because
     * a later run moved ({@link VideoTimeline#move}), or the file already has that gap (a pass
     * after the one that moved the run). The fragment then ends a little before the next one
     * begins, a gap that demuxers, and {@code /get} (which places each fragment by its
     * {@code tfdt}), keep.
     */
    static boolean gapBeforeRun(VideoTimeline timeline, List<TimingFields.Sample> samples, int index,
            Set<Integer> runStarts) {
        TimingFields.Sample sample = samples.get(index);
        if (sample.durationAt() >= 0 || !runStarts.contains(index + 1)) {
            return false;
        }
        long duration = timeline.duration[index];
        return (timeline.stretched[index] && duration > sample.duration())
                || duration == samples.get(index + 1).decode() - sample.decode();
    }

    /**
     * Moves the times of the track's {@code tfra} entries (the random-access index FFmpeg
     * writes at the end of a finished file) with the samples they point at.
     */
    static List<Patch> tfra(FileChannel channel, int trackId, VideoTimeline timeline,
            List<TimingFields.Run> runs, List<TimingFields.Sample> samples) throws IOException, PlaybackException {
        List<Patch> patches = new ArrayList<>();
        for (TimingFields.TfraEntry entry : TimingFields.tfraEntries(channel, trackId)) {
            long delta = tfraDelta(timeline, runs, samples, entry.moofOffset(), entry.sampleNumber());
            if (delta != 0) {
                long now = entry.time() + delta;
                patches.add(new Patch(entry.timeAt(), entry.wide() ? ByteBuffer.allocate(8).putLong(now).array()
                        : u32(now)));
            }
        }
        return patches;
    }

    /** How much later the sample a tfra entry points at is shown now. */
    private static long tfraDelta(VideoTimeline timeline, List<TimingFields.Run> runs, List<TimingFields.Sample> samples,
            long moofOffset, long sampleNumber) {
        for (TimingFields.Run run : runs) {
            if (run.moofOffset() == moofOffset) {
                long index = run.firstSample() + Math.max(0, sampleNumber - 1);
                if (index >= samples.size()) {
                    return 0;
                }
                TimingFields.Sample sample = samples.get((int) index);
                return timeline.shown((int) index) - sample.decode() - sample.offset();
            }
        }
        return 0;
    }


    private static byte[] u32(long value) {
        return ByteBuffer.allocate(4).putInt((int) value).array();
    }

    private static void write(FileChannel channel, long position, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer, position + buffer.position());
        }
    }
}
