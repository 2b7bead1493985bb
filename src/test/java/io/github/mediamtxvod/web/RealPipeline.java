package io.github.mediamtxvod.web;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mediamtxvod.recording.SegmentLayout;
import io.github.mediamtxvod.testing.FakeMediaMtx;
import io.github.mediamtxvod.testing.RecorderProcess;
import io.github.mediamtxvod.testing.RtspTestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The whole product as it runs in production, for end-to-end tests of the web side: the recorder
 * jar in its own process, a real RTSP server with live FFmpeg publishers, and the MediaMTX API
 * stand-in, all on loopback. The test owns it and closes it; {@link #close()} stops the recorder,
 * the publishers, the API and the RTSP server, in that order. Not thread-safe: one test drives it.
 */
final class RealPipeline implements AutoCloseable {
    static final Duration SEGMENT = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    final RtspTestServer rtsp;
    final FakeMediaMtx api;
    final Path workDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final List<RtspTestServer.Publisher> publishers = new ArrayList<>();
    private RecorderProcess recorder;

    private RealPipeline(RtspTestServer rtsp, FakeMediaMtx api, Path workDir) {
        this.rtsp = rtsp;
        this.api = api;
        this.workDir = workDir;
    }

    static RealPipeline start(Path workDir) {
        RtspTestServer rtsp = RtspTestServer.start();
        try {
            return new RealPipeline(rtsp, FakeMediaMtx.start(), workDir);
        } catch (RuntimeException e) {
            rtsp.close();
            throw e;
        }
    }

    /** Starts a live H264 + AAC publisher on the RTSP server. */
    RtspTestServer.Publisher publish(String path) {
        RtspTestServer.Publisher publisher = rtsp.publish(path);
        publishers.add(publisher);
        return publisher;
    }

    /**
     * Starts the recorder jar with the test environment plus {@code overrides} and waits until it
     * says it started.
     */
    RecorderProcess startRecorder(String name, Map<String, String> overrides) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("MEDIAMTX_API_URL", api.apiUrl().toString());
        env.put("MEDIAMTX_RTSP_URL", rtsp.rtspUrl().toString());
        env.put("POLLING_INTERVAL", "1");
        env.put("SEGMENT_DURATION", Long.toString(SEGMENT.toSeconds()));
        env.put("RECORDINGS_DIR", recordingsDir().toString());
        env.put("MIN_FREE_DISK_MB", "0");
        env.putAll(overrides);
        recorder = RecorderProcess.start(name, workDir, env);
        recorder.awaitOutput("Start completed", Duration.ofSeconds(60));
        return recorder;
    }

    RecorderProcess recorder() {
        return recorder;
    }

    Path recordingsDir() {
        return workDir.resolve("recordings");
    }

    String baseUrl() {
        return "http://127.0.0.1:" + recorder.httpPort();
    }

    /** FFmpeg processes the recorder started and that still run. */
    List<ProcessHandle> ffmpegChildren() {
        return ProcessHandle.of(recorder.pid()).map(ProcessHandle::children).orElse(Stream.empty())
                .filter(child -> child.info().command().orElse("").endsWith("ffmpeg"))
                .filter(ProcessHandle::isAlive)
                .toList();
    }

    /** Session folders of a stream, oldest first. */
    List<Path> sessionDirs(String stream) throws IOException {
        Path dir = recordingsDir().resolve(SegmentLayout.safeStreamName(stream));
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir, 2)) {
            return walk.filter(path -> dir.relativize(path).getNameCount() == 2).sorted().toList();
        }
    }

    /** Segment files of one session folder, in recording order. */
    static List<Path> segmentFiles(Path session) throws IOException {
        try (Stream<Path> list = Files.list(session)) {
            return list.filter(path -> path.getFileName().toString().startsWith("segment_")).sorted().toList();
        }
    }

    /** Segments FFmpeg has finished (listed in {@code .segments.csv}), over every session of a stream. */
    long finishedSegments(String stream) throws IOException {
        long count = 0;
        for (Path session : sessionDirs(stream)) {
            Path list = session.resolve(".segments.csv");
            if (Files.exists(list)) {
                count += Files.readAllLines(list, UTF_8).stream().filter(line -> !line.isBlank()).count();
            }
        }
        return count;
    }

    void awaitFinishedSegments(String stream, int count) {
        await(count + " finished segments of " + stream + " (log " + recorder.logFile() + ")")
                .atMost(SEGMENT.multipliedBy(count).plusSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> finishedSegments(stream) >= count);
    }

    HttpResponse<byte[]> get(String pathAndQuery, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + pathAndQuery))
                .timeout(Duration.ofSeconds(30)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> post(String pathAndQuery, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + pathAndQuery))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(UTF_8));
    }

    /** GETs a JSON answer; fails unless the status is {@code expectedStatus}. */
    JsonNode getJson(String pathAndQuery, int expectedStatus) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = get(pathAndQuery);
        String body = new String(response.body(), UTF_8);
        if (response.statusCode() != expectedStatus) {
            throw new AssertionError("GET " + pathAndQuery + " answered " + response.statusCode() + ": " + body);
        }
        return JSON.readTree(body);
    }

    static JsonNode parse(String json) throws IOException {
        return JSON.readTree(json);
    }

    @Override
    public void close() {
        if (recorder != null) {
            recorder.close();
        }
        publishers.forEach(RtspTestServer.Publisher::close);
        api.close();
        rtsp.close();
    }
}
