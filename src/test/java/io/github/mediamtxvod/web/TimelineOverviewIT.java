package io.github.mediamtxvod.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.mediamtxvod.recording.RecordingStatus;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.testing.TestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * A busy day of three streams on the 24-hour timeline: hours only in S3, on disk and in S3, only
 * on disk, a stretch lost before its upload, motion-like short sessions, gaps and two streams
 * recording now. The catalogue is filled directly (five-minute segments); the segments around the
 * moment played and previewed are copies of a real FFmpeg recording, so the player and the
 * thumbnail show real frames. Every span must be drawn; the picture is the README's
 * ({@code target/screenshots/readme-timeline.png}, committed as {@code docs/timeline.png}).
 */
class TimelineOverviewIT {
    private static final Instant DAY = Instant.parse("2024-05-01T00:00:00Z");
    private static final Instant NOW = DAY.plus(Duration.ofHours(18).plusMinutes(30));
    private static final int FIVE_MINUTES = 300;
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @TempDir
    Path recordings;

    private TestServer test;
    private ChromeDriver browser;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(HeadlessChromium.available(), "chromium and chromedriver are needed");
        test = TestServer.start(recordings, TestConfig.open());
        browser = HeadlessChromium.start(Path.of("target", "chromium"));
    }

    @AfterEach
    void tearDown() {
        if (browser != null) {
            browser.quit();
        }
        if (test != null) {
            test.close();
        }
    }

    @Test
    void aBusyDayIsDrawnSpanBySpan() throws Exception {
        Path sample = FfmpegSession.record(recordings, "sample", DAY, 1, 2).getFirst().file(recordings);
        // uploaded ones first: confirming claims the oldest pending segment
        inS3("backyard", at(0, 0), at(5, 20));
        test.view.addSession("backyard", at(5, 20), 2, FIVE_MINUTES).forEach(test.view::lose);
        inS3("backyard", at(5, 30), at(8, 0));
        inS3("front-door", at(6, 0), at(9, 30));
        session("front-door", at(9, 30), at(12, 10)).forEach(test.view::confirm);
        session("backyard", at(10, 15), at(18, 25));
        List<Segment> frontDoor = session("front-door", at(13, 0), at(18, 25));
        for (int[] motion : new int[][] {{7, 12, 4}, {8, 45, 9}, {11, 2, 3}, {14, 30, 12}, {16, 55, 6}, {17, 40, 5}}) {
            test.view.addSession("garage", at(motion[0], motion[1]), 1, motion[2] * 60);
        }
        for (Segment segment : frontDoor) { // real frames where the player and the preview look
            Files.createDirectories(segment.file(recordings).getParent());
            Files.copy(sample, segment.file(recordings), StandardCopyOption.REPLACE_EXISTING);
        }
        test.clock.set(NOW);
        test.view.recording = new RecordingStatus(List.of(
                live("backyard", at(10, 15), 98), live("front-door", at(13, 0), 65)), List.of(), 10);
        browser.manage().window().setSize(new Dimension(1280, 980));
        String base = "http://127.0.0.1:" + test.server.port();
        TimelineUi timeline = new TimelineUi(browser, base);
        RecorderUi ui = new RecorderUi(browser, base);

        timeline.open("/timeline?day=2024-05-01&zoom=24h&play=front-door&at=2024-05-01T16:20:00Z").awaitPlaying();
        timeline.pause();
        // a range by keyboard (a drag would play it): from the cursor at 16:20, one hour on
        timeline.keys("front-door", "[", Keys.chord(Keys.SHIFT, Keys.ARROW_RIGHT), "]");
        timeline.hoverAt("front-door", at(17, 20));
        long thumbnail = timeline.awaitThumbnailWidth();
        ui.screenshot(SCREENSHOTS.resolve("readme-timeline.png"));

        assertThat(timeline.spans("backyard")).extracting(TimelineUi.Span::storage)
                .containsExactly("s3", "missing", "s3", "local");
        assertThat(timeline.spans("front-door")).extracting(TimelineUi.Span::storage)
                .containsExactly("s3", "both", "local");
        assertThat(timeline.spans("garage")).hasSize(6);
        assertThat(timeline.showsRecordingNow("backyard")).isTrue();
        assertThat(timeline.showsRecordingNow("garage")).isFalse();
        assertThat(thumbnail).isEqualTo(240);
    }

    @Test
    void aThumbnailThatFailedIsAskedAgainWhileThePointerRests() throws Exception {
        Path sample = FfmpegSession.record(recordings, "sample", DAY, 1, 2).getFirst().file(recordings);
        List<Segment> segments = session("front-door", at(13, 0), at(14, 0));
        test.clock.set(NOW);
        String base = "http://127.0.0.1:" + test.server.port();
        TimelineUi timeline = new TimelineUi(browser, base).open("/timeline?day=2024-05-01&zoom=24h");

        // catalogued, but the file is not there yet (a mount away for a moment): the answer is 404
        timeline.hoverAt("front-door", at(13, 2));
        timeline.awaitThumbnailFailed();
        Path file = segments.getFirst().file(recordings);
        Files.createDirectories(file.getParent());
        Files.copy(sample, file);

        assertThat(timeline.awaitThumbnailWidth()).as("the same thumbnail, asked again").isEqualTo(240);
    }

    @Test
    void aLivePlayerAtMidnightTakesWhatGetPlaysWhateverSegmentIsFinishedFirst() {
        new RecorderUi(browser, "http://127.0.0.1:" + test.server.port()).openDashboard();
        // the next day's session began at 00:00:00.9 (its folder: 00:00:00) because the previous
        // one began a segment at 00:00:00.300; its first keyframe came at 00:00:01.200, and the
        // previous one began one more short segment at 00:00:02, finished first
        String previous = "2024-04-30T10:00:00Z";
        String next = "2024-05-01T00:00:00Z";
        Map<String, String> lastFull = segment(previous, "2024-04-30T23:59:55Z", "a1.mp4");
        Map<String, String> afterMidnight = segment(previous, "2024-05-01T00:00:00.300Z", "a2.mp4");
        Map<String, String> tail = segment(previous, "2024-05-01T00:00:02Z", "a3.mp4");
        Map<String, String> nextFirst = segment(next, "2024-05-01T00:00:01.200Z", "b0.mp4");

        // the next session's first segment is being recorded: what began after its session waits
        assertThat(playable(List.of(lastFull, afterMidnight, tail), recording(next, 0), null))
                .containsExactly("a1.mp4");
        // it is finished: the segment begun before it plays, the tail is left out, as /get does
        assertThat(playable(List.of(afterMidnight, nextFirst, tail), recording(next, 1), previous))
                .containsExactly("a2.mp4", "b0.mp4");
        // a past day while the stream records today
        assertThat(playable(List.of(lastFull), recording("2024-05-02T08:00:00Z", 0), null))
                .containsExactly("a1.mp4");
    }

    /** The segments the timeline's player takes from an answer of /api/segments, chosen in the browser. */
    private List<Object> playable(List<Map<String, String>> segments, Map<String, Object> recording, String latest) {
        Object urls = browser.executeScript("const [answer, latest] = arguments;"
                + " return import('/assets/timeline.js').then((m) => m.playable(answer, latest).map((s) => s.url));",
                Map.of("segments", segments, "recording", recording), latest);
        return List.copyOf((List<?>) urls);
    }

    private static Map<String, String> segment(String session, String start, String url) {
        return Map.of("session", session, "start", start, "url", url, "storage", "local");
    }

    private static Map<String, Object> recording(String session, int index) {
        return Map.of("session", session, "index", index);
    }

    private static Instant at(int hour, int minute) {
        return DAY.plus(Duration.ofHours(hour).plusMinutes(minute));
    }

    /** Catalogues five-minute segments from {@code from} to {@code to}, PENDING and local. */
    private List<Segment> session(String stream, Instant from, Instant to) {
        int count = (int) (Duration.between(from, to).toSeconds() / FIVE_MINUTES);
        return test.view.addSession(stream, from, count, FIVE_MINUTES);
    }

    /** A session uploaded and deleted locally. */
    private void inS3(String stream, Instant from, Instant to) {
        session(stream, from, to).forEach(test.view::deleteLocally);
    }

    private static RecordingStatus.StreamStatus live(String stream, Instant session, int segments) {
        return new RecordingStatus.StreamStatus(stream, RecordingStatus.State.RECORDING, session, session, segments,
                segments * 1_000_000L, 0, null, null);
    }
}
