package io.github.mediamtxvod.web;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mediamtxvod.testing.FakeMediaMtx;
import io.github.mediamtxvod.testing.Ffprobe;
import io.github.mediamtxvod.testing.Pipeline;
import io.github.mediamtxvod.testing.RecorderProcess;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MediaMTX hooks against the real pipeline, with polling practically off (once an hour), so
 * only a hook can start or stop a recording: how long from the hook call (which asks MediaMTX about
 * the path first) until FFmpeg holds an established connection to the RTSP server (target under
 * 250 ms; the assertion allows for a loaded machine), that the token is required, and
 * that the not-ready hook ends the recording with a playable last segment. Also the probes and the
 * recording meters of the running product.
 */
class HookLatencyIT {
    private static final String STREAM = "hook/cam";
    private static final String TOKEN = "hook-token-7f3a9c";
    private static final Duration TARGET = Duration.ofMillis(250);
    private static final Duration LIMIT = Duration.ofSeconds(3);

    @TempDir
    Path workDir;

    private Pipeline pipeline;

    @BeforeEach
    void setUp() {
        pipeline = Pipeline.start(workDir);
    }

    @AfterEach
    void tearDown() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void theReadyHookStartsFfmpegWithinASecondAndTheNotReadyHookStopsItCleanly() throws Exception {
        pipeline.publish(STREAM);
        RecorderProcess recorder = pipeline.startRecorder("hook-latency",
                Map.of("POLLING_INTERVAL", "3600", "HOOK_TOKEN", TOKEN));
        recorder.awaitOutput("MediaMTX API reachable", Duration.ofSeconds(30));
        // the publisher is on the air and MediaMTX lists it, but the only poll is behind us
        await("the publisher is served").atMost(Duration.ofSeconds(60))
                .until(() -> Ffprobe.probe(pipeline.rtsp.rtspUrl(STREAM)).videoCodecs().contains("h264"));
        pipeline.api.setLive(STREAM, true);
        checkProbes();

        String ready = "/api/hooks/ready?path=" + URLEncoder.encode(STREAM, UTF_8);
        assertThat(pipeline.post(ready).statusCode()).as("no token").isEqualTo(401);
        assertThat(pipeline.post(ready, "Authorization", "Bearer wrong-" + TOKEN).statusCode()).as("wrong token")
                .isEqualTo(401);
        assertThat(pipeline.post(ready, "Authorization", "Basic " + TOKEN).statusCode()).as("token as basic auth")
                .isEqualTo(401);
        await("nothing starts without the token").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> pipeline.ffmpegChildren().isEmpty());
        assertThat(recorder.output()).doesNotContain(STREAM + " - live; starting");

        Duration latency = hookLatency(ready);
        System.out.printf("hook latency: FFmpeg connected to the RTSP server %d ms after the ready hook was sent"
                + " (target %d ms)%n", latency.toMillis(), TARGET.toMillis());
        assertThat(latency).as("ready hook to an established RTSP connection").isLessThan(LIMIT);

        pipeline.awaitFinishedSegments(STREAM, 2);
        checkMetrics(1, 1);
        checkReadinessFollowsMediaMtx(ready);

        ProcessHandle ffmpeg = pipeline.ffmpegChildren().get(0);
        pipeline.api.setLive(STREAM, false);
        HttpResponse<String> stop = pipeline.post("/api/hooks/not-ready?path=" + URLEncoder.encode(STREAM, UTF_8),
                "Authorization", "Bearer " + TOKEN);
        assertThat(stop.statusCode()).as(stop.body()).isEqualTo(200);
        assertThat(Pipeline.parse(stop.body()).get("outcome").asText()).isEqualTo("STOPPED");
        await("ffmpeg exits after the not-ready hook").atMost(Duration.ofSeconds(15)).until(() -> !ffmpeg.isAlive());
        recorder.awaitRecordingStopped(STREAM, Duration.ofSeconds(15));
        await("no new ffmpeg (polling is off, the publisher still runs)").during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5)).until(() -> pipeline.ffmpegChildren().isEmpty());
        checkEverySegmentFinishedAndPlayable();
        checkMetrics(0, pipeline.finishedSegments(STREAM));
    }

    /**
     * Sends the ready hook and measures, from just before the request, until an FFmpeg child of
     * the recorder holds an ESTABLISHED TCP connection to the RTSP server.
     */
    private Duration hookLatency(String ready) throws Exception {
        int rtspPort = pipeline.rtsp.rtspUrl().getPort();
        long sent = System.nanoTime();
        HttpResponse<String> answer = pipeline.post(ready, "Authorization", "Bearer " + TOKEN);
        long answered = System.nanoTime();
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(Pipeline.parse(answer.body()).get("outcome").asText()).isEqualTo("STARTED");
        AtomicLong connected = new AtomicLong();
        await("an ffmpeg child connected to RTSP port " + rtspPort).atMost(Duration.ofSeconds(30))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                .until(() -> {
                    if (pipeline.ffmpegChildren().stream().anyMatch(child -> connectedTo(child.pid(), rtspPort))) {
                        connected.set(System.nanoTime());
                        return true;
                    }
                    return false;
                });
        System.out.printf("hook latency: the ready hook answered after %d ms%n", (answered - sent) / 1_000_000);
        return Duration.ofNanos(connected.get() - sent);
    }

    /** Whether the process holds a socket whose TCP connection to {@code port} is ESTABLISHED. */
    private static boolean connectedTo(long pid, int port) {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                String target = readLink(fd);
                if (target.startsWith("socket:[")) {
                    inodes.add(target.substring("socket:[".length(), target.length() - 1));
                }
            }
            if (inodes.isEmpty()) {
                return false;
            }
            for (String table : List.of("tcp", "tcp6")) {
                List<String> lines = Files.readAllLines(Path.of("/proc", Long.toString(pid), "net", table));
                for (String line : lines.subList(1, lines.size())) {
                    String[] fields = line.trim().split("\\s+");
                    String remote = fields[2];
                    int remotePort = Integer.parseInt(remote.substring(remote.indexOf(':') + 1), 16);
                    if (remotePort == port && fields[3].equals("01") && inodes.contains(fields[9])) {
                        return true;
                    }
                }
            }
            return false;
        } catch (IOException e) {
            return false; // the process is gone or not ours to read: not connected
        }
    }

    private static String readLink(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
            return ""; // closed between the listing and the read
        }
    }

    private void checkProbes() throws Exception {
        JsonNode health = pipeline.getJson("/health", 200);
        assertThat(health.get("status").asText()).isEqualTo("UP");
        assertThat(health.get("version").asText()).isNotBlank();
        JsonNode ready = pipeline.getJson("/ready", 200);
        assertThat(ready.get("status").asText()).isEqualTo("READY");
        assertThat(ready.get("ready").asBoolean()).isTrue();
        assertThat(ready.get("reasons").isArray()).isTrue();
        assertThat(ready.get("reasons")).isEmpty();
    }

    /**
     * A hook MediaMTX cannot confirm changes nothing and asks for a poll, so a failing MediaMTX API
     * shows in /ready at once, with its reason.
     */
    private void checkReadinessFollowsMediaMtx(String ready) throws Exception {
        HttpResponse<String> repeat = pipeline.post(ready, "Authorization", "Bearer " + TOKEN);
        assertThat(Pipeline.parse(repeat.body()).get("outcome").asText()).isEqualTo("ALREADY_RECORDING");
        pipeline.api.failWith(FakeMediaMtx.Failure.HTTP_500);
        HttpResponse<String> again = pipeline.post(ready, "Authorization", "Bearer " + TOKEN);
        assertThat(Pipeline.parse(again.body()).get("outcome").asText()).isEqualTo("UNCONFIRMED");
        assertThat(Pipeline.parse(again.body()).get("message").asText()).contains("HTTP 500");
        JsonNode[] notReady = new JsonNode[1];
        await("/ready reports the failing MediaMTX API").atMost(Duration.ofSeconds(30)).until(() -> {
            HttpResponse<byte[]> response = pipeline.get("/ready");
            notReady[0] = Pipeline.parse(new String(response.body(), UTF_8));
            return response.statusCode() == 503;
        });
        assertThat(notReady[0].get("status").asText()).isEqualTo("NOT_READY");
        assertThat(notReady[0].get("ready").asBoolean()).isFalse();
        assertThat(notReady[0].get("reasons")).hasSize(1);
        assertThat(notReady[0].get("reasons").get(0).asText()).contains("MediaMTX");

        pipeline.api.failWith(FakeMediaMtx.Failure.NONE);
        pipeline.post(ready, "Authorization", "Bearer " + TOKEN);
        await("/ready recovers").atMost(Duration.ofSeconds(60))
                .until(() -> pipeline.get("/ready").statusCode() == 200);
        assertThat(pipeline.ffmpegChildren()).as("the recording went on while the API failed").hasSize(1);
    }

    /** The recorder counts a segment when it reads FFmpeg's list, a moment after FFmpeg wrote it: wait. */
    private void checkMetrics(int active, long atLeastSegments) {
        String[] seen = {""};
        await("/metrics shows " + active + " active recordings and at least " + atLeastSegments + " segments")
                .atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    HttpResponse<byte[]> response = pipeline.get("/metrics");
                    assertThat(response.statusCode()).isEqualTo(200);
                    seen[0] = new String(response.body(), UTF_8);
                    assertThat(metric(seen[0], "vodrecorder_recordings_active")).hasValue((double) active);
                    assertThat(metric(seen[0], "vodrecorder_segments_recorded_total"))
                            .hasValueSatisfying(value -> assertThat(value).isGreaterThanOrEqualTo(atLeastSegments));
                });
        assertThat(seen[0]).contains("# TYPE vodrecorder_recordings_active gauge",
                "# TYPE vodrecorder_segments_recorded_total counter");
    }

    /** The value of an unlabelled sample, as Prometheus would read it. */
    private static Optional<Double> metric(String text, String name) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*})? (\\S+)$").matcher(text);
        return matcher.find() ? Optional.of(Double.parseDouble(matcher.group(1))) : Optional.empty();
    }

    private void checkEverySegmentFinishedAndPlayable() throws IOException {
        List<Path> sessions = pipeline.sessionDirs(STREAM);
        assertThat(sessions).as("one session, started by the hook").hasSize(1);
        List<Path> files = Pipeline.segmentFiles(sessions.get(0));
        List<String> listed = Files.readAllLines(sessions.get(0).resolve(".segments.csv"), UTF_8).stream()
                .filter(line -> !line.isBlank()).toList();
        assertThat(listed).as("FFmpeg closed every segment").hasSize(files.size());
        Path last = files.get(files.size() - 1);
        Ffprobe.ProbeResult probe = Ffprobe.probe(last);
        assertThat(probe.playable()).as("last segment %s: %s", last, probe).isTrue();
        assertThat(Ffprobe.decodeErrors(last)).as("decode errors in %s", last).isEmpty();
    }
}
