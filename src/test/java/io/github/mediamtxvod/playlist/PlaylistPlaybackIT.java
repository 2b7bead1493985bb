package io.github.mediamtxvod.playlist;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.mediamtxvod.recording.SegmentLayout;
import io.github.mediamtxvod.testing.Ffprobe;
import io.github.mediamtxvod.testing.HlsPlaylist;
import io.github.mediamtxvod.testing.Pipeline;
import io.github.mediamtxvod.testing.RecorderProcess;
import io.github.mediamtxvod.testing.RtspTestServer;
import io.github.mediamtxvod.web.HeadlessChromium;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The recorder's HLS playlists end to end: the jar records a stream in two sessions with real
 * FFmpeg from the real RTSP server and uploads to S3Proxy; the playlists in the bucket are read
 * over plain HTTP (a bucket served without signatures, as a CDN would) and played by FFmpeg and by
 * hls.js in headless Chromium, across the boundary between the sessions.
 */
class PlaylistPlaybackIT {
    private static final String STREAM = "lobby/cam1";
    private static final String PREFIX = "site-1";

    @TempDir
    Path workDir;

    private Pipeline pipeline;
    private ChromeDriver browser;

    @BeforeEach
    void start() throws Exception {
        pipeline = Pipeline.start(workDir).withS3();
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        pipeline.close();
    }

    @Test
    void sessionAndDayPlaylistsInS3PlayInFfmpegAndHlsJsAcrossTheSessionBoundary() throws Exception {
        RtspTestServer.Publisher first = pipeline.publishLive(STREAM);
        RecorderProcess recorder = pipeline.startRecorder("hls", Map.of("S3_PREFIX", PREFIX));
        pipeline.awaitFinishedSegments(STREAM, 3);
        String firstSession = folderKey(pipeline.sessionDirs(STREAM).getFirst());

        await("a playlist of the recording session in S3").atMost(Duration.ofSeconds(60))
                .until(() -> exists(firstSession + "/index.m3u8"));
        HlsPlaylist recording = playlist(firstSession + "/index.m3u8");
        assertEveryEntryIsInTheBucket(firstSession, recording);
        assertThat(recording.type()).isEqualTo("EVENT");
        assertThat(recording.version()).isEqualTo(7);

        endSession(recorder, first);
        RtspTestServer.Publisher second = pipeline.publishLive(STREAM);
        await("a second session").atMost(Duration.ofSeconds(60)).until(() -> pipeline.sessionDirs(STREAM).size() == 2);
        pipeline.awaitFinishedSegments(STREAM, pipeline.finishedSegments(STREAM) + 3);
        endSession(recorder, second);
        List<Path> sessions = pipeline.sessionDirs(STREAM);
        String secondSession = folderKey(sessions.get(1));
        String day = folderKey(sessions.getFirst().getParent());
        assumeTrue(day.equals(folderKey(sessions.get(1).getParent())), "both sessions on one UTC day");

        await("both session playlists complete").atMost(Duration.ofSeconds(60)).until(() ->
                completeWith(firstSession, sessions.getFirst()) && completeWith(secondSession, sessions.get(1)));
        await("the day playlist lists both sessions and is complete").atMost(Duration.ofSeconds(60)).until(() ->
                exists(day + "/index.m3u8") && playlist(day + "/index.m3u8").ended()
                        && playlist(day + "/index.m3u8").entries().size()
                                == playlist(firstSession + "/index.m3u8").entries().size()
                                        + playlist(secondSession + "/index.m3u8").entries().size());
        HlsPlaylist dayPlaylist = playlist(day + "/index.m3u8");
        assertEveryEntryIsInTheBucket(day, dayPlaylist);
        assertThat(dayPlaylist.entries().getFirst().discontinuity()).isFalse();
        assertThat(dayPlaylist.entries().subList(1, dayPlaylist.entries().size()))
                .allMatch(HlsPlaylist.Entry::discontinuity);

        URI dayUrl = publicUrl(day + "/index.m3u8");
        assertThat(Ffprobe.decodeErrors(dayUrl)).as("ffmpeg -v error -i %s -f null -", dayUrl).isEmpty();
        assertThat(Ffprobe.decodeErrors(publicUrl(firstSession + "/index.m3u8"))).isEmpty();
        Duration played = Ffprobe.probeInput(dayUrl.toString()).duration();
        assertThat(played).isCloseTo(dayPlaylist.totalDuration(), Duration.ofSeconds(1));
        // each segment's longest track, not ffprobe's container duration: that counts a video track
        // starting after the audio (a session's first segment, re-timed) from zero twice
        Duration recorded = Duration.ZERO;
        for (Path session : sessions) {
            for (Path segment : Pipeline.segmentFiles(session)) {
                recorded = recorded.plus(Ffprobe.longestTrack(segment));
            }
        }
        assertThat(dayPlaylist.totalDuration()).as("the EXTINFs add up to the media recorded")
                .isCloseTo(recorded, Duration.ofSeconds(1));
        Path localDay = pipeline.recordingsDir().resolve(day.substring(PREFIX.length() + 1)).resolve("index.m3u8");
        assertThat(Ffprobe.decodeErrors(localDay)).as("the local copy plays too").isEmpty();

        Duration boundary = playlist(firstSession + "/index.m3u8").totalDuration();
        playInChromium(day + "/index.m3u8", boundary.minusSeconds(3));
        assertThat(recorder.output()).doesNotContain("ERROR");
    }

    private void endSession(RecorderProcess recorder, RtspTestServer.Publisher publisher) {
        int stopped = count(recorder.output(), STREAM + " - recording stopped");
        pipeline.api.setLive(STREAM, false);
        publisher.stop();
        await("the recording stops").atMost(Duration.ofSeconds(30))
                .until(() -> count(recorder.output(), STREAM + " - recording stopped") > stopped);
    }

    /** Whether the session's playlist in S3 is closed and lists every segment the session recorded. */
    private boolean completeWith(String key, Path sessionDir) throws IOException {
        if (!exists(key + "/index.m3u8")) {
            return false;
        }
        HlsPlaylist playlist = playlist(key + "/index.m3u8");
        return playlist.ended() && playlist.entries().size() == Pipeline.segmentFiles(sessionDir).size();
    }

    /** A playlist can only name objects that are already there: every URI it has now exists. */
    private void assertEveryEntryIsInTheBucket(String folder, HlsPlaylist playlist) {
        Set<String> keys = new HashSet<>();
        for (S3Object object : pipeline.objects()) {
            keys.add(object.key());
        }
        for (HlsPlaylist.Entry entry : playlist.entries()) {
            assertThat(keys).contains(folder + "/" + entry.uri(), folder + "/" + entry.map());
            assertThat(entry.rangeOffset()).isEqualTo(Long.parseLong(entry.mapRange().replace("@0", "")));
        }
    }

    private void playInChromium(String playlistKey, Duration start) throws Exception {
        assumeTrue(HeadlessChromium.available(), "chromium and chromedriver are needed");
        try (S3Client client = pipeline.s3().client(); InputStream hls = getClass().getResourceAsStream("/web/vendor/hls.min.js")) {
            client.putObject(b -> b.bucket(Pipeline.BUCKET).key("player/hls.min.js").contentType("text/javascript"),
                    RequestBody.fromBytes(hls.readAllBytes()));
            client.putObject(b -> b.bucket(Pipeline.BUCKET).key("player/index.html").contentType("text/html"),
                    RequestBody.fromString(PLAYER_PAGE, UTF_8));
        }
        browser = HeadlessChromium.start(Path.of("target", "chromium"));
        String source = "/" + Pipeline.BUCKET + "/" + playlistKey;
        browser.get(publicUrl("player/index.html") + "?src=" + source + "&start=" + start.toMillis() / 1000.0);
        JavascriptExecutor js = browser;
        await("hls.js plays to the end").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> Boolean.TRUE.equals(js.executeScript("return document.getElementById('v').ended"))
                        || String.valueOf(js.executeScript("return window.playerLog.join('\\n')")).contains("FATAL"));
        @SuppressWarnings("unchecked")
        Map<String, Object> state = (Map<String, Object>) js.executeScript("const v = document.getElementById('v');"
                + " return {time: v.currentTime, duration: v.duration, frames: v.getVideoPlaybackQuality().totalVideoFrames,"
                + " ranges: v.buffered.length, log: window.playerLog.join('\\n')};");
        assertThat(String.valueOf(state.get("log"))).doesNotContain("FATAL").contains("ended");
        double time = ((Number) state.get("time")).doubleValue();
        assertThat(time).as("played past the session boundary to the end")
                .isGreaterThan(start.toMillis() / 1000.0 + 3)
                .isCloseTo(((Number) state.get("duration")).doubleValue(), org.assertj.core.data.Offset.offset(0.5));
        assertThat(((Number) state.get("frames")).longValue()).isPositive();
    }

    private static final String PLAYER_PAGE = """
            <!doctype html><meta charset="utf-8"><video id="v" muted playsinline></video>
            <script src="hls.min.js"></script>
            <script>
            const params = new URLSearchParams(location.search);
            window.playerLog = [];
            const video = document.getElementById('v');
            const hls = new Hls({startPosition: Number(params.get('start'))});
            hls.on(Hls.Events.ERROR, (event, data) => playerLog.push((data.fatal ? 'FATAL ' : '') + data.details));
            hls.on(Hls.Events.MANIFEST_PARSED, () => video.play());
            video.addEventListener('ended', () => playerLog.push('ended'));
            hls.loadSource(params.get('src'));
            hls.attachMedia(video);
            </script>
            """;

    private boolean exists(String key) {
        return pipeline.objects().stream().anyMatch(object -> object.key().equals(key));
    }

    private HlsPlaylist playlist(String key) {
        return HlsPlaylist.parse(new String(pipeline.download(key), UTF_8));
    }

    private URI publicUrl(String key) throws Exception {
        return URI.create(pipeline.s3().anonymousEndpoint() + "/" + Pipeline.BUCKET + "/" + key);
    }

    /** The S3 key of a folder below RECORDINGS_DIR. */
    private String folderKey(Path folder) {
        return SegmentLayout.s3Key(PREFIX, pipeline.recordingsDir().relativize(folder).toString().replace('\\', '/'));
    }

    private static int count(String text, String what) {
        int count = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
            count++;
        }
        return count;
    }
}
