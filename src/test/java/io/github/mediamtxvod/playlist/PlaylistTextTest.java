package io.github.mediamtxvod.playlist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
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
    void theTextOfMoreItemsIsTheEarlierTextFollowedByThem() throws IOException {
        List<PlaylistPlan.Item> items = threeSegments("");
        for (int k = 1; k <= items.size(); k++) {
            assertThat(PlaylistText.render(items.subList(0, k), Duration.ofSeconds(60), false)
                    + PlaylistText.more(items.subList(k, items.size())))
                    .isEqualTo(PlaylistText.render(items, Duration.ofSeconds(60), false));
        }
        assertThat(PlaylistText.render(items, Duration.ofSeconds(60), true))
                .isEqualTo(PlaylistText.render(items, Duration.ofSeconds(60), false) + PlaylistText.END);
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
    void programDateTimesAreUtcWithMillisecondsAsTheFormatterWritesThem() {
        DateTimeFormatter formatter = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSX", Locale.ROOT)
                .withZone(ZoneOffset.UTC);
        Random random = new Random(7);
        List<Instant> instants = new ArrayList<>(List.of(Instant.EPOCH, T0,
                Instant.parse("2024-12-31T23:59:59.999Z"), Instant.parse("2025-01-01T00:00:00Z"),
                Instant.parse("2024-02-29T09:05:07.001Z"), Instant.parse("9999-12-31T23:59:59.999999999Z")));
        for (int i = 0; i < 10_000; i++) {
            instants.add(Instant.ofEpochMilli(random.nextLong(0, 4_102_444_800_000L)).plusNanos(random.nextInt(1_000_000)));
        }

        for (Instant instant : instants) {
            assertThat(PlaylistText.appendDateTime(new StringBuilder(), instant).toString())
                    .as("%s", instant).isEqualTo(formatter.format(instant));
        }
    }

    @Test
    void durationsAreSecondsWithThreeDecimals() {
        assertThat(PlaylistText.appendSeconds(new StringBuilder(), Duration.ofMillis(60_040))).hasToString("60.040");
        assertThat(PlaylistText.appendSeconds(new StringBuilder(), Duration.ofMillis(5))).hasToString("0.005");
        assertThat(PlaylistText.appendSeconds(new StringBuilder(), Duration.ofMillis(12_345))).hasToString("12.345");
        assertThat(PlaylistText.appendSeconds(new StringBuilder(), Duration.ofSeconds(3600))).hasToString("3600.000");
        assertThat(PlaylistText.appendSeconds(new StringBuilder(), Duration.ofNanos(1_999_999))).hasToString("0.001");
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
