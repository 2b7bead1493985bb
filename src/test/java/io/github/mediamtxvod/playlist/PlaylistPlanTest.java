package io.github.mediamtxvod.playlist;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.catalog.Confirmation;
import io.github.mediamtxvod.catalog.Entry;
import io.github.mediamtxvod.catalog.PlaylistSegment;
import io.github.mediamtxvod.catalog.SegmentMedia;
import io.github.mediamtxvod.catalog.SegmentState;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.recording.SegmentLayout;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which segments a playlist lists, and when it is complete. */
class PlaylistPlanTest {
    private static final Instant SESSION = Instant.parse("2024-05-01T10:00:00Z");
    private static final long SIZE = 1_000_000;

    static PlaylistSegment segment(int index, SegmentState state, boolean localPresent) {
        return segment(index, state, localPresent, "mp4", new SegmentMedia(SIZE, 1200, SIZE - 1300, Duration.ofMillis(1990)));
    }

    static PlaylistSegment segment(int index, SegmentState state, boolean localPresent, String extension,
            SegmentMedia media) {
        String path = SegmentLayout.sessionPath("cam", SESSION) + "/segment_%03d.%s".formatted(index, extension);
        Segment segment = new Segment("cam", SESSION, index, path, SESSION.plusSeconds(2L * index),
                Duration.ofSeconds(2), SIZE);
        boolean confirmed = state == SegmentState.UPLOADED || state == SegmentState.LOCAL_DELETED;
        Confirmation confirmation = confirmed ? new Confirmation("vod/" + path, SIZE, "etag", "CRC32:x", SESSION) : null;
        return new PlaylistSegment(new Entry(segment, state, localPresent, 1, null, confirmation, 0), media);
    }

    @Test
    void withUploadsOnlyConfirmedSegmentsAreListedAndTheFirstUnconfirmedOneStopsTheList() {
        PlaylistPlan plan = PlaylistPlan.of(List.of(
                segment(0, SegmentState.LOCAL_DELETED, false),
                segment(1, SegmentState.UPLOADED, true),
                segment(2, SegmentState.UPLOADING, true),
                segment(3, SegmentState.UPLOADED, true)), true, Segment::fileName);

        assertThat(plan.items()).extracting(PlaylistPlan.Item::uri).containsExactly("segment_000.mp4", "segment_001.mp4");
        assertThat(plan.complete()).isFalse();
        assertThat(plan.settled()).isEqualTo(2);
        assertThat(plan.items().getFirst().initLength()).isEqualTo(1200);
        assertThat(plan.items().getFirst().mediaLength()).isEqualTo(SIZE - 1300);
        assertThat(plan.items().getFirst().duration()).isEqualTo(Duration.ofMillis(1990));
    }

    @Test
    void aQuarantinedSegmentIsSkippedAndCountedAsMissing() {
        PlaylistPlan plan = PlaylistPlan.of(List.of(
                segment(0, SegmentState.UPLOADED, true),
                segment(1, SegmentState.QUARANTINED, false),
                segment(2, SegmentState.UPLOADED, true)), true, Segment::fileName);

        assertThat(plan.items()).extracting(PlaylistPlan.Item::uri).containsExactly("segment_000.mp4", "segment_002.mp4");
        assertThat(plan.complete()).isTrue();
        assertThat(plan.settled()).isEqualTo(2);
        assertThat(plan.missing()).isEqualTo(1);
        assertThat(plan.settledBytes()).isEqualTo(2 * SIZE);
        assertThat(plan.first()).isEqualTo(SESSION);
        assertThat(plan.last()).isEqualTo(SESSION.plusSeconds(4).plusMillis(1990));
    }

    @Test
    void withoutUploadsEverySegmentOnDiskIsListed() {
        PlaylistPlan plan = PlaylistPlan.of(List.of(
                segment(0, SegmentState.PENDING, true),
                segment(1, SegmentState.PENDING, false),
                segment(2, SegmentState.PENDING, true)), false, Segment::fileName);

        assertThat(plan.items()).extracting(PlaylistPlan.Item::uri).containsExactly("segment_000.mp4", "segment_002.mp4");
        assertThat(plan.complete()).isTrue();
        assertThat(plan.missing()).isEqualTo(1);
    }

    @Test
    void segmentsThatAreNotMp4OrWhoseMediaIsUnknownOrStaleAreSettledButNotListed() {
        PlaylistPlan plan = PlaylistPlan.of(List.of(
                segment(0, SegmentState.UPLOADED, true, "ts", null),
                segment(1, SegmentState.UPLOADED, true, "mp4", null),
                segment(2, SegmentState.UPLOADED, true, "mp4", new SegmentMedia(SIZE - 1, 1200, 5000, Duration.ofSeconds(2))),
                segment(3, SegmentState.UPLOADED, true, "mp4", new SegmentMedia(SIZE, 1200, 0, Duration.ZERO)),
                segment(4, SegmentState.UPLOADED, true)), true, Segment::fileName);

        assertThat(plan.items()).extracting(PlaylistPlan.Item::uri).containsExactly("segment_004.mp4");
        assertThat(plan.settled()).isEqualTo(5);
        assertThat(plan.complete()).isTrue();
    }

    @Test
    void nothingSettledYetGivesAnEmptyIncompletePlan() {
        PlaylistPlan plan = PlaylistPlan.of(List.of(segment(0, SegmentState.PENDING, true)), true, Segment::fileName);

        assertThat(plan.items()).isEmpty();
        assertThat(plan.complete()).isFalse();
        assertThat(plan.first()).isNull();
    }
}
