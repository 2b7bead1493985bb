package io.github.mediamtxvod.mp4;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes ftyp and moov for both outputs: for fMP4 with empty sample tables and an mvex, for plain
 * MP4 with the tables of {@link SampleTables} and an edit list where a track starts late or its
 * first frame is presented after its first decode time (B-frames). Sample descriptions are copied
 * from the source unchanged. Pure.
 */
final class MoovWriter {
    /** Movie timescale: milliseconds, as FFmpeg writes. */
    static final long MOVIE_TIMESCALE = 1000;
    private static final int[] MATRIX = {0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000};

    private MoovWriter() {}

    static void ftyp(BoxWriter out, boolean fragmented) {
        out.begin("ftyp");
        if (fragmented) {
            out.fourcc("iso5").u32(512).fourcc("iso5").fourcc("iso6").fourcc("mp41");
        } else {
            out.fourcc("isom").u32(512).fourcc("isom").fourcc("iso2").fourcc("mp41");
        }
        out.end();
    }

    /** The moov of an fMP4: no samples, durations 0, one trex per track. */
    static void fragmented(BoxWriter out, List<TrackInfo> tracks) {
        out.begin("moov");
        mvhd(out, 0, tracks);
        for (TrackInfo track : tracks) {
            trak(out, track, null, 0, false);
        }
        out.begin("mvex");
        for (TrackInfo track : tracks) {
            out.beginFull("trex", 0, 0).u32(track.id()).u32(1).u32(0).u32(0).u32(0).end();
        }
        out.end();
        out.end();
    }

    /** The moov of a plain MP4 whose mdat payload starts at byte {@code chunkBase}. */
    static void plain(BoxWriter out, List<SampleTables> tables, long chunkBase, boolean co64) {
        long movieDuration = 0;
        for (SampleTables table : tables) {
            movieDuration = Math.max(movieDuration, presentedDuration(table));
        }
        out.begin("moov");
        mvhd(out, movieDuration, tables.stream().map(table -> table.track).toList());
        for (SampleTables table : tables) {
            trak(out, table.track, table, chunkBase, co64);
        }
        out.end();
    }

    private static void mvhd(BoxWriter out, long duration, List<TrackInfo> tracks) {
        int nextId = 1;
        for (TrackInfo track : tracks) {
            nextId = Math.max(nextId, track.id() + 1);
        }
        boolean wide = duration > 0xffffffffL;
        out.beginFull("mvhd", wide ? 1 : 0, 0);
        times(out, wide);
        out.u32(MOVIE_TIMESCALE);
        length(out, wide, duration);
        out.u32(0x10000).u16(0x100).zeros(10);
        matrix(out);
        out.zeros(24).u32(nextId).end();
    }

    private static void trak(BoxWriter out, TrackInfo track, SampleTables table, long chunkBase, boolean co64) {
        long delay = table == null ? 0 : movieTicks(table.firstDts(), track);
        long mediaStart = table == null ? 0 : table.presentationStart();
        long presented = table == null ? 0 : presentedDuration(table);
        out.begin("trak");
        boolean wide = presented > 0xffffffffL;
        out.beginFull("tkhd", wide ? 1 : 0, 3); // enabled, in movie
        times(out, wide);
        out.u32(track.id()).u32(0);
        length(out, wide, presented);
        out.zeros(8).u16(0).u16(track.isAudio() ? 1 : 0).u16(track.isAudio() ? 0x100 : 0).u16(0);
        matrix(out);
        out.u32(track.width()).u32(track.height()).end();
        if (delay > 0 || mediaStart > 0) {
            editList(out, delay, presented - delay, mediaStart);
        }
        out.begin("mdia");
        long mediaDuration = table == null ? 0 : table.mediaDuration();
        boolean wideMedia = mediaDuration > 0xffffffffL;
        out.beginFull("mdhd", wideMedia ? 1 : 0, 0);
        times(out, wideMedia);
        out.u32(track.timescale());
        length(out, wideMedia, mediaDuration);
        out.u16(track.language()).u16(0).end();
        out.beginFull("hdlr", 0, 0).u32(0).fourcc(track.handler()).zeros(12)
                .bytes((track.isVideo() ? "VideoHandler\0" : track.isAudio() ? "SoundHandler\0" : "DataHandler\0")
                        .getBytes(StandardCharsets.US_ASCII))
                .end();
        out.begin("minf");
        if (track.isVideo()) {
            out.beginFull("vmhd", 0, 1).zeros(8).end();
        } else if (track.isAudio()) {
            out.beginFull("smhd", 0, 0).zeros(4).end();
        } else {
            out.beginFull("nmhd", 0, 0).end();
        }
        out.begin("dinf").beginFull("dref", 0, 0).u32(1).beginFull("url ", 0, 1).end().end().end();
        out.begin("stbl").bytes(track.sampleDescription());
        if (table == null) {
            out.beginFull("stts", 0, 0).u32(0).end();
            out.beginFull("stsc", 0, 0).u32(0).end();
            out.beginFull("stsz", 0, 0).u32(0).u32(0).end();
            out.beginFull("stco", 0, 0).u32(0).end();
        } else {
            table.write(out, chunkBase, co64);
        }
        out.end().end().end().end();
    }

    /**
     * An empty edit for a late start, then the media from its first presented frame: players and
     * FFmpeg then show the first keyframe at the track's place on the timeline, not 2 frames later.
     */
    private static void editList(BoxWriter out, long delay, long segment, long mediaStart) {
        boolean wide = segment > 0xffffffffL || mediaStart > Integer.MAX_VALUE;
        out.begin("edts").beginFull("elst", wide ? 1 : 0, 0).u32(delay > 0 ? 2 : 1);
        if (delay > 0) {
            length(out, wide, delay);
            edge(out, wide, -1);
        }
        length(out, wide, Math.max(0, segment));
        edge(out, wide, mediaStart);
        out.end().end();
    }

    private static void edge(BoxWriter out, boolean wide, long mediaTime) {
        if (wide) {
            out.u64(mediaTime);
        } else {
            out.u32(mediaTime & 0xffffffffL);
        }
        out.u16(1).u16(0); // rate 1.0
    }

    /**
     * The track's length on the movie timeline: its delay plus its media, which the edit shows from
     * the first presented frame for as long as the samples last.
     */
    private static long presentedDuration(SampleTables table) {
        return movieTicks(table.firstDts(), table.track) + movieTicks(table.mediaDuration(), table.track);
    }

    private static long movieTicks(long ticks, TrackInfo track) {
        return MediaTime.toTicks(MediaTime.toNanos(ticks, track.timescale()), MOVIE_TIMESCALE);
    }

    private static void times(BoxWriter out, boolean wide) {
        // creation and modification times 0: the output is made on request; 0 keeps it reproducible
        if (wide) {
            out.u64(0).u64(0);
        } else {
            out.u32(0).u32(0);
        }
    }

    private static void length(BoxWriter out, boolean wide, long value) {
        if (wide) {
            out.u64(value);
        } else {
            out.u32(value);
        }
    }

    private static void matrix(BoxWriter out) {
        for (int value : MATRIX) {
            out.u32(value & 0xffffffffL);
        }
    }
}
