package io.github.mediamtxvod.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.testing.TestConfig;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The timeline in real headless Chromium over recordings made by real FFmpeg (1 s GOPs, 2 s
 * segments): two sessions of one stream with a gap between them and a second stream partly only
 * in S3 (per the catalogue). The spans drawn match the catalogue; a jump, a click and the
 * keyboard play from within one GOP of the chosen instant; playback runs on across the session
 * boundary; a hover loads a thumbnail; a drag offers the range as one MP4 and plays it; the URL
 * reopens the moment. Screenshots go to {@code target/screenshots/timeline-*.png}.
 */
class TimelineUiIT {
    private static final String STREAM = "lobby/cam1";
    private static final String YARD = "yard";
    private static final Instant A = Instant.parse("2024-05-01T10:00:00Z");
    private static final Instant B = Instant.parse("2024-05-01T10:00:10Z");
    private static final Duration GOP = Duration.ofSeconds(1);
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @TempDir
    Path recordings;

    private TestServer test;
    private ChromeDriver browser;
    private List<Segment> first;
    private List<Segment> second;
    private List<Segment> yard;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(HeadlessChromium.available(), "chromium and chromedriver are needed");
        first = FfmpegSession.record(recordings, STREAM, A, 3, 2);
        second = FfmpegSession.record(recordings, STREAM, B, 3, 2);
        yard = FfmpegSession.record(recordings, YARD, A.plusSeconds(2), 2, 2);
        test = TestServer.start(recordings, TestConfig.open());
        first.forEach(test.view::add);
        second.forEach(test.view::add);
        yard.forEach(test.view::add);
        test.view.deleteLocally(yard.get(0)); // the catalogue says: only in S3 (the file is still served locally)
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
    void findAndPlayAMomentAcrossSessionsFromTheTimeline() throws Exception {
        String base = "http://127.0.0.1:" + test.server.port();
        RecorderUi ui = new RecorderUi(browser, base);
        TimelineUi timeline = new TimelineUi(browser, base);

        ui.openDashboard();
        timeline.openFromNavigation();
        ui.screenshot(SCREENSHOTS.resolve("timeline-day.png"));

        assertThat(timeline.spans(STREAM)).as("two sessions and the gap between them")
                .containsExactlyElementsOf(expectedSpans(first, second));
        assertThat(timeline.spans(YARD)).extracting(TimelineUi.Span::storage).containsExactly("s3", "local");

        Instant jumped = A.plusSeconds(3);
        timeline.jumpTo(jumped.toString()).awaitPlaying();
        assertWithinOneGop(timeline.wallClock(), jumped, "after the jump");
        timeline.zoom("10m");
        ui.screenshot(SCREENSHOTS.resolve("timeline-zoomed.png"));

        Instant clicked = A.plus(Duration.ofMillis(4200));
        timeline.clickAt(STREAM, clicked).awaitPlaying();
        assertWithinOneGop(timeline.wallClock(), timeline.cursor(STREAM), "after a click");

        Instant nearTheEnd = first.getLast().end().minus(Duration.ofMillis(1500));
        timeline.clickAt(STREAM, nearTheEnd).awaitPlaying();
        Instant seen = timeline.awaitWallClock(B.plusMillis(500));
        ui.screenshot(SCREENSHOTS.resolve("timeline-playing.png"));
        assertThat(seen).as("played on into the second session").isAfterOrEqualTo(B.plusMillis(500));
        assertThat(timeline.playerState()).doesNotContain("stopped");

        timeline.pause();
        timeline.keys(STREAM, Keys.ARROW_LEFT, Keys.ARROW_LEFT, Keys.ENTER).awaitPlaying();
        assertWithinOneGop(timeline.wallClock(), timeline.cursor(STREAM), "after the keyboard");

        timeline.hoverAt(STREAM, B.plusSeconds(2));
        assertThat(timeline.awaitThumbnailWidth()).isEqualTo(240);
        ui.screenshot(SCREENSHOTS.resolve("timeline-thumbnail.png"));

        timeline.drag(STREAM, B.plusSeconds(1), B.plusSeconds(4));
        timeline.awaitWallClockNear(timeline.cursor(STREAM), GOP); // a drag also plays the range from its start
        Map<String, String> get = query(timeline.exportHref());
        ui.screenshot(SCREENSHOTS.resolve("timeline-export.png"));
        assertThat(URI.create(timeline.exportHref()).getPath()).isEqualTo("/get");
        assertThat(get).containsEntry("path", STREAM).containsEntry("format", "mp4");
        assertThat(Duration.between(B.plusSeconds(1), Instant.parse(get.get("start"))).abs())
                .isLessThan(Duration.ofMillis(500));
        assertThat(Double.parseDouble(get.get("duration"))).isCloseTo(3.0, org.assertj.core.api.Assertions.within(0.8));

        timeline.clickAt(STREAM, B.plusSeconds(3)).awaitPlaying()
                .awaitUrl(Pattern.compile("at=.*&play=lobby%2Fcam1"));
        Instant shared = timeline.cursor(STREAM);
        String link = timeline.currentUrl();
        browser.get("about:blank");
        browser.get(link);
        timeline.awaitPlaying();
        assertWithinOneGop(timeline.wallClock(), shared, "opened from the shared link");

        assertThat(ui.consoleErrors()).as("script errors or CSP violations").isEmpty();
        browser.manage().window().setSize(new Dimension(390, 844));
        ui.screenshot(SCREENSHOTS.resolve("timeline-phone.png"));
    }

    /** The wall clock shown may lead the chosen instant by the time played since, and never lag more than a GOP. */
    private static void assertWithinOneGop(Instant shown, Instant chosen, String when) {
        assertThat(shown).as(when + ": wall clock of the playhead vs the chosen instant")
                .isBetween(chosen.minus(GOP), chosen.plus(GOP).plusSeconds(2));
    }

    /** The catalogue's segments merged as the timeline must draw them: one span per run without a gap. */
    private static List<TimelineUi.Span> expectedSpans(List<Segment> one, List<Segment> other) {
        List<TimelineUi.Span> spans = new ArrayList<>();
        for (List<Segment> session : List.of(one, other)) {
            spans.add(new TimelineUi.Span(session.getFirst().start(), session.getLast().end(), "local"));
            for (int i = 1; i < session.size(); i++) {
                assertThat(Duration.between(session.get(i - 1).end(), session.get(i).start()).abs())
                        .as("segments of one session follow each other").isLessThan(Duration.ofMillis(100));
            }
        }
        return spans;
    }

    private static Map<String, String> query(String url) {
        Map<String, String> parameters = new HashMap<>();
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            int equals = pair.indexOf('=');
            parameters.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return parameters;
    }
}
