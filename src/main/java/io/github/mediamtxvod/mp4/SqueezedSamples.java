package io.github.mediamtxvod.mp4;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Spreads out, in place, the samples of a fragmented MP4 that FFmpeg squeezed one tick apart
 * after a track's times jumped back, and moves the samples before them back by the jump.
 *
 * <p>Why: FFmpeg's RTSP reader times each track from its own first packet until the first RTCP
 * sender report, then by the report's clock, on which the tracks agree. A track whose first packet
 * came at another moment of the source than the other track's (a reader joining between two
 * frames of a busy server, an audio track that starts late) then jumps, back by as much if its
 * times ran ahead. FFmpeg's muxer writes every sample that would go back in time one tick after
 * the one before it ({@code Non-monotonous DTS ... changing to}): seconds of frames within a few
 * ticks, which a decoder that outputs at the frame rate gets for one slot ({@code non
 * monotonically increasing dts} on {@code ffmpeg -i file -f null -}) and a player shows as a
 * frozen picture and then a skip, or as audio played over itself.
 *
 * <p>The samples after a squeeze are on the report's clock, as the other tracks are: they keep
 * their times. The squeezed ones get the track's steady sample duration, up to one before the
 * first kept sample, and the samples before them move back with them: they were late by as much
 * (the source sent them one after the other). When that would put a sample before the file's
 * start, every track moves later instead. A squeeze the file ends in has no later sample to go
 * by: its samples are spread after the one before them. Only {@code tfdt}, {@code trun}
 * durations and composition offsets, {@code tfhd} default durations and {@code tfra} times change,
 * as with {@link LeadingTiming}; a field the repair needs that the file lacks, or a time too
 * large for its field, leaves the file as it is. Never call it for a file FFmpeg may still write.
 * Stateless.
 */
final class SqueezedSamples {
    /**
     * A gap of at most 2 ticks, and at most 1/16 of the track's sample duration, is a squeeze:
     * FFmpeg leaves one tick. A source's own gaps are never that short, at variable frame rates
     * neither (a burst of 30 fps among 1 fps frames is 3,000 ticks at 90 kHz).
     */
    private static final long SQUEEZED_TICKS = 2;
    private static final long SQUEEZED_FRACTION = 16;

    /**
     * What was repaired.
     *
     * @param samples how many samples of all tracks were spread out
     * @param jump    the largest distance the samples before a squeeze moved back
     * @param earlier how much later every track now starts, so that no sample lies before the
     *                file's start: the file's media begins that much earlier than before
     */
    record Repair(int samples, Duration jump, Duration earlier) {}

    private SqueezedSamples() {}

    /** Repairs the file if a track has squeezed samples; empty when none has, or the repair cannot be written. */
    static Optional<Repair> repair(Path file) throws IOException, PlaybackException {
        FragmentIndex index = FragmentIndex.read(FileSegmentSource.of(file, Instant.EPOCH));
        if (index.fragments().isEmpty()) {
            return Optional.empty();
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            List<Track> tracks = read(channel, index, file.toString());
            int squeezed = 0;
            long jumpNanos = 0;
            for (Track track : tracks) {
                Spread spread = spread(track.timeline.decode, track.timeline.offset, sampleDuration(track));
                if (spread.samples() > 0 && track.info.isVideo()
                        && Arrays.stream(track.timeline.offset).anyMatch(offset -> offset != 0)) {
                    // the squeezed frames' display order is lost with their times: the bitstream has it
                    AvcSlices.displayRanks(channel, index, track.info, file.toString())
                            .ifPresent(track.timeline::showInOrder);
                }
                squeezed += spread.samples();
                jumpNanos = Math.max(jumpNanos, nanos(spread.jump(), track.info.timescale()));
            }
            if (squeezed == 0) {
                return Optional.empty();
            }
            long earlier = startAtZero(tracks);
            List<TimingPatches.Patch> patches = new ArrayList<>();
            for (Track track : tracks) {
                track.durationsFollowDecodeTimes();
                List<TimingPatches.Patch> own = TimingPatches.of(track.timeline, track.runs, track.samples);
                if (own == null) {
                    return Optional.empty();
                }
                patches.addAll(own);
                patches.addAll(TimingPatches.tfra(channel, track.info.id(), track.timeline, track.runs,
                        track.samples));
            }
            TimingPatches.write(channel, patches);
            return Optional.of(new Repair(squeezed, Duration.ofNanos(jumpNanos), Duration.ofNanos(earlier)));
        }
    }

    /** One track's samples, where their times are stored, and their new times. */
    private record Track(TrackInfo info, List<TimingFields.Run> runs, List<TimingFields.Sample> samples,
            VideoTimeline timeline) {
        /**
         * Each sample lasts as much longer as the next one moved further than it: gaps the file
         * had between fragments stay, and one that {@link #moveBack} closed in part shrinks; a
         * sample whose stored duration was shorter than such a gap lasts at most up to the next
         * one's decode time, and never less than a tick.
         */
        void durationsFollowDecodeTimes() {
            for (int i = 0; i + 1 < samples.size(); i++) {
                long moved = timeline.decode[i] - samples.get(i).decode();
                long nextMoved = timeline.decode[i + 1] - samples.get(i + 1).decode();
                long gap = timeline.decode[i + 1] - timeline.decode[i];
                long duration = samples.get(i).duration() + nextMoved - moved;
                timeline.duration[i] = duration >= 1 ? duration : Math.max(1, Math.min(samples.get(i).duration(), gap));
            }
        }
    }

    private static List<Track> read(FileChannel channel, FragmentIndex index, String name)
            throws IOException, PlaybackException {
        Map<Integer, List<TimingFields.Run>> runs = new HashMap<>();
        Map<Integer, List<TimingFields.Sample>> samples = new HashMap<>();
        for (TrackInfo track : index.tracks()) {
            runs.put(track.id(), new ArrayList<>());
            samples.put(track.id(), new ArrayList<>());
        }
        for (FragmentIndex.Fragment fragment : index.fragments()) {
            byte[] moof = TimingFields.read(channel, fragment.moofOffset(), Math.toIntExact(fragment.moofSize()));
            for (TrackInfo track : index.tracks()) {
                if (fragment.run(track.id()).isPresent()) {
                    TimingFields.readMoof(moof, fragment.moofOffset(), track, runs.get(track.id()),
                            samples.get(track.id()), name);
                }
            }
        }
        List<Track> tracks = new ArrayList<>();
        for (TrackInfo track : index.tracks()) {
            List<TimingFields.Sample> own = samples.get(track.id());
            if (!own.isEmpty()) {
                tracks.add(new Track(track, runs.get(track.id()), own, new VideoTimeline(own)));
            }
        }
        return tracks;
    }

    /**
     * The track's steady sample duration: the most common of its durations longer than a squeeze
     * leaves (2 ticks), so that a short segment made mostly of squeezed samples still has it.
     */
    private static long sampleDuration(Track track) {
        long[] durations = track.samples.stream().mapToLong(TimingFields.Sample::duration)
                .filter(duration -> duration > 2).toArray();
        return TimingPlan.frameDuration(durations);
    }

    /**
     * @param samples how many samples were spread
     * @param jump    the largest distance, in ticks, the samples before a squeeze moved back
     */
    record Spread(int samples, long jump) {}

    /**
     * Spreads the squeezed samples of one track, from the file's last squeeze to its first, each
     * moving the samples before it ({@link #moveBack}); the times may start below zero then
     * ({@link #startAtZero}).
     * Squeezed samples are shown when they are decoded, those of a track with B-frames at the
     * free times around them ({@link #fillFreeSlots}).
     *
     * @param decode   the decode times, changed in place
     * @param offset   the composition offsets, changed in place
     * @param duration the steady sample duration; nothing is squeezed when it is not positive
     */
    static Spread spread(long[] decode, long[] offset, long duration) {
        if (duration <= 0) {
            return new Spread(0, 0);
        }
        long squeezedGap = Math.max(1, Math.min(SQUEEZED_TICKS, duration / SQUEEZED_FRACTION));
        boolean reordered = reordered(decode, offset, squeezedGap);
        int count = decode.length;
        boolean[] squeezedMask = new boolean[count];
        int spread = 0;
        long jump = 0;
        int i = count - 1;
        while (i >= 1) {
            if (decode[i] - decode[i - 1] > squeezedGap) {
                i--;
                continue;
            }
            int last = i;
            int first = i;
            while (first > 1 && decode[first - 1] - decode[first - 2] <= squeezedGap) {
                first--;
            }
            int squeezed = last - first + 1;
            int kept = last + 1;
            long before = decode[first - 1];
            // the first kept sample says where the squeezed ones belong; the ones before them
            // were as late, unless they fit before it as they are
            long start = before + duration;
            long moved = 0;
            if (kept < count && decode[kept] - squeezed * duration < start) {
                start = decode[kept] - squeezed * duration;
                moved = start - duration - before;
            }
            moveBack(decode, first, moved, duration);
            for (int j = first; j <= last; j++) {
                decode[j] = start + (long) (j - first) * duration;
                offset[j] = 0;
                squeezedMask[j] = true;
            }
            spread += squeezed;
            jump = Math.max(jump, -moved);
            i = first - 1;
        }
        if (spread > 0 && reordered) {
            fillFreeSlots(decode, offset, squeezedMask, duration);
        }
        return new Spread(spread, jump);
    }

    /** Whether a sample that is not squeezed is shown at another time than it is decoded: B-frames. */
    private static boolean reordered(long[] decode, long[] offset, long squeezedGap) {
        for (int i = 0; i < decode.length; i++) {
            if ((i == 0 || decode[i] - decode[i - 1] > squeezedGap) && offset[i] != 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Gives the squeezed samples of a track with B-frames presentation times on the frame grid of
     * the samples after them that no other sample is shown at, in decode order, each at or after
     * its decode time (the times FFmpeg's squeeze left them are lost). The frames of a group are
     * shown in another order than they are decoded, so the group a squeeze began or ended in holds
     * squeezed and kept frames whose times must not meet. The times are then handed out in the
     * bitstream's display order ({@link AvcSlices#displayRanks}, H.264).
     */
    private static void fillFreeSlots(long[] decode, long[] offset, boolean[] squeezed, long duration) {
        Set<Long> taken = new HashSet<>();
        for (int i = 0; i < decode.length; i++) {
            if (!squeezed[i]) {
                taken.add(decode[i] + offset[i]);
            }
        }
        int first = 0;
        while (first < decode.length) {
            if (!squeezed[first]) {
                first++;
                continue;
            }
            int last = first;
            while (last + 1 < decode.length && squeezed[last + 1]) {
                last++;
            }
            int neighbour = last + 1 < decode.length ? last + 1 : first - 1;
            long anchor = decode[neighbour] + offset[neighbour];
            long slot = anchor + Math.ceilDiv(decode[first] - anchor, duration) * duration;
            for (int j = first; j <= last; j++) {
                while (taken.contains(slot)) {
                    slot += duration;
                }
                offset[j] = slot - decode[j];
                taken.add(slot);
                slot += duration;
            }
            first = last + 1;
        }
    }

    /**
     * Moves the samples before {@code first} back by {@code moved} (not positive), as far as a
     * jump forward among them (a gap of more than two sample durations): the samples before such a
     * jump move only as far as they must to stay a sample duration before the next. The time
     * FFmpeg gives a session's first packet, apart from the ones after it, is such a jump: it came
     * from the same error the squeeze undoes, and moving the packet back with the others would
     * leave that gap before the file's media.
     */
    private static void moveBack(long[] decode, int first, long moved, long duration) {
        if (moved == 0 || first == 0) {
            return;
        }
        long next = decode[first - 1];
        decode[first - 1] += moved;
        for (int j = first - 2; j >= 0; j--) {
            long gap = next - decode[j];
            next = decode[j];
            decode[j] = gap <= 2 * duration ? decode[j + 1] - gap : Math.min(decode[j], decode[j + 1] - duration);
        }
    }

    /**
     * Moves every track later by as much as the earliest sample of any lies before the file's start.
     *
     * @return how far, in nanoseconds
     */
    private static long startAtZero(List<Track> tracks) {
        long early = 0;
        for (Track track : tracks) {
            if (track.timeline.decode[0] < 0) {
                early = Math.max(early, Math.ceilDiv(-nanos(track.timeline.decode[0], 1), track.info.timescale()));
            }
        }
        if (early == 0) {
            return 0;
        }
        for (Track track : tracks) {
            long ticks = Math.ceilDiv(Math.multiplyExact(early, track.info.timescale()), 1_000_000_000L);
            for (int i = 0; i < track.timeline.decode.length; i++) {
                track.timeline.decode[i] += ticks;
            }
        }
        return early;
    }

    private static long nanos(long ticks, long timescale) {
        return Math.multiplyExact(ticks, 1_000_000_000L) / timescale;
    }
}
