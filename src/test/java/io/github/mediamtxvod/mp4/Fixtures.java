package io.github.mediamtxvod.mp4;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Short-hands for the playback unit tests: synthetic sources and outputs in memory. */
final class Fixtures {
    static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    static final PlaybackMuxer MUXER = new PlaybackMuxer(Duration.ofHours(2));

    private Fixtures() {}

    /** A source of {@code seconds} with 1 s fragments, starting {@code at} seconds after {@link #T0}. */
    static IndexedSource source(int tag, double at, int seconds, List<SyntheticSegment.Track> tracks)
            throws Exception {
        return source(new MemorySource("segment-" + tag, T0.plusNanos((long) (at * 1e9)),
                SyntheticSegment.write(tag, tracks, Duration.ofSeconds(seconds), Duration.ofSeconds(1))));
    }

    static IndexedSource source(MemorySource bytes) throws Exception {
        return IndexedSource.read(bytes);
    }

    static List<SyntheticSegment.Track> videoAndAudio(int gopSeconds) {
        return List.of(SyntheticSegment.video(gopSeconds), SyntheticSegment.audio());
    }

    static Instant at(double seconds) {
        return T0.plusNanos(Math.round(seconds * 1e9));
    }

    static Duration seconds(double seconds) {
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }

    static byte[] fmp4(List<IndexedSource> sources, double start, double duration, Instant origin) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MUXER.writeFmp4(sources, at(start), seconds(duration), origin, out);
        return out.toByteArray();
    }

    static byte[] mp4(List<IndexedSource> sources, double start, double duration) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MUXER.writeMp4(sources, at(start), seconds(duration), out);
        return out.toByteArray();
    }

    /** The samples of one track, in output order. */
    static List<OutputSamples.Sample> track(List<OutputSamples.Sample> samples, int trackId) {
        return samples.stream().filter(sample -> sample.trackId() == trackId).toList();
    }
}
