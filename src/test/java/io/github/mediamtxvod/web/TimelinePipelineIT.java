package io.github.mediamtxvod.web;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mediamtxvod.testing.Pipeline;
import io.github.mediamtxvod.testing.RecorderProcess;
import io.github.mediamtxvod.testing.RtspTestServer;
import java.net.URLEncoder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The timeline over the real pipeline (recorder jar, FFmpeg, RTSP server, S3Proxy): a first
 * session uploaded and deleted locally (only in S3), then, with S3 down, a second session still
 * being recorded (only local). The timeline draws exactly the catalogue's spans and the part being
 * recorded; a person finds and plays a moment in three clicks (Timeline, the day bar, the hour
 * bar); playback from S3 crosses into the second session; a hover loads a thumbnail made from the
 * copy in S3. Screenshots go to {@code target/screenshots/pipeline-timeline-*.png}.
 */
class TimelinePipelineIT {
    private static final String STREAM = "e2e/gate";
    private static final Duration GOP = Duration.ofSeconds(1);
    private static final Duration TOLERANCE = Duration.ofMillis(500);
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @TempDir
    Path workDir;

    private Pipeline pipeline;
    private ChromeDriver browser;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(HeadlessChromium.available(), "chromium and chromedriver are needed");
        pipeline = Pipeline.start(workDir).withS3();
    }

    @AfterEach
    void tearDown() {
        if (browser != null) {
            browser.quit();
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void aMomentRecordedInS3IsFoundAndPlayedInThreeClicksAndPlaysOnIntoTheNextSession() throws Exception {
        RtspTestServer.Publisher first = pipeline.publishLive(STREAM);
        RecorderProcess recorder = pipeline.startRecorder("timeline", Map.of("LOCAL_RETENTION_DAYS", "0", "LOG_LEVEL", "DEBUG"));
        pipeline.awaitFinishedSegments(STREAM, 4);
        pipeline.api.setLive(STREAM, false);
        first.stop();
        recorder.awaitRecordingStopped("e2e/gate", Duration.ofSeconds(60));
        await("the first session is only in S3").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> segments().stream().allMatch(s -> s.get("source").asText().equals("s3")));
        List<JsonNode> inS3 = segments();

        pipeline.s3().stop();
        pipeline.publishLive(STREAM);
        pipeline.awaitFinishedSegments(STREAM, inS3.size() + 3L);
        browser = HeadlessChromium.start(Path.of("target", "chromium"));
        String base = Pipeline.baseUrl(recorder);
        RecorderUi ui = new RecorderUi(browser, base);
        TimelineUi timeline = new TimelineUi(browser, base);

        ui.openDashboard();
        await("the dashboard shows the current segment").atMost(Duration.ofSeconds(30))
                .until(() -> ui.recordingNowText().contains(STREAM) && ui.recordingNowText().contains("since"));
        timeline.openFromNavigation(); // click 1
        await("the timeline shows the recording now").atMost(Duration.ofSeconds(30))
                .until(() -> timeline.showsRecordingNow(STREAM));
        List<JsonNode> all = segments();
        List<TimelineUi.Span> drawn = timeline.spans(STREAM);
        ui.screenshot(SCREENSHOTS.resolve("pipeline-timeline-day.png"));
        List<TimelineUi.Span> expected = merged(all);
        assertThat(drawn).as("only in S3, a gap, only local (still growing)").hasSize(2).hasSameSizeAs(expected);
        assertThat(drawn.getFirst()).as("the finished session, exactly as catalogued").isEqualTo(expected.getFirst());
        assertThat(drawn.getFirst().storage()).isEqualTo("s3");
        assertThat(drawn.getLast().start()).isEqualTo(expected.getLast().start());
        assertThat(drawn.getLast().storage()).isEqualTo("local");

        pipeline.s3().start();
        Instant firstStart = Instant.parse(inS3.getFirst().get("start").asText());
        Instant firstEnd = end(inS3.getLast());
        Instant target = firstStart.plus(Duration.between(firstStart, firstEnd).dividedBy(2));
        timeline.clickAt(STREAM, target); // click 2: on the day bar, zooms in to the hour around it
        timeline.awaitPlaying();
        timeline.clickAt(STREAM, target).awaitPlaying(); // click 3: on the hour bar
        Instant chosen = timeline.cursor(STREAM);
        assertThat(Duration.between(chosen, target).abs()).as("the hour bar hits the moment").isLessThan(Duration.ofSeconds(4));
        assertThat(timeline.wallClock()).as("playing from within one GOP of the chosen instant")
                .isBetween(chosen.minus(GOP), chosen.plus(GOP).plusSeconds(2));
        ui.screenshot(SCREENSHOTS.resolve("pipeline-timeline-playing.png"));

        Instant secondStart = Instant.parse(all.get(inS3.size()).get("start").asText());
        timeline.clickAt(STREAM, firstEnd.minus(Duration.ofMillis(1500))).awaitPlaying();
        assertThat(timeline.awaitWallClock(secondStart.plusMillis(500))).as("played on into the second session")
                .isAfterOrEqualTo(secondStart.plusMillis(500));

        timeline.hoverAt(STREAM, target);
        assertThat(timeline.awaitThumbnailWidth()).as("a thumbnail made from the copy in S3").isEqualTo(240);
        ui.screenshot(SCREENSHOTS.resolve("pipeline-timeline-thumbnail.png"));
        // the recorder logs why it refused a request at DEBUG: shown with a failed thumbnail, say
        List<String> refusals = recorder.output().lines().filter(line -> line.contains(" GET /api/")).toList();
        assertThat(ui.consoleErrors()).as("script errors or CSP violations; the recorder refused %s", refusals).isEmpty();
    }

    /** Every catalogued segment of the stream, oldest first. */
    private List<JsonNode> segments() throws Exception {
        JsonNode page = pipeline.getJson("/api/recordings?pageSize=500&stream=" + URLEncoder.encode(STREAM, UTF_8), 200);
        List<JsonNode> segments = new ArrayList<>();
        for (JsonNode session : page.get("sessions")) {
            List<JsonNode> ofSession = new ArrayList<>();
            session.get("segments").forEach(ofSession::add);
            segments.addAll(0, ofSession); // sessions come newest first
        }
        return segments;
    }

    /** The spans the catalogue's segments make: runs of the same storage with no gap beyond the tolerance. */
    private static List<TimelineUi.Span> merged(List<JsonNode> segments) {
        List<TimelineUi.Span> spans = new ArrayList<>();
        for (JsonNode segment : segments) {
            Instant start = Instant.parse(segment.get("start").asText());
            String storage = storage(segment);
            TimelineUi.Span last = spans.isEmpty() ? null : spans.getLast();
            if (last != null && last.storage().equals(storage) && !start.isAfter(last.end().plus(TOLERANCE))) {
                spans.set(spans.size() - 1, new TimelineUi.Span(last.start(), end(segment), storage));
            } else {
                spans.add(new TimelineUi.Span(start, end(segment), storage));
            }
        }
        return spans;
    }

    private static String storage(JsonNode segment) {
        boolean local = segment.get("local").asBoolean();
        boolean uploaded = segment.get("upload").asText().equals("UPLOADED");
        return local ? (uploaded ? "both" : "local") : (uploaded ? "s3" : "missing");
    }

    private static Instant end(JsonNode segment) {
        Instant start = Instant.parse(segment.get("start").asText());
        return start.plusNanos(Math.round(segment.get("durationSeconds").asDouble() * 1e9));
    }
}
