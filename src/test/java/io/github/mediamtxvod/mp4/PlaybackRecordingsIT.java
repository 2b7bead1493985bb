package io.github.mediamtxvod.mp4;

import static io.github.mediamtxvod.mp4.PlaybackIT.assertPlays;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.mp4.FfmpegSegments.Variant;
import io.github.mediamtxvod.testing.Ffprobe;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real recordings in the shapes a recorder leaves: several sessions, a crash-torn file, thumbnails. */
class PlaybackRecordingsIT {
    private static final Variant VARIANT = new Variant("h264-bframes-gop1-aac", "libx264", true, 1, true, 3, false);
    private static final Instant FIRST = Instant.parse("2024-05-01T10:00:00Z");
    private static final Instant SECOND = FIRST.plusSeconds(30);
    private static final PlaybackMuxer MUXER = new PlaybackMuxer(Duration.ofHours(1));

    @TempDir
    static Path dir;

    private static List<IndexedSource> first;
    private static List<IndexedSource> second;

    @BeforeAll
    static void record() throws Exception {
        first = FfmpegSegments.record(dir.resolve("first"), VARIANT, FIRST, 12);
        second = FfmpegSegments.record(dir.resolve("second"), VARIANT, SECOND, 12);
    }

    @Test
    void aRangeOverTwoSessionsPlaysBothWithoutTheGap() throws Exception {
        List<IndexedSource> sources = new ArrayList<>(first);
        sources.addAll(second);
        Instant start = FIRST.plusSeconds(5);

        for (String format : List.of("fmp4", "mp4")) {
            Path file = dir.resolve("sessions." + format + ".mp4");
            MuxResult result = write(sources, start, Duration.ofSeconds(40), format, file);

            // 7 s of the first session, 12 s of the second, the 18 s between them left out
            double expected = Duration.between(result.firstSample(), first.get(first.size() - 1).source().start()
                    .plus(first.get(first.size() - 1).index().duration())).toNanos() / 1e9 + 12;
            assertPlays(file, expected, VARIANT, "two sessions (" + format + ")");
            assertThat(result.skippedGaps().toMillis()).isBetween(17_500L, 18_200L);
            assertThat(result.sourcesUsed()).isEqualTo(first.size() - 1 + second.size());
        }
    }

    @Test
    void aSessionStartedBeforeThePreviousOneStoppedIsJoinedWhereItStarts() throws Exception {
        // at the change of day the next session records for a moment before the previous one stops
        IndexedSource last = first.get(first.size() - 1);
        Instant firstEnd = last.source().start().plus(last.index().duration());
        Instant overlapping = firstEnd.minusMillis(1500);
        List<IndexedSource> next = FfmpegSegments.record(dir.resolve("next-day"), VARIANT, overlapping, 9);
        List<IndexedSource> sources = new ArrayList<>(first);
        sources.addAll(next);

        for (String format : List.of("fmp4", "mp4")) {
            Path file = dir.resolve("next-day." + format + ".mp4");
            MuxResult result = write(sources, FIRST.plusSeconds(5), Duration.ofSeconds(40), format, file);

            // the first session up to where the next one starts, then all 9 s of it: the 1.5 s both
            // hold are played once
            double expected = Duration.between(result.firstSample(), overlapping).toNanos() / 1e9 + 9;
            assertPlays(file, expected, VARIANT, "overlapping sessions (" + format + ")");
            // with B-frames the first session ends on the last frame shown before the join: a frame or two early
            assertThat(result.skippedGaps()).isLessThan(Duration.ofMillis(200));
        }
    }

    @Test
    void aCrashTornLastFragmentIsLeftOut() throws Exception {
        IndexedSource whole = first.get(1);
        Path torn = dir.resolve("torn.mp4");
        Files.copy(Path.of(whole.source().name()), torn);
        FragmentIndex.Fragment last = whole.index().fragments().get(whole.index().fragments().size() - 1);
        try (RandomAccessFile file = new RandomAccessFile(torn.toFile(), "rw")) {
            file.setLength(last.mdatOffset() + last.mdatSize() / 2); // as a kill mid-write leaves it
        }
        IndexedSource source = IndexedSource.read(FileSegmentSource.of(torn, whole.source().start()));

        assertThat(source.index().fragments()).hasSize(whole.index().fragments().size() - 1);
        assertThat(source.index().completeLength()).isEqualTo(last.moofOffset());
        for (String format : List.of("fmp4", "mp4")) {
            Path file = dir.resolve("torn." + format + ".mp4");
            write(List.of(source), whole.source().start(), Duration.ofSeconds(10), format, file);
            assertPlays(file, source.index().duration().toNanos() / 1e9, VARIANT, "torn (" + format + ")");
        }
    }

    @Test
    void aThumbnailComesFromOneKeyframe() throws Exception {
        Keyframe keyframe = KeyframeLocator.nearest(first, FIRST.plusMillis(5400)).orElseThrow();
        assertThat(keyframe.time()).isBetween(FIRST.plusMillis(4900), FIRST.plusMillis(5900));

        Path still = dir.resolve("still.mp4");
        try (OutputStream out = Files.newOutputStream(still)) {
            KeyframeLocator.writeStill(keyframe, out);
        }
        Path image = dir.resolve("thumb.png");
        FfmpegSegments.run(dir, List.of(FfmpegSegments.ffmpeg(), "-nostdin", "-v", "error", "-i", still.toString(),
                "-frames:v", "1", image.toString()));
        assertThat(image).isNotEmptyFile();

        // the other way: the init section and the whole fragment, byte for byte from the segment
        Path initAndFragment = dir.resolve("init-and-fragment.mp4");
        Path segment = Path.of(keyframe.source().source().name());
        try (OutputStream out = Files.newOutputStream(initAndFragment, StandardOpenOption.CREATE_NEW)) {
            byte[] bytes = Files.readAllBytes(segment);
            out.write(bytes, 0, (int) keyframe.source().index().initLength());
            out.write(bytes, (int) keyframe.fragment().moofOffset(), (int) keyframe.fragment().length());
        }
        assertThat(Ffprobe.decodeErrors(initAndFragment)).isEmpty();
    }

    @Test
    void aFirstSegmentWithAnotherAudioConfigurationEndsTheOutputThere() throws Exception {
        // from MPEG-TS the first segment's esds lacks the AAC configuration the later ones carry
        Variant fromTs = new Variant("from-ts", "libx264", true, 1, true, 3, false, "320x240", 25, "mpegts");
        List<IndexedSource> sources = FfmpegSegments.record(dir.resolve("ts"), fromTs, FIRST, 9);
        assertThat(sources.get(0).index().sameLayout(sources.get(1).index())).isFalse();
        assertThat(sources.get(1).index().sameLayout(sources.get(2).index())).isTrue();

        Path file = dir.resolve("ts.mp4");
        MuxResult result = write(sources, FIRST.plusSeconds(1), Duration.ofSeconds(6), "fmp4", file);

        assertThat(result.endedAtLayoutChange()).isTrue();
        assertThat(result.sourcesUsed()).isEqualTo(1);
        assertPlays(file, sources.get(0).index().duration().toNanos() / 1e9 - 1, fromTs, "ended at layout change");
        MuxResult later = write(sources, FIRST.plusSeconds(4), Duration.ofSeconds(5), "mp4", dir.resolve("ts2.mp4"));
        assertThat(later.endedAtLayoutChange()).isFalse();
        assertPlays(dir.resolve("ts2.mp4"), 5, fromTs, "from the second segment on");
    }

    private static MuxResult write(List<IndexedSource> sources, Instant start, Duration duration, String format,
            Path file) throws Exception {
        try (OutputStream out = Files.newOutputStream(file)) {
            return format.equals("mp4") ? MUXER.writeMp4(sources, start, duration, out)
                    : MUXER.writeFmp4(sources, start, duration, null, out);
        }
    }
}
