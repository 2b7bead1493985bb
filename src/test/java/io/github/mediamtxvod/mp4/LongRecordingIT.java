package io.github.mediamtxvod.mp4;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.mp4.FfmpegSegments.Variant;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thirty minutes of real 60 s segments, recorded once: both outputs of the whole half hour read
 * only moofs and the kept media, each at most one fragment per ranged read, and still decode cleanly.
 */
class LongRecordingIT {
    private static final Logger log = LoggerFactory.getLogger(LongRecordingIT.class);
    private static final Variant VARIANT = new Variant("long", "libx264", true, 2, true, 60, false, "96x64", 10,
            "matroska");
    private static final Instant START = Instant.parse("2024-05-01T10:00:00Z");
    private static final Duration LENGTH = Duration.ofMinutes(30);
    private static final PlaybackMuxer MUXER = new PlaybackMuxer(Duration.ofHours(1));

    @TempDir
    static Path dir;

    private static final List<CountingSource> counted = new ArrayList<>();
    private static final List<IndexedSource> sources = new ArrayList<>();

    @BeforeAll
    static void record() throws Exception {
        long started = System.nanoTime();
        List<IndexedSource> recorded = FfmpegSegments.record(dir, VARIANT, START, (int) LENGTH.toSeconds());
        long indexed = System.nanoTime();
        for (IndexedSource source : recorded) {
            CountingSource counting = new CountingSource(source.source());
            sources.add(IndexedSource.read(counting));
            counting.clear();
            counted.add(counting);
        }
        log.info("recorded {} segments in {} ms, indexed them again in {} ms", recorded.size(),
                (indexed - started) / 1_000_000, (System.nanoTime() - indexed) / 1_000_000);
    }

    @Test
    void halfAnHourAsMp4ReadsMoofsThenMediaOnce() throws Exception {
        Path file = dir.resolve("half-hour.mp4");
        long started = System.nanoTime();
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024)) {
            MUXER.writeMp4(sources, START, LENGTH, out);
        }
        log.info("wrote {} bytes of mp4 in {} ms", Files.size(file), (System.nanoTime() - started) / 1_000_000);

        long media = assertReads(2);
        assertThat(media).isLessThanOrEqualTo(Files.size(file));
        PlaybackIT.assertPlays(file, LENGTH.toSeconds() - 0.1, VARIANT, "half an hour (mp4)");
    }

    @Test
    void halfAnHourAsFmp4ReadsEachFragmentOnce() throws Exception {
        Path file = dir.resolve("half-hour.fmp4.mp4");
        long started = System.nanoTime();
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024)) {
            MUXER.writeFmp4(sources, START, LENGTH, null, out);
        }
        log.info("wrote {} bytes of fmp4 in {} ms", Files.size(file), (System.nanoTime() - started) / 1_000_000);

        assertReads(1);
        PlaybackIT.assertPlays(file, LENGTH.toSeconds() - 0.1, VARIANT, "half an hour (fmp4)");
    }

    /**
     * Each source read {@code perFragment} times per fragment, no read past its fragment; returns the
     * bytes of the reads that were not a moof alone.
     */
    private static long assertReads(int perFragment) {
        long total = 0;
        for (int s = 0; s < sources.size(); s++) {
            List<long[]> reads = counted.get(s).reads();
            counted.get(s).clear();
            List<FragmentIndex.Fragment> fragments = sources.get(s).index().fragments();
            // the range ends inside the last segment, whose last fragment may be left out
            int expected = perFragment * fragments.size();
            assertThat(reads).as(sources.get(s).source().name())
                    .hasSizeBetween(s == sources.size() - 1 ? expected - perFragment : expected, expected);
            for (long[] read : reads) {
                FragmentIndex.Fragment fragment = containing(fragments, read[0]);
                assertThat(read[0] + read[1]).isLessThanOrEqualTo(fragment.end());
                boolean moofOnly = read[0] == fragment.moofOffset() && read[1] == fragment.moofSize();
                total += moofOnly ? 0 : read[1];
            }
        }
        return total;
    }

    private static FragmentIndex.Fragment containing(List<FragmentIndex.Fragment> fragments, long offset) {
        for (FragmentIndex.Fragment fragment : fragments) {
            if (offset >= fragment.moofOffset() && offset < fragment.end()) {
                return fragment;
            }
        }
        throw new AssertionError("a read at byte " + offset + " is outside every fragment");
    }
}
