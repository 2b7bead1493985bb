package io.github.mediamtxvod.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mediamtxvod.testing.Ffprobe;
import io.github.mediamtxvod.testing.Pipeline;
import io.github.mediamtxvod.testing.RecorderProcess;
import io.github.mediamtxvod.testing.RtspTestServer;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The playback API of the real recorder (the jar, real FFmpeg reading the RTSP test server, S3Proxy)
 * once retention deleted every local file ({@code LOCAL_RETENTION_DAYS=0}): two sessions of one
 * stream are listed as two spans, each span's URL serves it from S3 alone, and one {@code /get} over
 * both plays as one MP4 with the moov first, as a MediaMTX playback client would fetch them.
 */
class PlaybackPipelineIT {
    private static final String STREAM = "e2e/playback";

    @TempDir
    Path workDir;

    private Pipeline pipeline;

    @BeforeEach
    void setUp() throws Exception {
        pipeline = Pipeline.start(workDir).withS3();
    }

    @AfterEach
    void tearDown() {
        pipeline.close();
    }

    @Test
    void twoSessionsDeletedLocallyAreListedAndServedFromS3() throws Exception {
        RecorderProcess recorder = pipeline.startRecorder("playback", Map.of("LOCAL_RETENTION_DAYS", "0"));
        recordSession(recorder, 3);
        recordSession(recorder, 6);
        long finished = pipeline.finishedSegments(STREAM);
        await("every segment uploaded and deleted locally").atMost(Duration.ofSeconds(60))
                .until(() -> pipeline.objects().size() >= finished && pipeline.segmentFiles(STREAM).isEmpty());

        JsonNode spans = pipeline.getJson("/list?path=e2e%2Fplayback", 200);

        assertThat(spans).as(spans.toString()).hasSize(2);
        List<Double> videoLeads = videoLeads();
        double total = 0;
        double leads = 0;
        for (int i = 0; i < spans.size(); i++) {
            JsonNode span = spans.get(i);
            double seconds = span.get("duration").asDouble();
            assertThat(seconds).as("span %s", span).isGreaterThan(3);
            URI url = URI.create(span.get("url").asText());
            assertThat(url.getPath()).isEqualTo("/get");
            // a GOP of the test publisher may come before the span; the recording ends on its last frame;
            // the audio before a session's first video frame is left out, as the cut is made on the video
            double lead = videoLeads.get(i);
            assertPlays(fetch(url.getRawPath() + "?" + url.getRawQuery(), "span.mp4"), seconds - 0.2 - lead,
                    seconds + 1.1);
            total += seconds;
            leads += lead;
        }

        Instant start = Instant.parse(spans.get(0).get("start").asText());
        Instant end = Instant.parse(spans.get(1).get("start").asText())
                .plusNanos((long) (spans.get(1).get("duration").asDouble() * 1e9));
        Path both = fetch("/get?path=e2e%2Fplayback&format=mp4&start=" + start + "&duration="
                + Duration.between(start, end).toMillis() / 1000.0, "both.mp4");
        assertPlays(both, total - 0.2 - leads, total + 1.1);
        assertThat(recorder.output()).doesNotContain("ERROR");
    }

    /**
     * Publishes until {@code segments} more are finished, then ends the stream and waits for the
     * recording to stop and for a second to pass after its end, so that the next session is a
     * span of its own (the playback API joins recordings less than 250 ms apart, as MediaMTX does).
     */
    private void recordSession(RecorderProcess recorder, int segments) throws Exception {
        long before = pipeline.finishedSegments(STREAM);
        RtspTestServer.Publisher publisher = pipeline.publishLive(STREAM);
        pipeline.awaitFinishedSegments(STREAM, before + segments);
        pipeline.api.setLive(STREAM, false);
        publisher.stop();
        await("the recording stops").atMost(Duration.ofSeconds(60))
                .until(() -> recorder.recordingsStopped(STREAM) >= pipeline.sessionDirs(STREAM).size());
        Instant ended = lastSegmentEnd();
        await("a second after the recording's end").atMost(Duration.ofSeconds(10))
                .until(() -> Instant.now().isAfter(ended.plusSeconds(1)));
    }

    /** Where the stream's latest catalogued segment ends. */
    private Instant lastSegmentEnd() throws Exception {
        Instant end = Instant.EPOCH;
        for (JsonNode session : pipeline.getJson("/api/recordings?pageSize=500&stream=e2e%2Fplayback", 200).get("sessions")) {
            for (JsonNode segment : session.get("segments")) {
                Instant segmentEnd = Instant.parse(segment.get("start").asText())
                        .plusNanos(Math.round(segment.get("durationSeconds").asDouble() * 1e9));
                end = segmentEnd.isAfter(end) ? segmentEnd : end;
            }
        }
        return end;
    }

    /**
     * For each session, oldest first: how long after its first segment begins the video begins,
     * in seconds (the first frames of a source whose leading timestamps were re-timed may start a
     * little after the audio).
     */
    private List<Double> videoLeads() throws Exception {
        List<Double> leads = new java.util.ArrayList<>();
        for (String key : pipeline.segmentObjects().stream().map(object -> object.key())
                .filter(key -> key.endsWith("/segment_000.mp4")).sorted().toList()) {
            Path first = Files.write(workDir.resolve("first.mp4"), pipeline.download(key));
            leads.add(Ffprobe.videoStart(first).toNanos() / 1e9);
        }
        return leads;
    }

    private Path fetch(String pathAndQuery, String name) throws Exception {
        HttpResponse<byte[]> response = pipeline.get(pathAndQuery);
        assertThat(response.statusCode()).as(pathAndQuery + ": " + new String(response.body(), StandardCharsets.UTF_8))
                .isEqualTo(200);
        return Files.write(workDir.resolve(name), response.body());
    }

    private static void assertPlays(Path file, double min, double max) {
        assertThat(Ffprobe.decodeErrors(file)).as("decode errors of %s", file).isEmpty();
        Ffprobe.ProbeResult probe = Ffprobe.probe(file);
        assertThat(probe.playable()).as("%s: %s", file, probe).isTrue();
        assertThat(probe.duration().toNanos() / 1e9).as("duration of %s", file).isBetween(min, max);
        assertThat(List.of(probe.videoCodecs(), probe.audioCodecs())).containsExactly(List.of("h264"), List.of("aac"));
    }
}
