package io.github.mediamtxvod.web;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mediamtxvod.testing.Ffprobe;
import io.github.mediamtxvod.testing.Pipeline;
import io.github.mediamtxvod.testing.RecorderProcess;
import io.github.mediamtxvod.testing.RtspTestServer;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * A recording made by the real pipeline (recorder jar, real FFmpeg reading a real RTSP server,
 * the MediaMTX API stand-in) is found and played in real headless Chromium, and the JSON API and
 * the file listing describe and serve exactly the files on disk. Screenshots go to {@code
 * target/screenshots/pipeline-*.png}.
 */
class PipelinePlaybackIT {
    private static final String STREAM = "e2e/lobby";
    private static final int SEGMENTS = 3;
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @TempDir
    Path workDir;

    private Pipeline pipeline;
    private ChromeDriver browser;

    @BeforeEach
    void setUp() {
        assumeTrue(HeadlessChromium.available(), "chromium and chromedriver are needed");
        pipeline = Pipeline.start(workDir);
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
    void aFinishedRealRecordingIsListedServedAndPlaysAcrossASegmentBoundaryInChromium() throws Exception {
        RtspTestServer.Publisher publisher = pipeline.publish(STREAM);
        pipeline.api.setLive(STREAM, true);
        RecorderProcess recorder = pipeline.startRecorder("pipeline-playback", Map.of());
        browser = HeadlessChromium.start(Path.of("target", "chromium"));
        RecorderUi ui = new RecorderUi(browser, Pipeline.baseUrl(pipeline.recorder()));

        pipeline.awaitFinishedSegments(STREAM, SEGMENTS);
        ui.openDashboard();
        await("the dashboard shows the live recording").atMost(Duration.ofSeconds(30))
                .until(() -> ui.recordingNowText().contains(STREAM));
        ui.screenshot(SCREENSHOTS.resolve("pipeline-dashboard.png"));

        pipeline.api.setLive(STREAM, false);
        publisher.stop();
        recorder.awaitRecordingStopped("e2e/lobby", Duration.ofSeconds(60));
        Path sessionDir = onlySession();
        List<Path> files = Pipeline.segmentFiles(sessionDir);
        assertThat(files).as("segments of %s", sessionDir).hasSizeGreaterThanOrEqualTo(SEGMENTS);

        JsonNode session = awaitCatalogued(files.size());
        checkApiMatchesFiles(session, sessionDir, files);
        checkRangeRequest(session.get("segments").get(1), files.get(1));

        String start = session.get("start").asText();
        String day = start.substring(0, 10);
        ui.openStream(STREAM).openDay(day);
        ui.screenshot(SCREENSHOTS.resolve("pipeline-sessions.png"));
        ui.openSession(shownTime(start));
        ui.screenshot(SCREENSHOTS.resolve("pipeline-session.png"));
        ui.play();
        double boundary = session.get("segments").get(0).get("durationSeconds").asDouble();
        double seen = ui.awaitCurrentTime(boundary + 0.5);
        ui.screenshot(SCREENSHOTS.resolve("pipeline-playing.png"));

        assertThat(seen).as("playback went past the end of segment 0 at %s s", boundary).isGreaterThan(boundary);
        assertThat(ui.playerState()).doesNotContain("stopped");
        assertThat(ui.consoleErrors()).as("script errors or CSP violations").isEmpty();

        browser.get(Pipeline.baseUrl(pipeline.recorder()) + session.get("url").asText());
        ui.screenshot(SCREENSHOTS.resolve("pipeline-listing.png"));
        assertThat(browser.getPageSource()).contains(files.get(0).getFileName().toString());
    }

    private Path onlySession() throws Exception {
        List<Path> sessions = pipeline.sessionDirs(STREAM);
        assertThat(sessions).as("session folders of %s", STREAM).hasSize(1);
        return sessions.get(0);
    }

    /** Waits until the API lists the finished session with every segment FFmpeg wrote. */
    private JsonNode awaitCatalogued(int segments) {
        String query = "/api/recordings?stream=" + URLEncoder.encode(STREAM, UTF_8);
        JsonNode[] found = new JsonNode[1];
        await("the API lists the finished session with " + segments + " segments")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    JsonNode page = pipeline.getJson(query, 200);
                    found[0] = page;
                    JsonNode first = page.get("sessions").get(0);
                    return page.get("totalSessions").asInt() == 1 && first != null
                            && !first.get("recording").asBoolean()
                            && first.get("segments").size() == segments;
                });
        return found[0].get("sessions").get(0);
    }

    private void checkApiMatchesFiles(JsonNode session, Path sessionDir, List<Path> files) throws Exception {
        assertThat(session.get("stream").asText()).isEqualTo(STREAM);
        assertThat(session.get("format").asText()).isEqualTo("mp4");
        assertThat(session.get("playable").asBoolean()).isTrue();
        assertThat(pipeline.recordingsDir().resolve(session.get("relativePath").asText()))
                .isEqualTo(sessionDir);
        long totalSize = 0;
        double totalDuration = 0;
        Instant previousStart = Instant.MIN;
        for (int i = 0; i < files.size(); i++) {
            JsonNode segment = session.get("segments").get(i);
            Path file = files.get(i);
            String what = "segment " + i + " " + segment;
            assertThat(segment.get("index").asInt()).as(what).isEqualTo(i);
            assertThat(segment.get("file").asText()).as(what).isEqualTo(file.getFileName().toString());
            assertThat(segment.get("sizeBytes").asLong()).as(what).isEqualTo(Files.size(file));
            assertThat(segment.get("upload").asText()).as(what).isEqualTo("LOCAL_ONLY");
            assertThat(segment.get("local").asBoolean()).as(what).isTrue();
            assertThat(segment.get("source").asText()).as(what).isEqualTo("local");
            assertThat(segment.get("url").asText()).as(what)
                    .startsWith("/recordings/").endsWith("/" + file.getFileName());
            Instant start = Instant.parse(segment.get("start").asText());
            assertThat(start).as(what).isAfter(previousStart);
            previousStart = start;
            Ffprobe.ProbeResult probe = Ffprobe.probe(file);
            assertThat(probe.playable()).as("%s: %s", file, probe).isTrue();
            double probed = Ffprobe.longestTrack(file).toNanos() / 1e9;
            assertThat(segment.get("durationSeconds").asDouble()).as(what + " vs ffprobe")
                    .isCloseTo(probed, within(0.3));
            totalSize += Files.size(file);
            totalDuration += segment.get("durationSeconds").asDouble();
        }
        assertThat(session.get("sizeBytes").asLong()).isEqualTo(totalSize);
        assertThat(session.get("durationSeconds").asDouble()).isCloseTo(totalDuration, within(0.5));
    }

    private void checkRangeRequest(JsonNode segment, Path file) throws Exception {
        byte[] content = Files.readAllBytes(file);
        HttpResponse<byte[]> response = pipeline.get(segment.get("url").asText(), "Range", "bytes=100-1099");

        assertThat(response.statusCode()).isEqualTo(206);
        assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes 100-1099/" + content.length);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("video/mp4"));
        assertThat(response.body()).isEqualTo(Arrays.copyOfRange(content, 100, 1100));
    }

    /** How the UI shows an instant: "2024-05-01 10:00:00 UTC". */
    private static String shownTime(String iso) {
        return iso.replace('T', ' ').replaceFirst("\\.\\d+Z$", "Z").replace("Z", " UTC");
    }
}
