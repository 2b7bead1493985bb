package io.github.mediamtxvod.catalog;

import static io.github.mediamtxvod.catalog.CatalogTest.T0;
import static io.github.mediamtxvod.catalog.CatalogTest.finished;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.recording.OutputFormat;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The playback API's queries over one stream of 100,000 one-minute segments (1,000 sessions of
 * 100, two hours apart): the right segments by overlap, and the stored fragment indexes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CatalogPlaybackQueriesTest {
    static final int SESSIONS = 1000;
    static final int SEGMENTS_PER_SESSION = 100;
    static final Duration SESSION_GAP = Duration.ofHours(2); // as CatalogQueriesTest.sessions lays them out

    Catalog catalog;

    @BeforeAll
    void fill(@TempDir Path dir) {
        catalog = new Catalog(dir, new MutableClock(T0));
        catalog.start();
        List<Segment> all = new ArrayList<>(CatalogQueriesTest.sessions("cam", SESSIONS, SEGMENTS_PER_SESSION));
        all.add(finished("other", T0, 0, 1));
        catalog.recordAllFinished(all);
    }

    @AfterAll
    void close() {
        catalog.close();
    }

    @Test
    void extentsOfAWholeStreamAreEverySegmentOldestFirst() {
        List<CatalogView.Extent> extents = catalog.extents("cam", OutputFormat.MP4, null, null);

        assertThat(extents).hasSize(SESSIONS * SEGMENTS_PER_SESSION);
        assertThat(extents.get(0)).isEqualTo(new CatalogView.Extent(T0, T0.plusSeconds(60)));
        assertThat(extents).extracting(CatalogView.Extent::start).isSorted();
    }

    @Test
    void extentsOverlappingARangeIncludeTheSegmentHoldingItsStart() {
        Instant from = T0.plusSeconds(90); // inside segment 1
        Instant to = T0.plusSeconds(181); // just inside segment 3

        assertThat(catalog.extents("cam", OutputFormat.MP4, from, to)).extracting(CatalogView.Extent::start)
                .containsExactly(T0.plusSeconds(60), T0.plusSeconds(120), T0.plusSeconds(180));
        assertThat(catalog.extents("cam", OutputFormat.MP4, T0.plusSeconds(120), T0.plusSeconds(120).plusMillis(1)))
                .extracting(CatalogView.Extent::start).containsExactly(T0.plusSeconds(120));
        assertThat(catalog.extents("cam", OutputFormat.MP4, T0.minusSeconds(10), T0)).isEmpty();
        assertThat(catalog.extents("nobody", OutputFormat.MP4, null, null)).isEmpty();
        assertThat(catalog.extents("cam", OutputFormat.MKV, null, null)).isEmpty();
    }

    @Test
    void overlappingEntriesMatchTheExtents() {
        Instant from = T0.plus(SESSION_GAP).minusSeconds(1);
        Instant to = T0.plus(SESSION_GAP).plusSeconds(61);

        List<Entry> entries = catalog.overlapping("cam", from, to);

        assertThat(entries).extracting(entry -> entry.segment().start())
                .containsExactly(T0.plus(SESSION_GAP), T0.plus(SESSION_GAP).plusSeconds(60));
    }

    @Test
    void storedFragmentIndexesAreFoundByPathAndReplaced() {
        String first = finished("cam", T0, 0, 0).relativePath();
        String second = finished("cam", T0, 1, 0).relativePath();
        catalog.storeFragmentIndexes(List.of(new StoredIndex(first, 1000, new byte[] {1, 2}),
                new StoredIndex(second, 1001, new byte[] {3})));
        catalog.storeFragmentIndexes(List.of(new StoredIndex(first, 1000, new byte[] {4})));

        Map<String, StoredIndex> found = catalog.fragmentIndexes(List.of(first, second, "cam/unknown"));

        assertThat(found).containsOnlyKeys(first, second);
        assertThat(found.get(first).bytes()).containsExactly(4);
        assertThat(found.get(second).fits(1001)).isTrue();
        assertThat(found.get(second).fits(1000)).isFalse();
    }
}
