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

/** Finished MP4 segments get their fragment index stored in the background; other files are passed over. */
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
        Segment real = segment(2, OutputFormat.MP4);
        Process ffmpeg = new ProcessBuilder(System.getenv().getOrDefault("FFMPEG_PATH", "ffmpeg"), "-nostdin", "-v", "error", "-f", "lavfi", "-i",
                "testsrc2=size=320x240:rate=25", "-t", "3", "-c:v", "libx264", "-preset", "veryfast", "-g", "25",
                "-movflags", "+frag_keyframe+empty_moov+default_base_moof", "-f", "mp4", real.file(dir).toString())
                .redirectErrorStream(true).start();
        assertThat(ffmpeg.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(ffmpeg.exitValue()).as(new String(ffmpeg.getInputStream().readAllBytes())).isZero();

        for (Segment segment : List.of(garbage, ts, real)) {
            catalog.recordFinished(segment);
            indexer.segmentFinished(segment);
        }

        await("the index of " + real.relativePath()).atMost(Duration.ofSeconds(30))
                .until(() -> catalog.fragmentIndexes(List.of(real.relativePath())).containsKey(real.relativePath()));
        StoredIndex stored = catalog.fragmentIndexes(List.of(real.relativePath())).get(real.relativePath());
        FragmentIndex expected = FragmentIndex.read(FileSegmentSource.of(real.file(dir), real.start()));
        assertThat(stored.fits(Files.size(real.file(dir)))).isTrue();
        assertThat(FragmentIndex.fromBytes(stored.bytes()).toBytes()).isEqualTo(expected.toBytes());
        assertThat(expected.fragments()).hasSize(3);
        assertThat(catalog.fragmentIndexes(List.of(garbage.relativePath(), ts.relativePath()))).isEmpty();
    }

    private Segment segment(int index, OutputFormat format) throws Exception {
        String folder = SegmentLayout.sessionPath("cam", T0);
        Files.createDirectories(dir.resolve(folder));
        return new Segment("cam", T0, index, folder + "/" + SegmentLayout.segmentFileName(index, format),
                T0.plusSeconds(3L * index), Duration.ofSeconds(3), 1);
    }
}
