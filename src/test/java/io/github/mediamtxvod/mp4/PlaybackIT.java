package io.github.mediamtxvod.mp4;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.mp4.FfmpegSegments.Variant;
import io.github.mediamtxvod.testing.Ffprobe;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Cuts of real FFmpeg recordings, in both formats, checked with real FFmpeg and ffprobe. */
class PlaybackIT {
    static final Instant SESSION = Instant.parse("2024-05-01T10:00:00Z");
    static final int SECONDS = 12;
    private static final PlaybackMuxer MUXER = new PlaybackMuxer(Duration.ofHours(1));
    private static final Map<Variant, List<IndexedSource>> RECORDINGS = new LinkedHashMap<>();

    @TempDir
    static Path dir;

    static Stream<Variant> variants() {
        return Stream.of(
                new Variant("h264-bframes-gop1-aac", "libx264", true, 1, true, 2, false),
                new Variant("h264-gop4-fragments1s-aac", "libx264", false, 4, true, 4, true),
                new Variant("h264-bframes-gop4-aac", "libx264", true, 4, true, 3, false),
                new Variant("h264-video-only", "libx264", true, 1, false, 3, false),
                new Variant("aac-audio-only", null, false, 1, true, 2, false),
                new Variant("h265-bframes-gop2-aac", "libx265", true, 2, true, 4, false));
    }

    @BeforeAll
    static void record() throws Exception {
        for (Variant variant : variants().toList()) {
            RECORDINGS.put(variant, FfmpegSegments.record(dir.resolve(variant.name()), variant, SESSION, SECONDS));
        }
    }

    static List<IndexedSource> recording(Variant variant) {
        return RECORDINGS.get(variant);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void cutsDecodeCleanlyFromAKeyframeAndLastAsLongAsAsked(Variant variant) throws Exception {
        List<IndexedSource> sources = recording(variant);
        assertThat(sources).hasSizeGreaterThan(2);
        if (variant.fragmentEverySecond()) {
            // the case frag_duration brings: fragments that start on a non-keyframe
            assertThat(sources.stream().flatMap(source -> source.index().fragments().stream())
                    .flatMap(fragment -> fragment.run(1).stream())).anyMatch(run -> !run.firstSampleSync());
        }
        double[][] requests = {{3.3, 5}, {0, 11.5}, {7.9, 2.5}, {5.5, 0.4}};
        for (double[] request : requests) {
            Instant start = SESSION.plusMillis((long) (request[0] * 1000));
            Duration duration = Duration.ofMillis((long) (request[1] * 1000));
            String what = variant + " from " + request[0] + " s for " + request[1] + " s";

            Path fragmented = dir.resolve(variant + "-" + request[0] + ".fmp4.mp4");
            MuxResult cut;
            try (OutputStream out = Files.newOutputStream(fragmented)) {
                cut = MUXER.writeFmp4(sources, start, duration, null, out);
            }
            assertThat(cut.firstSample()).as(what).isAfterOrEqualTo(start.minusSeconds(variant.gopSeconds())
                    .minusMillis(100)).isBeforeOrEqualTo(start);
            assertPlays(fragmented, request[1], variant, what + " (fmp4)");
            List<OutputSamples.Sample> samples = OutputSamples.fmp4(Files.readAllBytes(fragmented));
            assertThat(samples.get(0).dts()).as(what).isZero();
            if (variant.codec() != null) {
                assertThat(Fixtures.track(samples, 1).get(0).sync()).as(what + ": first video sample").isTrue();
            }

            Path plain = dir.resolve(variant + "-" + request[0] + ".mp4");
            try (OutputStream out = Files.newOutputStream(plain)) {
                MUXER.writeMp4(sources, start, duration, out);
            }
            assertThat(OutputSamples.topLevelBoxes(Files.readAllBytes(plain))).as(what)
                    .containsExactly("ftyp", "moov", "mdat");
            Ffprobe.ProbeResult probe = assertPlays(plain, request[1], variant, what + " (mp4)");
            assertThat(probe.startTime().toMillis()).as(what + ": mp4 start_time").isBetween(0L, 30L);
        }
    }

    /** Decodes without a single error line and lasts the request, plus at most one GOP and 0.1 s. */
    static Ffprobe.ProbeResult assertPlays(Path file, double requested, Variant variant, String what) {
        assertThat(Ffprobe.decodeErrors(file)).as(what + ": decode errors").isEmpty();
        Ffprobe.ProbeResult probe = Ffprobe.probe(file);
        assertThat(probe.errors()).as(what + ": probe errors").isEmpty();
        double seconds = probe.duration().toNanos() / 1e9;
        assertThat(seconds).as(what + ": duration").isBetween(requested - 0.1, requested + variant.gopSeconds() + 0.1);
        return probe;
    }
}
