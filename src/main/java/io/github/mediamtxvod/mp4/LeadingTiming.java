package io.github.mediamtxvod.mp4;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Repairs the timestamps at the start of a fragmented-MP4 segment's video track in place, so that
 * a decoder that outputs at the frame rate never gets two frames for one slot (FFmpeg's
 * {@code non monotonically increasing dts} on {@code ffmpeg -i file -f null -}):
 * <ol>
 *   <li>samples of any track that FFmpeg squeezed one tick apart after their track's times
 *       jumped back are spread out, and the ones before them moved back ({@link SqueezedSamples});</li>
 *   <li>leading samples whose times are broken (jitter while the source settles its clock) get
 *       steady ones ({@link TimingPlan#plan});</li>
 *   <li>the frames after a jump of a fraction of a frame between steady frames go to the nearest
 *       whole number of frames after it ({@link FrameGrid#jumpsOffGrid}): a plain MP4 of the
 *       segment would otherwise make FFmpeg guess a frame rate a little off;</li>
 *   <li>the frames are put on the frame grid of the file's start ({@link FrameGrid#alignment}):
 *       FFmpeg gives the first frame of a session a time of its own, and the steady frames after
 *       it can sit half a frame off the grid, where the least jitter rounds two to one slot.</li>
 * </ol>
 * Only the {@code tfdt}, {@code trun} durations and composition offsets, {@code tfhd} default
 * durations (when every sample of a fragment without durations of its own changes alike) and
 * {@code tfra} times change; sizes and media data never do, so a crash between two writes leaves a file that still
 * plays. A file whose timing needs neither is not written at all: every segment after a session's
 * first starts on the grid with steady times.
 *
 * <p>A field the repair needs that the fragment lacks (per-sample durations where its samples
 * change unalike, or composition offsets), or a time too large for a 32-bit field, leaves the
 * file as it is. Never call it for a
 * file FFmpeg may still write. Stateless.
 */
public final class LeadingTiming {
    /** The leading part of a segment looked at: broken timing must end within it. */
    private static final Duration WINDOW = Duration.ofSeconds(12);
    /** How long the timing after the broken prefix must be steady. */
    private static final Duration STEADY = Duration.ofSeconds(2);
    private static final int MIN_STEADY_SAMPLES = 10;
    /** The leading part whose decode times FFmpeg guesses the frame rate from (about 20 frames), with room. */
    private static final Duration PROBE = Duration.ofSeconds(2);
    /**
     * What was repaired.
     *
     * @param samples how many leading video samples got steady times (0 when only put on the grid)
     * @param frame   the steady frame duration
     * @param shift   how much later the frames after those are shown now, less than a frame
     *                unless the broken ones had been squeezed
     * @param runs    how many later runs of frames, after a jump in the source's times, were put
     *                back on the frame grid (a whole number of frames after the frames before
     *                them, or off a rounding edge)
     * @param swapped how many frames got another frame's time because their times disagreed with
     *                the order the bitstream shows them in (H.264)
     * @param evened  how many leading frames got evenly spaced decode times, for FFmpeg's guess of
     *                the frame rate
     * @param squeezed how many samples of any track, squeezed one tick apart after their track's
     *                 times jumped back, were spread out ({@link SqueezedSamples})
     * @param jump     how far the samples before such a squeeze moved back, the largest
     * @param earlier  how much later every track of the file now starts, so that the samples moved
     *                 back stay at or after its start: the file's media begins that much earlier in
     *                 wall-clock time than FFmpeg's segment list says
     */
    public record Repair(int samples, Duration frame, Duration shift, int runs, int swapped, int evened,
            int squeezed, Duration jump, Duration earlier) {
        Repair withSqueezes(SqueezedSamples.Repair squeezes) {
            return new Repair(samples, frame, shift, runs, swapped, evened, squeezes.samples(), squeezes.jump(),
                    squeezes.earlier());
        }
    }

    private LeadingTiming() {}

    /**
     * Repairs the file if a track's samples were squeezed after a jump back, or its video starts
     * with broken timing.
     *
     * @return what was repaired; empty when the timing was steady, or the repair cannot be done in
     *         place
     * @throws PlaybackException when the file is not a fragmented MP4
     */
    public static Optional<Repair> repair(Path file) throws IOException, PlaybackException {
        // samples squeezed after a jump back are spread first: the video steps below take the
        // frame duration and the grid from the times around them; a track it cannot read, or
        // times too large to move, leave the video steps to do what they can
        Optional<SqueezedSamples.Repair> squeezes;
        try {
            squeezes = SqueezedSamples.repair(file);
        } catch (PlaybackException | ArithmeticException e) {
            squeezes = Optional.empty();
        }
        Optional<Repair> repair = repairOnce(file);
        // the steps work on each other's results, and a pass can leave something for the next one
        // (a run put back on the grid leaves a gap a tick off); a file is repaired once, before it
        // is handed on, so the repair goes on until nothing is left, at most two more passes
        for (int pass = 0; repair.isPresent() && pass < 2; pass++) {
            if (repairOnce(file).isEmpty()) {
                break;
            }
        }
        if (squeezes.isEmpty()) {
            return repair;
        }
        return Optional.of(repair.orElse(new Repair(0, Duration.ZERO, Duration.ZERO, 0, 0, 0, 0, Duration.ZERO, Duration.ZERO))
                .withSqueezes(squeezes.get()));
    }

    private static Optional<Repair> repairOnce(Path file) throws IOException, PlaybackException {
        FragmentIndex index = FragmentIndex.read(FileSegmentSource.of(file, Instant.EPOCH));
        TrackInfo video = null;
        for (TrackInfo track : index.tracks()) {
            if (track.isVideo()) {
                video = track;
                break;
            }
        }
        if (video == null || index.fragments().isEmpty()) {
            return Optional.empty();
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            List<TimingFields.Run> runs = new ArrayList<>();
            List<TimingFields.Sample> samples = new ArrayList<>();
            for (FragmentIndex.Fragment fragment : index.fragments()) {
                if (fragment.run(video.id()).isPresent()) {
                    byte[] moof = TimingFields.read(channel, fragment.moofOffset(),
                            Math.toIntExact(fragment.moofSize()));
                    TimingFields.readMoof(moof, fragment.moofOffset(), video, runs, samples, file.toString());
                }
            }
            if (samples.size() < 2) {
                return Optional.empty();
            }
            VideoTimeline timeline = null;
            Repair repair = null;
            List<TimingPatches.Patch> patches = null;
            for (Approach approach : APPROACHES) {
                if (repair != null && !approach.differs(repair)) {
                    continue;
                }
                timeline = new VideoTimeline(samples);
                repair = retime(timeline, samples, channel, index, video, file.toString(), approach);
                patches = TimingPatches.of(timeline, runs, samples);
                if (patches != null) {
                    break;
                }
            }
            if (patches == null || patches.isEmpty()) {
                return Optional.empty();
            }
            patches.addAll(TimingPatches.tfra(channel, video.id(), timeline, runs, samples));
            TimingPatches.write(channel, patches);
            return Optional.of(repair);
        }
    }

    /**
     * What the repair may change. FFmpeg leaves out a fragment's per-sample durations when they
     * all equal its default, and the steps that change durations then cannot be written unless
     * they change all of them alike (the default is rewritten then): exact decode spacing, and a later run moved by its decode times (the sample before it, often the
     * last of a fragment without the field, must last longer). The approaches are tried in turn
     * until one can be written: a later run can instead be shown later by its composition offsets
     * (when the fragments carry them, as with B-frames), and the spacing can be left out.
     *
     * @param evenDecodeTimes   whether jittery leading decode times get exact spacing
     * @param laterRunsByDecode whether a later run may move by its decode times
     */
    private record Approach(boolean evenDecodeTimes, boolean laterRunsByDecode) {
        /** Whether this approach can come out otherwise than the one that made {@code repair}. */
        boolean differs(Repair repair) {
            return (!evenDecodeTimes && repair.evened() > 0) || (!laterRunsByDecode && repair.runs() > 0);
        }
    }

    private static final List<Approach> APPROACHES = List.of(new Approach(true, true), new Approach(true, false),
            new Approach(false, true), new Approach(false, false));

    /**
     * Changes the timeline's times, each step on the times the one before left.
     */
    private static Repair retime(VideoTimeline timeline, List<TimingFields.Sample> samples, FileChannel channel,
            FragmentIndex index, TrackInfo video, String name, Approach approach)
            throws IOException, PlaybackException {
        // timestamps a frame apart throughout cannot disagree with the bitstream's order: the order
        // is read (a few small reads per frame) only where jitter or a stall could have swapped frames
        int swapped = evenlyShown(timeline) ? 0
                : AvcSlices.displayRanks(channel, index, video, name).map(timeline::showInOrder).orElse(0);
        int window = window(samples, video.timescale());
        Optional<TimingPlan.Retimed> plan = TimingPlan.plan(Arrays.copyOf(timeline.decode, window),
                Arrays.copyOf(timeline.duration, window), Arrays.copyOf(timeline.offset, window),
                steadySamples(timeline.duration, window, video.timescale()));
        plan.ifPresent(timeline::apply);
        long frame = plan.map(TimingPlan.Retimed::frameDuration)
                .orElse(TimingPlan.frameDuration(Arrays.copyOf(timeline.duration, window)));
        // a jump of a fraction of a frame puts the frames after it back on the grid of those
        // before it, before the spacing below would take it for jitter
        int offGrid = !approach.laterRunsByDecode() ? 0
                : timeline.shift(FrameGrid.jumpsOffGrid(timeline.decode, timeline.shown(), frame));
        int evened = !approach.evenDecodeTimes() ? 0 : TimingPlan.steadyDecodeTimes(timeline.decode, timeline.shown(), frame,
                probeSamples(frame, video.timescale()), plan.isPresent()).map(timeline::decodeAt).orElse(0);
        Long otherStart = otherTracksStart(index, video);
        long moved = plan.map(TimingPlan.Retimed::shift).orElse(0L) + align(timeline, window, frame, otherStart);
        int laterRuns = offGrid + alignLaterRuns(timeline, window, frame, otherStart, approach.laterRunsByDecode());
        return new Repair(plan.map(TimingPlan.Retimed::count).orElse(0), ticks(frame, video.timescale()),
                ticks(moved, video.timescale()), laterRuns, swapped, evened, 0, Duration.ZERO, Duration.ZERO);
    }

    /**
     * Whether every frame is decoded, and shown, one frame duration after the one before it
     * (within 1/32 frame; {@link FrameGrid#steady}).
     */
    static boolean evenlyShown(VideoTimeline timeline) {
        long frame = TimingPlan.frameDuration(timeline.duration);
        return frame > 0 && FrameGrid.steady(timeline.decode, frame) && FrameGrid.steady(timeline.shown(), frame);
    }

    /**
     * Puts the video's frames on the frame grid of the file's start ({@link FrameGrid#alignment}).
     * When the video's first frame is that start, the frames after it move and it stays (its
     * duration grows); otherwise the whole track moves.
     *
     * @param otherStart the earliest time of the other tracks, in video ticks; null when none
     * @return how much later the moved frames are
     */
    private static long align(VideoTimeline timeline, int window, long frame, Long otherStart) {
        long videoStart = Long.MAX_VALUE;
        for (int i = 0; i < window; i++) {
            videoStart = Math.min(videoStart, timeline.shown(i));
        }
        boolean videoFirst = otherStart == null || otherStart > videoStart;
        if (videoFirst && timeline.shown(0) != videoStart) {
            return 0;
        }
        int from = videoFirst ? 1 : 0;
        // the first frame's time is FFmpeg's own, a frame or more before the others: not looked at;
        // a jump after the first run is left to alignLaterRuns
        long[] shown = firstRun(timeline, window, frame);
        long delta = FrameGrid.alignment(shown, frame, videoFirst ? videoStart : otherStart);
        for (int i = from; i < timeline.decode.length && delta != 0; i++) {
            timeline.decode[i] += delta;
        }
        if (from == 1) {
            timeline.duration[0] += delta;
        }
        return delta;
    }

    /** The presentation times of the first run of steady frames after the first frame, within the window. */
    private static long[] firstRun(VideoTimeline timeline, int window, long frame) {
        if (window < 2) {
            return new long[0];
        }
        long end = FrameGrid.firstRunEnd(shownFrom(timeline, 1, window), frame);
        return Arrays.stream(shownFrom(timeline, 1, window)).filter(shown -> shown <= end).toArray();
    }

    private static long[] shownFrom(VideoTimeline timeline, int from, int to) {
        long[] shown = new long[to - from];
        for (int i = from; i < to; i++) {
            shown[i - from] = timeline.shown(i);
        }
        return shown;
    }

    /**
     * Puts the runs of frames after a jump in the source's times on the frame grid of the file's
     * start, each run and the frames after it shown later ({@link FrameGrid#runAlignment}).
     *
     * @param byDecode whether the runs may move by their decode times ({@link VideoTimeline#move})
     * @return how many runs moved
     */
    private static int alignLaterRuns(VideoTimeline timeline, int window, long frame, Long otherStart,
            boolean byDecode) {
        int count = timeline.decode.length;
        if (window < 2 || count < 2) {
            return 0;
        }
        long[] shown = shownFrom(timeline, 0, count);
        long origin = Arrays.stream(shown).min().orElseThrow();
        if (otherStart != null) {
            origin = Math.min(origin, otherStart);
        }
        long settled = FrameGrid.firstRunEnd(shownFrom(timeline, 1, window), frame);
        long[] moves = FrameGrid.runAlignment(shown, frame, origin, settled);
        return timeline.move(moves, byDecode);
    }

    /** The earliest decode time of the tracks other than {@code video}, in its ticks; null when none. */
    private static Long otherTracksStart(FragmentIndex index, TrackInfo video) {
        Long start = null;
        for (TrackInfo track : index.tracks()) {
            if (track.id() == video.id()) {
                continue;
            }
            for (FragmentIndex.Fragment fragment : index.fragments()) {
                Optional<FragmentIndex.TrackRun> run = fragment.run(track.id());
                if (run.isPresent() && run.get().sampleCount() > 0) {
                    long ticks = run.get().baseDecodeTime() * video.timescale()
                            / track.timescale();
                    start = start == null ? ticks : Math.min(start, ticks);
                    break;
                }
            }
        }
        return start;
    }

    /** How many leading samples lie within {@link #WINDOW} of the first. */
    private static int window(List<TimingFields.Sample> samples, long timescale) {
        long first = samples.get(0).decode();
        long windowTicks = WINDOW.getSeconds() * timescale;
        int count = 0;
        while (count < samples.size() && samples.get(count).decode() - first < windowTicks) {
            count++;
        }
        return count;
    }

    /** How many leading samples FFmpeg's frame-rate guess looks at, with room: {@link #PROBE} of frames. */
    private static int probeSamples(long frame, long timescale) {
        return (int) Math.max(MIN_STEADY_SAMPLES, PROBE.getSeconds() * timescale / Math.max(1, frame));
    }

    private static int steadySamples(long[] durations, int window, long timescale) {
        long frame = Math.max(1, TimingPlan.frameDuration(Arrays.copyOf(durations, window)));
        return (int) Math.max(MIN_STEADY_SAMPLES, STEADY.getSeconds() * timescale / frame);
    }

    private static Duration ticks(long ticks, long timescale) {
        return Duration.ofNanos(Math.multiplyExact(ticks, 1_000_000_000L) / timescale);
    }
}
