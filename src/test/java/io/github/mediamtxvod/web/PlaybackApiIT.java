package io.github.mediamtxvod.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.testing.Ffprobe;
import io.github.mediamtxvod.testing.TestConfig;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * MediaMTX's playback API over two real recording sessions made by real FFmpeg (H.264 with one-second
 * GOPs and AAC, 3 s segments, 12 s each, 8 s apart), asked as a MediaMTX playback client asks it:
 * {@code /list} finds both spans, {@code /get} cuts a range across the session boundary into fMP4 and
 * moov-first MP4 that decode without an error line, and headless Chromium plays the fMP4 stream.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlaybackApiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STREAM = "lobby/cam 1";
    private static final String PATH = "path=lobby%2Fcam+1";
    private static final Instant FIRST = Instant.parse("2024-05-01T10:00:00Z");
    private static final Instant SECOND = FIRST.plusSeconds(20);

    @TempDir
    static Path recordings;
    @TempDir
    static Path out;

    private TestServer test;
    private List<Segment> first;
    private List<Segment> second;

    @BeforeAll
    void record() throws Exception {
        first = FfmpegSession.record(recordings, STREAM, FIRST, 4, 3);
        second = FfmpegSession.record(recordings, STREAM, SECOND, 4, 3);
        test = TestServer.start(recordings, TestConfig.open());
        first.forEach(test.view::add);
        second.forEach(test.view::add);
    }

    @AfterAll
    void stop() {
        if (test != null) {
            test.close();
        }
    }

    @Test
    void listHasOneSpanPerSessionWithUrlsThatServeIt() throws Exception {
        JsonNode spans = JSON.readTree(test.get("/list?" + PATH).body());

        assertThat(spans).hasSize(2);
        assertThat(Instant.parse(spans.get(0).get("start").asText())).isEqualTo(FIRST);
        assertThat(spans.get(0).get("duration").asDouble()).isCloseTo(seconds(first), within(0.01));
        assertThat(Instant.parse(spans.get(1).get("start").asText())).isEqualTo(SECOND);
        URI url = URI.create(spans.get(1).get("url").asText());
        assertThat(url.getAuthority()).isEqualTo("127.0.0.1:" + test.server.port());

        Path file = save(test.getBytes(url.getRawPath() + "?" + url.getRawQuery()), "span.mp4");
        assertPlays(file, seconds(second), 0.15);
    }

    @Test
    void fmp4AcrossTheSessionBoundaryStreamsBothSessionsWithoutTheGap() throws Exception {
        HttpResponse<byte[]> response = test.getBytes("/get?" + PATH + "&start=2024-05-01T10:00:06.5Z&duration=23.5");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("video/mp4");
        assertThat(response.headers().firstValue("Accept-Ranges")).hasValue("none");
        assertThat(response.headers().firstValue("Content-Disposition")).isEmpty();
        List<String> boxes = topLevelBoxes(response.body());
        assertThat(boxes).startsWith("ftyp", "moov", "moof", "mdat");
        assertThat(boxes.subList(2, boxes.size())).as("one moof+mdat per fragment").containsOnly("moof", "mdat")
                .hasSizeGreaterThan(20);
        // cut on the keyframe at 10:00:06 (half a GOP early): 6 s of the first session, 10 s of the second
        assertPlays(save(response, "boundary-fmp4.mp4"), 16.0, 0.2);
    }

    @Test
    void mp4HasItsMoovFirstAndANameToSaveItUnder() throws Exception {
        HttpResponse<byte[]> response = test.getBytes("/get?" + PATH
                + "&start=2024-05-01T10:00:06.5Z&duration=23.5&format=mp4");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("video/mp4");
        assertThat(response.headers().firstValue("Content-Disposition"))
                .hasValue("attachment; filename=\"lobby~2Fcam~201_20240501_100006_23.5s.mp4\"");
        assertThat(topLevelBoxes(response.body())).containsExactly("ftyp", "moov", "mdat");
        assertPlays(save(response, "boundary.mp4"), 16.0, 0.2);
    }

    @Test
    void originNumbersTheTimelineFromAnEarlierInstant() throws Exception {
        Path file = save(test.getBytes("/get?" + PATH + "&start=2024-05-01T10:00:06.5Z&duration=3"
                + "&origin=2024-05-01T10:00:00Z"), "origin.mp4");

        Ffprobe.ProbeResult probe = Ffprobe.probe(file);
        // cut on the keyframe at 10:00:06, which is 6 s after the origin
        assertThat(probe.startTime().toMillis()).as("first sample on the timeline").isBetween(5_950L, 6_200L);
        assertThat(Ffprobe.decodeErrors(file)).isEmpty();
    }

    @Test
    void headAnswersTheHeadersOnly() {
        HttpResponse<String> response = test.method("HEAD", "/get?" + PATH + "&start=2024-05-01T10:00:00Z&duration=5");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("video/mp4");
        assertThat(response.body()).isEmpty();
        assertThat(test.method("HEAD", "/get?" + PATH + "&start=2024-05-01T11:00:00Z&duration=5").statusCode())
                .isEqualTo(404);
    }

    @Test
    void chromiumPlaysTheFmp4StreamAcrossTheSessionBoundaryAndTheUiLinksARange() throws Exception {
        assumeTrue(HeadlessChromium.available(), "chromium and chromedriver are needed");
        ChromeDriver browser = HeadlessChromium.start(Path.of("target", "chromium"));
        try {
            RecorderUi ui = new RecorderUi(browser, "http://127.0.0.1:" + test.server.port());
            ui.openStream(STREAM).openDay("2024-05-01").openSession("2024-05-01 10:00:00 UTC");
            assertThat(ui.rangeLink("range-mp4")).contains("/get?" + PATH + "&start=2024-05-01T10%3A00%3A00.000Z&duration=1")
                    .endsWith("&format=mp4");

            ui.typeRange("2024-05-01 10:00:09", "20");
            String mp4 = ui.rangeLink("range-mp4");
            String fmp4 = ui.rangeLink("range-fmp4");
            assertThat(mp4).endsWith("&start=2024-05-01T10%3A00%3A09.000Z&duration=20.000&format=mp4");
            URI download = URI.create(mp4);
            assertThat(topLevelBoxes(test.getBytes(download.getRawPath() + "?" + download.getRawQuery()).body()))
                    .containsExactly("ftyp", "moov", "mdat");

            // 3 s of the first session, then the second: playing past 4 s crosses the boundary
            ui.playInNewVideo("range-video", fmp4);
            assertThat(ui.awaitVideoTime("range-video", 4.5)).isGreaterThan(4.5);
            assertThat(ui.videoError("range-video")).isNull();
            assertThat(ui.consoleErrors()).as("script errors or CSP violations").isEmpty();
            ui.screenshot(Path.of("target", "screenshots", "playback-range.png"));
        } finally {
            browser.quit();
        }
    }

    /** Decodes without an error line and lasts {@code expected} seconds within {@code tolerance}. */
    static void assertPlays(Path file, double expected, double tolerance) {
        assertThat(Ffprobe.decodeErrors(file)).as("decode errors of %s", file).isEmpty();
        Ffprobe.ProbeResult probe = Ffprobe.probe(file);
        assertThat(probe.errors()).as("probe errors of %s", file).isEmpty();
        assertThat(probe.videoCodecs()).containsExactly("h264");
        assertThat(probe.audioCodecs()).containsExactly("aac");
        assertThat(probe.duration().toNanos() / 1e9).as("duration of %s", file)
                .isBetween(expected - tolerance, expected + tolerance);
    }

    /** The types of a file's top-level boxes, in order. */
    static List<String> topLevelBoxes(byte[] file) {
        List<String> types = new java.util.ArrayList<>();
        int at = 0;
        while (at + 8 <= file.length) {
            long size = ((file[at] & 0xffL) << 24) | ((file[at + 1] & 0xff) << 16) | ((file[at + 2] & 0xff) << 8)
                    | (file[at + 3] & 0xff);
            types.add(new String(file, at + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1));
            if (size == 1) {
                size = java.nio.ByteBuffer.wrap(file, at + 8, 8).getLong();
            }
            if (size < 8) {
                break;
            }
            at += (int) size;
        }
        return types;
    }

    static double seconds(List<Segment> session) {
        return session.stream().mapToDouble(segment -> segment.duration().toNanos() / 1e9).sum();
    }

    private Path save(HttpResponse<byte[]> response, String name) throws Exception {
        assertThat(response.statusCode()).as(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(200);
        return Files.write(out.resolve(name), response.body());
    }
}
