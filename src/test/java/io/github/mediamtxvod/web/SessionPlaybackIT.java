package io.github.mediamtxvod.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.mediamtxvod.mediamtx.PollerStatus;
import io.github.mediamtxvod.recording.RecordingStatus;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.testing.TestConfig;
import io.github.mediamtxvod.upload.UploadStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The UI in real headless Chromium: a session recorded by real FFmpeg (three fragmented MP4
 * segments of two seconds) is found from the dashboard and played whole, across segment
 * boundaries; then seeks by segment and by a click on the timeline (which has to fetch segments
 * again). Screenshots go to {@code target/screenshots/}.
 */
class SessionPlaybackIT {
    private static final String STREAM = "lobby/cam1";
    private static final Instant START = Instant.parse("2024-05-01T10:00:00Z");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @TempDir
    Path recordings;

    private TestServer test;
    private ChromeDriver browser;
    private List<Segment> session;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(HeadlessChromium.available(), "chromium and chromedriver are needed");
        session = FfmpegSession.record(recordings, STREAM, START, 3, 2);
        test = TestServer.start(recordings, TestConfig.open());
        session.forEach(test.view::add);
        test.view.recording = new RecordingStatus(List.of(new RecordingStatus.StreamStatus(STREAM,
                RecordingStatus.State.RECORDING, START, START, 3, 1_234_567, 1, null, null)), List.of(), 10);
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
    void sessionPlaysAcrossSegmentBoundariesAndSeeksToALaterSegment() throws Exception {
        RecorderUi ui = new RecorderUi(browser, "http://127.0.0.1:" + test.server.port());

        ui.openDashboard();
        assertThat(ui.recordingNowText()).contains(STREAM);
        ui.screenshot(SCREENSHOTS.resolve("dashboard.png"));

        ui.openStream(STREAM).openDay("2024-05-01");
        ui.screenshot(SCREENSHOTS.resolve("sessions.png"));
        ui.openSession("2024-05-01 10:00:00 UTC").play();
        double boundary = seconds(session.get(0).duration());
        double seen = ui.awaitCurrentTime(boundary + 0.5);
        ui.screenshot(SCREENSHOTS.resolve("session-playing.png"));

        assertThat(seen).as("playback went past the end of segment 0").isGreaterThan(boundary);
        assertThat(ui.playerState()).doesNotContain("stopped");

        // paused, the playhead only moves on if "Play from here" works
        double thirdStart = boundary + seconds(session.get(1).duration());
        ui.pause().playFromSegment(2);
        assertThat(ui.awaitCurrentTime(thirdStart + 0.5)).isGreaterThan(thirdStart);
        ui.screenshot(SCREENSHOTS.resolve("session-seeked.png"));

        // with nothing loaded any more, a click on the timeline must fetch from segment 0 again
        ui.pause().dropLoadedMedia().clickTimelineAt(0.2);
        assertThat(ui.awaitCurrentTimeBelow(boundary)).isGreaterThan(0.5);
        assertThat(ui.awaitCurrentTime(boundary + 0.5)).as("played on across the boundary").isGreaterThan(boundary);
        assertThat(ui.playerState()).doesNotContain("stopped");
        assertThat(ui.consoleErrors()).as("script errors or CSP violations").isEmpty();

        browser.get("http://127.0.0.1:" + test.server.port() + "/recordings/lobby~2Fcam1/2024-05-01/20240501_100000/");
        ui.screenshot(SCREENSHOTS.resolve("listing.png"));
    }

    @Test
    void dashboardShowsTroubleAndRendersHostileNamesAsText() throws Exception {
        String hostile = "<img src=x onerror=alert(1)>";
        Instant since = Instant.now().minusSeconds(300);
        test.view.recording = new RecordingStatus(List.of(new RecordingStatus.StreamStatus(hostile,
                RecordingStatus.State.RECORDING, since, since, 5, 9_000_000, 3,
                "ffmpeg exited with status 1: Connection refused", since)),
                List.of(new RecordingStatus.Waiting("cam-waiting", since)), 10);
        test.view.uploads = new UploadStatus(UploadStatus.S3State.REACHABLE, 3, 0, "S3 answered 503 Slow Down", since,
                since, 10, 1000);
        test.view.mediamtx = new PollerStatus(false, since, "connect timed out", 4, 4);
        test.view.freeBytes = 500L << 20;
        test.clock.set(Instant.now().minus(Duration.ofMinutes(7)));
        // with the 3 segments of the session recorded in setUp: 42 pending, 2 failed
        test.view.addSession("cam1", Instant.now().minus(Duration.ofHours(1)), 41, 60)
                .subList(39, 41).forEach(test.view::quarantine);
        test.clock.set(Instant.now());
        RecorderUi ui = new RecorderUi(browser, "http://127.0.0.1:" + test.server.port());

        ui.openDashboard();
        ui.screenshot(SCREENSHOTS.resolve("dashboard-trouble.png"));

        assertThat(ui.recordingNowText()).contains(hostile, "Connection refused");
        assertThat(browser.findElements(By.cssSelector("#recording img"))).isEmpty();
        assertThat(browser.findElement(By.id("cards")).getText())
                .contains("unreachable", "connect timed out", "42 pending", "S3 answered 503 Slow Down", "500.0 MiB");
        assertThat(browser.findElement(By.id("waiting")).getText()).contains("cam-waiting");
        assertThat(ui.consoleErrors()).isEmpty();
    }

    @Test
    void aSessionOpenedWhileItIsRecordedPicksUpTheSegmentsWrittenAfterwards() throws Exception {
        String stream = "live/cam2";
        Instant start = START.plusSeconds(3600);
        List<Segment> recorded = FfmpegSession.record(recordings, stream, start, 3, 2);
        test.view.add(recorded.get(0));
        test.view.add(recorded.get(1));
        test.view.recording = new RecordingStatus(List.of(new RecordingStatus.StreamStatus(stream,
                RecordingStatus.State.RECORDING, start, start, 2, 1000, 0, null, null)), List.of(), 10);
        String base = "http://127.0.0.1:" + test.server.port();
        RecorderUi ui = new RecorderUi(browser, base);

        browser.get(base + "/#/recordings/live%2Fcam2/2024-05-01/" + start);
        ui.awaitSegmentRows(2);
        test.view.add(recorded.get(2));
        ui.awaitSegmentRows(3);
        ui.play();

        double third = seconds(recorded.get(0).duration()) + seconds(recorded.get(1).duration());
        assertThat(ui.awaitCurrentTime(third + 0.5)).as("played into the segment that came later").isGreaterThan(third);
        assertThat(ui.consoleErrors()).isEmpty();
    }

    @Test
    void aSessionWhoseFirstSegmentsRetentionRemovedIsStillFound() throws Exception {
        String stream = "live/cam3";
        Instant start = START.plusSeconds(7200);
        List<Segment> recorded = FfmpegSession.record(recordings, stream, start, 3, 2);
        Duration later = Duration.ofMinutes(20); // what is left begins long after the session's folder time
        for (Segment segment : recorded.subList(1, recorded.size())) {
            test.view.add(new Segment(segment.stream(), segment.sessionStart(), segment.index(), segment.relativePath(),
                    segment.start().plus(later), segment.duration(), segment.sizeBytes()));
        }
        RecorderUi ui = new RecorderUi(browser, "http://127.0.0.1:" + test.server.port());

        browser.get("http://127.0.0.1:" + test.server.port() + "/#/recordings/live%2Fcam3/2024-05-01/" + start);

        ui.awaitSegmentRows(2);
        assertThat(ui.consoleErrors()).isEmpty();
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }
}
