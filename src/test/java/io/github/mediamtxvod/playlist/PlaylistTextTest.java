package io.github.mediamtxvod.playlist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The playlist text, against golden files in {@code src/test/resources/playlist/}. */
class PlaylistTextTest {
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00.250Z");

    static List<PlaylistPlan.Item> threeSegments(String prefix) {
        return List.of(
                new PlaylistPlan.Item(prefix + "segment_000.mp4", T0, Duration.ofMillis(60_040), 1257, 7_340_032),
                new PlaylistPlan.Item(prefix + "segment_001.mp4", T0.plusMillis(60_040), Duration.ofMillis(59_960),
                        1257, 7_301_120),
                new PlaylistPlan.Item(prefix + "segment_002.mp4", T0.plusMillis(120_000), Duration.ofMillis(12_345),
                        1261, 1_500_000));
    }

    @Test
    void aRecordingSessionIsAnEventPlaylistWithByteRangesIntoTheSegmentFiles() throws IOException {
        String text = PlaylistText.render(threeSegments(""), Duration.ofSeconds(60), false);

        assertThat(text).isEqualTo(golden("session-recording.m3u8"));
    }

    @Test
    void anEndedSessionIsClosedWithEndlist() throws IOException {
        String text = PlaylistText.render(threeSegments(""), Duration.ofSeconds(60), true);

        assertThat(text).isEqualTo(golden("session-ended.m3u8"));
    }

    @Test
    void aDayPlaylistNamesSegmentsBelowTheirSessionFolders() throws IOException {
        List<PlaylistPlan.Item> items = List.of(
                new PlaylistPlan.Item("20240501_100000/segment_000.mp4", T0, Duration.ofMillis(2_000), 1257, 480_000),
                new PlaylistPlan.Item("20240501_100000/segment_001.mp4", T0.plusSeconds(2), Duration.ofMillis(1_480),
                        1257, 350_000),
                new PlaylistPlan.Item("20240501_101500/segment_000.mp4", Instant.parse("2024-05-01T10:15:00.004Z"),
                        Duration.ofMillis(2_000), 1257, 481_000));

        String text = PlaylistText.render(items, Duration.ofSeconds(2), true);

        assertThat(text).isEqualTo(golden("day.m3u8"));
    }

    @Test
    void theTargetDurationCoversTheLongestSegmentRounded() {
        List<PlaylistPlan.Item> items = List.of(
                new PlaylistPlan.Item("a.mp4", T0, Duration.ofMillis(63_499), 1, 1),
                new PlaylistPlan.Item("b.mp4", T0, Duration.ofMillis(64_500), 1, 1));

        assertThat(PlaylistText.targetDuration(items, Duration.ofSeconds(60))).isEqualTo(65);
        assertThat(PlaylistText.targetDuration(items.subList(0, 1), Duration.ofSeconds(60))).isEqualTo(63);
        assertThat(PlaylistText.targetDuration(List.of(), Duration.ofSeconds(60))).isEqualTo(60);
        assertThat(PlaylistText.targetDuration(List.of(), Duration.ZERO)).isEqualTo(1);
    }

    static String golden(String name) throws IOException {
        try (InputStream in = PlaylistTextTest.class.getResourceAsStream("/playlist/" + name)) {
            if (in == null) {
                throw new IOException("golden file missing: /playlist/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
