package io.github.mediamtxvod.mp4;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Real FFmpeg segment files with broken start-up timing, written exactly as the recorder writes a
 * segment (fragmented MP4 with its movflags): a source whose first GOP runs fast, as a server
 * still locking onto its publisher's clock gives it.
 */
public final class TimingFixtures {
    /** The first GOP (25 frames) at 0.6 of its real pace: frames 24 ms apart instead of 40. */
    public static final String FAST_FIRST_GOP = "setts=pts=if(lt(N\\,25)\\,PTS*0.6\\,PTS)"
            + ":dts=if(lt(N\\,25)\\,DTS*0.6\\,DTS)";

    /**
     * From the third GOP on (decode order, a closed cut) every frame 2.475 frames later, and every
     * other frame 1 ms late: the frames after the jump sit at the rounding edge of the frame grid,
     * where the jitter rounds two to one slot, as after a source's stall in the soak. In ticks of
     * the {@link #VIDEO_TIMESCALE} (a frame is 640).
     */
    public static final String JUMP_AFTER_SECOND_GOP = "setts=pts=PTS+1584*gte(N\\,50)+16*mod(N\\,2)"
            + ":dts=DTS+1584*gte(N\\,50)";
    /**
     * As {@link #JUMP_AFTER_SECOND_GOP}, but only the presentation times jump: the decode times
     * stay a frame apart, so FFmpeg writes no per-sample durations in the fragment before the
     * jump, as in the soak. The frame before the jump must last longer for the later frames to
     * move, and only the next fragment's {@code tfdt} can say so.
     */
    public static final String SHOWN_LATER_AFTER_SECOND_GOP = "setts=pts=PTS+1584*gte(N\\,50)+16*mod(N\\,2)";
    /**
     * As {@link #SHOWN_LATER_AFTER_SECOND_GOP}, but the jump comes in the middle of the third GOP,
     * inside a fragment whose samples all last the default: no field can make the frame before
     * the jump last longer.
     */
    public static final String SHOWN_LATER_INSIDE_A_FRAGMENT = "setts=pts=PTS+1584*gte(N\\,60)+16*mod(N\\,2)";
    /**
     * A 2.37 s stall between the P-frame decoded 52nd and the B-frames decoded after it but shown
     * before it (with 2 B-frames per P): those B-frames get times after the P-frame's, against the
     * bitstream's order, as in the soak; decode times jitter by a tick, as an RTSP source's do.
     */
    public static final String STALL_INSIDE_A_GROUP = "setts=pts=PTS+37914*gte(N\\,52)"
            + ":dts=DTS+37914*gte(N\\,52)-gte(mod(N\\,4)\\,3)";
    /**
     * No B-frames; the first frame 1.1 s before the others (FFmpeg's own time for a session's
     * first frame, so it sits alone in the first fragment, its duration in the {@code tfhd}), and
     * the odd frames of the first half second early by 120 ticks down to 20 (of 640), as the RTSP
     * test server's first frames come: two frames 35 ms apart where the frame rate says 40.
     */
    public static final String LONE_FIRST_FRAME_THEN_JITTER = "setts=pts=PTS+17600*gte(N\\,1)"
            + "-10*(13-N)*lt(N\\,13)*mod(N\\,2):dts=DTS+17600*gte(N\\,1)-10*(13-N)*lt(N\\,13)*mod(N\\,2)";
    /**
     * No B-frames; the first frame 1.1 s before the others, and every other frame of the first 21
     * shown 19 ticks (of 640) early and the rest after them as late as that adds up to: a source
     * whose clock runs fast while it settles, each jitter under 1/32 frame, the kind FFmpeg then
     * guesses 25.42 fps from.
     */
    public static final String SETTLING_CLOCK = "setts=pts=PTS+17600*gte(N\\,1)-19*floor(min(N\\,21)/2)"
            + ":dts=DTS+17600*gte(N\\,1)-19*floor(min(N\\,21)/2)";
    /**
     * No B-frames; from the 51st frame on, every frame 1.2 s (30 frames) earlier: the video's times
     * jump back, as FFmpeg's RTSP reader's do at the first sender report when the track's times ran
     * ahead. FFmpeg's muxer writes the 30 frames that would go back one tick apart.
     */
    public static final String VIDEO_JUMPS_BACK = "setts=pts=PTS-19200*gte(N\\,50):dts=DTS-19200*gte(N\\,50)";
    /** As {@link #VIDEO_JUMPS_BACK} for the audio (48 kHz): from the 101st packet on, 1.2 s earlier. */
    public static final String AUDIO_JUMPS_BACK = "setts=ts=TS-57600*gte(N\\,100)";
    /**
     * From the 50th frame on (1.96 s), every frame 147 ticks (0.23 frame) later, as an RTSP
     * source's times re-based by its first sender report: in a 2 s segment, its last frame.
     */
    public static final String QUARTER_FRAME_JUMP_AT_2_S = "setts=ts=TS+147*gte(N\\,49)";
    /** The video track's timescale in the segments made here. */
    public static final int VIDEO_TIMESCALE = 16000;

    private TimingFixtures() {}

    /** A 4 s segment as the recorder writes it, from a source whose video timestamps went through {@code bsf}. */
    public static Path segment(Path dir, String codec, boolean bFrames, boolean audio, String bsf)
            throws IOException, InterruptedException {
        return segment(dir, codec, bFrames, audio, bsf, null);
    }

    /** As {@link #segment(Path, String, boolean, boolean, String)}, the audio timestamps through {@code audioBsf}. */
    public static Path segment(Path dir, String codec, boolean bFrames, boolean audio, String bsf, String audioBsf)
            throws IOException, InterruptedException {
        return segment(dir, codec, bFrames, audio, bsf, audioBsf, 4);
    }

    /** As {@link #segment(Path, String, boolean, boolean, String, String)}, {@code seconds} long. */
    public static Path segment(Path dir, String codec, boolean bFrames, boolean audio, String bsf, String audioBsf,
            int seconds) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory(dir, "segment");
        List<String> encode = new ArrayList<>(List.of(FfmpegSegments.ffmpeg(), "-hide_banner", "-nostdin",
                "-loglevel", "error", "-y"));
        if (codec != null) {
            encode.addAll(List.of("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25"));
        }
        if (audio) {
            encode.addAll(List.of("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"));
        }
        encode.addAll(List.of("-t", Integer.toString(seconds)));
        if (codec != null) {
            encode.addAll(List.of("-c:v", codec, "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "25",
                    "-keyint_min", "25", "-sc_threshold", "0", "-bf", bFrames ? "2" : "0"));
            if (codec.equals("libx265")) {
                encode.addAll(List.of("-x265-params", "log-level=error:scenecut=0:bframes=" + (bFrames ? 2 : 0)));
            }
        }
        if (audio) {
            encode.addAll(List.of("-c:a", "aac", "-b:a", "64k"));
        }
        encode.add("input.mkv");
        FfmpegSegments.run(work, encode);
        List<String> copy = new ArrayList<>(List.of(FfmpegSegments.ffmpeg(), "-hide_banner", "-nostdin",
                "-loglevel", "error", "-y", "-i", "input.mkv", "-map", "0", "-c", "copy"));
        if (bsf != null) {
            copy.addAll(List.of("-bsf:v", bsf));
        }
        if (audioBsf != null) {
            copy.addAll(List.of("-bsf:a", audioBsf));
        }
        copy.addAll(List.of("-f", "mp4", "-video_track_timescale", Integer.toString(VIDEO_TIMESCALE), "-movflags", "+frag_keyframe+empty_moov+default_base_moof",
                "-frag_duration", "1000000", "segment.mp4"));
        FfmpegSegments.run(work, copy);
        return work.resolve("segment.mp4");
    }

}
