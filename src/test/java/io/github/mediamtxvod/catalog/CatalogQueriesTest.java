package io.github.mediamtxvod.catalog;

import static io.github.mediamtxvod.catalog.CatalogTest.T0;
import static io.github.mediamtxvod.catalog.CatalogTest.finished;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.recording.OutputFormat;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.recording.SegmentLayout;
import io.github.mediamtxvod.recording.Session;
import io.github.mediamtxvod.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The web UI's queries over a catalogue of 100,000 segments: correct pages, and fast. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CatalogQueriesTest {
    static final int STREAMS = 10;
    static final int SESSIONS_PER_STREAM = 100;
    static final int SEGMENTS_PER_SESSION = 100;
    // generous for a loaded 2-core machine; a missing index costs a full scan and sort per query
    static final Duration FAST = Duration.ofSeconds(1);

    Catalog catalog;

    @BeforeAll
    void fill(@TempDir Path dir) {
        catalog = new Catalog(dir, new MutableClock(T0));
        catalog.start();
        List<Segment> all = new ArrayList<>();
        for (int stream = 0; stream < STREAMS; stream++) {
            all.addAll(sessions("cam" + stream, SESSIONS_PER_STREAM, SEGMENTS_PER_SESSION));
        }
        catalog.recordAllFinished(all);
    }

    /** {@code count} sessions two hours apart from T0, each of {@code segments} one-minute segments. */
    static List<Segment> sessions(String stream, int count, int segments) {
        List<Segment> all = new ArrayList<>(count * segments);
        for (int session = 0; session < count; session++) {
            Instant sessionStart = T0.plus(Duration.ofHours(2L * session));
            for (int index = 0; index < segments; index++) {
                all.add(finished(stream, sessionStart, index, 1000 + index));
            }
        }
        return all;
    }

    @AfterAll
    void close() {
        catalog.close();
    }

    @Test
    void countsEverySegmentByState() {
        assertThat(timed(() -> catalog.countByState()))
                .containsEntry(SegmentState.PENDING, (long) STREAMS * SESSIONS_PER_STREAM * SEGMENTS_PER_SESSION);
    }

    @Test
    void listsStreamsWithTheirExtent() {
        List<CatalogView.StreamSummary> streams = timed(() -> catalog.streams());
        assertThat(streams).hasSize(STREAMS);
        assertThat(streams.getFirst().stream()).isEqualTo("cam0");
        assertThat(streams.getFirst().segments()).isEqualTo((long) SESSIONS_PER_STREAM * SEGMENTS_PER_SESSION);
        assertThat(streams.getFirst().firstStart()).isEqualTo(T0);
    }

    @Test
    void pagesThroughOneStreamsSegmentsInATimeRange() {
        Instant from = T0.plus(Duration.ofHours(10));
        Instant to = from.plus(Duration.ofMinutes(30));
        CatalogView.Page<Entry> first = timed(() -> catalog.segments(new CatalogView.Query("cam7", from, to, 0, 20, false)));
        CatalogView.Page<Entry> second = timed(() -> catalog.segments(new CatalogView.Query("cam7", from, to, 20, 20, false)));

        assertThat(first.total()).isEqualTo(30);
        assertThat(first.items()).hasSize(20).allMatch(s -> s.segment().stream().equals("cam7"));
        assertThat(first.items().getFirst().segment().start()).isEqualTo(from);
        assertThat(first.hasMore()).isTrue();
        assertThat(second.items()).hasSize(10);
        assertThat(second.items().getLast().segment().start()).isEqualTo(to.minus(Duration.ofMinutes(1)));
        assertThat(second.hasMore()).isFalse();
    }

    @Test
    void givesThePageItemsWithoutTheirTotal() {
        Instant from = T0.plus(Duration.ofHours(10));
        for (CatalogView.Query query : List.of(new CatalogView.Query("cam7", from, from.plus(Duration.ofMinutes(30)), 20, 20,
                false), new CatalogView.Query("cam7", null, from, 0, 1, true), CatalogView.Query.latest(50))) {
            assertThat(timed(() -> catalog.segmentsWithoutTotal(query))).as(query.toString())
                    .isEqualTo(catalog.segments(query).items());
        }
    }

    @Test
    void marksAreTheSegmentsOfARangeAfterTheOneBeforeIt() {
        Instant from = T0.plus(Duration.ofHours(10)).plusSeconds(30);
        Instant to = from.plus(Duration.ofHours(3));
        List<Entry> expected = new ArrayList<>(catalog.segmentsWithoutTotal(new CatalogView.Query("cam7", null, from, 0, 1, true)));
        expected.addAll(catalog.segmentsWithoutTotal(new CatalogView.Query("cam7", from, to, 0, CatalogView.Query.MAX_LIMIT,
                false)));

        List<CatalogView.Mark> marks = timed(() -> catalog.marks("cam7", from, to));

        assertThat(marks).hasSize(expected.size()).isEqualTo(expected.stream().map(entry -> new CatalogView.Mark(
                entry.segment().sessionStart(), entry.segment().start(), entry.segment().duration(), entry.state(),
                entry.localPresent())).toList());
        assertThat(marks.getFirst().start()).isBefore(from);
        assertThat(catalog.marks("cam7", T0.minusSeconds(60), T0)).isEmpty();
    }

    @Test
    void countsSessionsAndSegmentsOfEveryStreamFromTheRunningTotals() {
        assertThat(timed(() -> catalog.segments(CatalogView.Query.latest(1))).total())
                .isEqualTo((long) STREAMS * SESSIONS_PER_STREAM * SEGMENTS_PER_SESSION);
        assertThat(timed(() -> catalog.sessions(new CatalogView.Query(null, null, null, 0, 10, true))).total())
                .isEqualTo((long) STREAMS * SESSIONS_PER_STREAM);
        assertThat(catalog.streams()).allSatisfy(stream -> {
            assertThat(stream.sessions()).isEqualTo(SESSIONS_PER_STREAM);
            assertThat(stream.sizeBytes()).isEqualTo(SESSIONS_PER_STREAM * (1000L * SEGMENTS_PER_SESSION
                    + (long) SEGMENTS_PER_SESSION * (SEGMENTS_PER_SESSION - 1) / 2));
            assertThat(stream.lastSessionStart()).isEqualTo(T0.plus(Duration.ofHours(2L * (SESSIONS_PER_STREAM - 1))));
            assertThat(stream.days()).hasSize(9).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        });
    }

    @Test
    void listsTheNewestSegmentsOfAllStreamsFirst() {
        CatalogView.Page<Entry> page = timed(() -> catalog.segments(CatalogView.Query.latest(50)));
        assertThat(page.items()).hasSize(50);
        assertThat(page.items().getFirst().segment().start()).isAfterOrEqualTo(page.items().getLast().segment().start());
        assertThat(page.items().getFirst().segment().index()).isEqualTo(SEGMENTS_PER_SESSION - 1);
    }

    @Test
    void summarisesSessionsOfAStreamNewestFirst() {
        CatalogView.Page<Session> page =
                timed(() -> catalog.sessions(new CatalogView.Query("cam3", null, null, 0, 10, true)));

        assertThat(page.total()).isEqualTo(SESSIONS_PER_STREAM);
        Session newest = page.items().getFirst();
        assertThat(newest.start()).isEqualTo(T0.plus(Duration.ofHours(2L * (SESSIONS_PER_STREAM - 1))));
        assertThat(newest.startedAt()).isEqualTo(newest.start());
        assertThat(newest.stream()).isEqualTo("cam3");
        assertThat(newest.format()).isEqualTo(io.github.mediamtxvod.recording.OutputFormat.MP4);
        assertThat(newest.relativePath()).isEqualTo(SegmentLayout.sessionPath("cam3", newest.start()));
    }

    @Test
    void findsTheSessionsWhoseTimeSpanOverlapsARangeInsideOneSegment() {
        Instant sessionStart = T0.plus(Duration.ofHours(2));
        Instant from = sessionStart.plus(Duration.ofMinutes(30)).plusSeconds(20);
        CatalogView.Page<Session> page =
                timed(() -> catalog.sessions(new CatalogView.Query(null, from, from.plusSeconds(10), 0, 100, true)));

        assertThat(page.total()).isEqualTo(STREAMS);
        assertThat(page.items()).hasSize(STREAMS).allSatisfy(session -> {
            assertThat(session.start()).isEqualTo(sessionStart);
            assertThat(session.startedAt()).isEqualTo(sessionStart); // its first segment, not the one in range
        });
        Instant between = sessionStart.minus(Duration.ofMinutes(15));
        assertThat(timed(() -> catalog.sessions(new CatalogView.Query("cam4", between, between.plusSeconds(60), 0, 10,
                true))).total()).isZero();
        assertThat(timed(() -> catalog.sessions(new CatalogView.Query("cam4", between, null, 0, 10, true))).total())
                .isEqualTo(SESSIONS_PER_STREAM - 1);
    }

    @Test
    void listsOneSessionsSegmentsInOrder() {
        List<Entry> segments = timed(() -> catalog.sessionSegments("cam1", T0));
        assertThat(segments).hasSize(SEGMENTS_PER_SESSION);
        assertThat(segments).extracting(entry -> entry.segment().index()).isSorted();
    }

    @Test
    void findsASegmentByPathAndNothingForAnUnknownOrHostilePath() {
        String path = finished("cam2", T0, 5, 0).relativePath();
        assertThat(timed(() -> catalog.segment(path))).map(entry -> entry.segment().index()).contains(5);
        assertThat(catalog.segment("../../etc/passwd")).isEmpty();
        assertThat(catalog.segment("cam2' OR '1'='1")).isEmpty();
    }

    private static <T> T timed(java.util.function.Supplier<T> query) {
        long started = System.nanoTime();
        T result = query.get();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(FAST);
        return result;
    }
}
