package io.github.mediamtxvod.catalog;

import static io.github.mediamtxvod.catalog.CatalogTest.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.mediamtxvod.mp4.FileSegmentSource;
import io.github.mediamtxvod.mp4.FragmentIndex;
import io.github.mediamtxvod.recording.OutputFormat;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.recording.SegmentLayout;
import io.github.mediamtxvod.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finished MP4 segments, and after a start those catalogued without one, get their fragment index
 * stored in the background; other files are passed over.
 */
class FragmentIndexerIT {
    @TempDir
    Path dir;

    private Catalog catalog;
    private FragmentIndexer indexer;

    @BeforeEach
    void start() {
        catalog = new Catalog(dir, new MutableClock(T0));
        catalog.start();
        indexer = new FragmentIndexer(catalog);
        indexer.start();
    }

    @AfterEach
    void stop() {
        indexer.close();
        catalog.close();
    }

    @Test
    void aFinishedMp4SegmentHasItsIndexStoredAndABadFileDoesNotStopTheIndexer() throws Exception {
        Segment garbage = segment(0, OutputFormat.MP4);
        Files.writeString(garbage.file(dir), "not an mp4 file at all");
        Segment ts = segment(1, OutputFormat.TS);
        Files.writeString(ts.file(dir), "never read");
        Segment real = recorded(2);

        for (Segment segment : List.of(garbage, ts, real)) {
            catalog.recordFinished(segment);
            indexer.segmentFinished(segment);
        }

        assertIndexed(real);
        assertThat(catalog.fragmentIndexes(List.of(garbage.relativePath(), ts.relativePath()))).isEmpty();
    }

    @Test
    void segmentsCataloguedBeforeTheStartAreIndexedByThePassAfterIt() throws Exception {
        indexer.close();
        Segment earlier = recorded(0);
        catalog.recordFinished(earlier);
        Segment gone = segment(1, OutputFormat.MP4);
        catalog.recordFinished(gone); // its file is already gone: passed over

        indexer = new FragmentIndexer(catalog);
        indexer.start();

        assertIndexed(earlier);
        assertThat(catalog.withoutFragmentIndex(null, 10)).extracting(Entry::relativePath)
                .containsExactly(gone.relativePath());
    }

    private void assertIndexed(Segment segment) throws Exception {
        await("the index of " + segment.relativePath()).atMost(Duration.ofSeconds(30))
                .until(() -> catalog.fragmentIndexes(List.of(segment.relativePath())).containsKey(segment.relativePath()));
        StoredIndex stored = catalog.fragmentIndexes(List.of(segment.relativePath())).get(segment.relativePath());
        FragmentIndex expected = FragmentIndex.read(FileSegmentSource.of(segment.file(dir), segment.start()));
        assertThat(stored.fits(Files.size(segment.file(dir)))).isTrue();
        assertThat(FragmentIndex.fromBytes(stored.bytes()).toBytes()).isEqualTo(expected.toBytes());
        assertThat(expected.fragments()).hasSize(3);
    }

    /** A 3 s fragmented MP4 (one-second GOPs) recorded by real FFmpeg as segment {@code index}. */
    private Segment recorded(int index) throws Exception {
        Segment segment = segment(index, OutputFormat.MP4);
        Process ffmpeg = new ProcessBuilder(System.getenv().getOrDefault("FFMPEG_PATH", "ffmpeg"), "-nostdin", "-v",
                "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "3", "-c:v", "libx264", "-preset",
                "veryfast", "-g", "25", "-movflags", "+frag_keyframe+empty_moov+default_base_moof", "-f", "mp4",
                segment.file(dir).toString()).redirectErrorStream(true).start();
        assertThat(ffmpeg.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(ffmpeg.exitValue()).as(new String(ffmpeg.getInputStream().readAllBytes())).isZero();
        return segment;
    }

    private Segment segment(int index, OutputFormat format) throws Exception {
        String folder = SegmentLayout.sessionPath("cam", T0);
        Files.createDirectories(dir.resolve(folder));
        return new Segment("cam", T0, index, folder + "/" + SegmentLayout.segmentFileName(index, format),
                T0.plusSeconds(3L * index), Duration.ofSeconds(3), 1);
    }
}
