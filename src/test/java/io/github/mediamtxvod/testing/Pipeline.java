package io.github.mediamtxvod.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mediamtxvod.recording.SegmentLayout;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The whole product as it runs in production, for end-to-end tests: the recorder jar in its own
 * process, a real RTSP server (GStreamer) with live FFmpeg publishers, the MediaMTX API stand-in,
 * and optionally a real S3-compatible server (S3Proxy), all on loopback. Every integration test
 * that runs the jar uses it. The test owns it and closes it; {@link #close()} stops the
 * recorders, the publishers, S3, the API and the RTSP server (unless it was shared), in that order.
 * Not thread-safe: one test drives it.
 */
public final class Pipeline implements AutoCloseable {
    /** SEGMENT_DURATION of the recorders it starts: short, so tests see many segments. */
    public static final Duration SEGMENT = Duration.ofSeconds(2);
    public static final String BUCKET = "vod-it";
    private static final ObjectMapper JSON = new ObjectMapper();

    public final RtspTestServer rtsp;
    public final FakeMediaMtx api;
    private final boolean ownsRtsp;
    private final Path workDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final List<RtspTestServer.Publisher> publishers = new ArrayList<>();
    private final List<RecorderProcess> recorders = new ArrayList<>();
    private final List<RtspReader> readers = new ArrayList<>();
    private S3TestServer s3;

    private Pipeline(RtspTestServer rtsp, boolean ownsRtsp, Path workDir) {
        this.rtsp = rtsp;
        this.ownsRtsp = ownsRtsp;
        this.workDir = workDir;
        this.api = FakeMediaMtx.start();
    }

    /** A pipeline with its own RTSP server. */
    public static Pipeline start(Path workDir) {
        RtspTestServer rtsp = RtspTestServer.start();
        try {
            return new Pipeline(rtsp, true, workDir);
        } catch (RuntimeException e) {
            rtsp.close();
            throw e;
        }
    }

    /** A pipeline on an RTSP server that the test class shares between tests and closes itself. */
    public static Pipeline on(RtspTestServer shared, Path workDir) {
        return new Pipeline(shared, false, workDir);
    }

    /** Starts S3Proxy below the work folder; recorders started afterwards upload to {@link #BUCKET}. */
    public Pipeline withS3() throws Exception {
        s3 = new S3TestServer(workDir.resolve("s3")).start();
        return this;
    }

    /** The S3 server of {@link #withS3()}. */
    public S3TestServer s3() {
        if (s3 == null) {
            throw new IllegalStateException("this pipeline has no S3 server; call withS3()");
        }
        return s3;
    }

    /** Starts a live H264 + AAC publisher on the RTSP server. */
    public RtspTestServer.Publisher publish(String path) {
        RtspTestServer.Publisher publisher = rtsp.publish(path);
        publishers.add(publisher);
        return publisher;
    }

    /** Starts a live publisher of the given shape; with a {@code length} it ends by itself. */
    public RtspTestServer.Publisher publish(String path, RtspTestServer.Shape shape, Duration length) {
        RtspTestServer.Publisher publisher = rtsp.publish(path, shape, length);
        publishers.add(publisher);
        return publisher;
    }

    /**
     * Starts a reader that keeps the path's media pipeline alive on the test server, as MediaMTX
     * keeps a published path whether anyone reads it: the test server rebuilds a path's pipeline
     * when its last reader leaves, which would cost a restarted recorder about 2 s. Stopped with
     * the pipeline.
     */
    public void keepPathReadable(String path) {
        readers.add(RtspReader.start(rtsp.rtspUrl(path), null, null));
    }

    /** A publisher that the MediaMTX stand-in lists as live. */
    public RtspTestServer.Publisher publishLive(String path) {
        RtspTestServer.Publisher publisher = publish(path);
        api.setLive(path, true);
        return publisher;
    }

    /**
     * The recorder's environment: this pipeline's API and RTSP server, 1 s polling, 2 s segments,
     * no free-space guard, S3 when {@link #withS3()} was called; then {@code overrides}.
     */
    public Map<String, String> environment(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>();
        env.put("MEDIAMTX_API_URL", api.apiUrl().toString());
        env.put("MEDIAMTX_RTSP_URL", rtsp.rtspUrl().toString());
        env.put("POLLING_INTERVAL", "1");
        env.put("SEGMENT_DURATION", Long.toString(SEGMENT.toSeconds()));
        env.put("RECORDINGS_DIR", recordingsDir().toString());
        env.put("MIN_FREE_DISK_MB", "0");
        if (s3 != null) {
            env.put("S3_ENDPOINT_URL", s3.endpoint().toString());
            env.put("S3_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY);
            env.put("S3_SECRET_ACCESS_KEY", S3TestServer.SECRET_KEY);
            env.put("S3_BUCKET_NAME", BUCKET);
        }
        env.putAll(overrides);
        return env;
    }

    /** Starts the recorder jar with {@link #environment} and waits until it says it started. */
    public RecorderProcess startRecorder(String name, Map<String, String> overrides) throws IOException {
        RecorderProcess recorder = run(name, overrides);
        recorder.awaitOutput("Recorder - Start completed", Duration.ofSeconds(60));
        return recorder;
    }

    /** Runs the jar with {@link #environment} and {@code args} (a subcommand); closed with the pipeline. */
    public RecorderProcess run(String name, Map<String, String> overrides, String... args) throws IOException {
        RecorderProcess recorder = RecorderProcess.start(name, workDir, environment(overrides), args);
        recorders.add(recorder);
        return recorder;
    }

    /** The recorder started last. */
    public RecorderProcess recorder() {
        if (recorders.isEmpty()) {
            throw new IllegalStateException("no recorder started yet");
        }
        return recorders.getLast();
    }

    /** FFmpeg processes of the recorder started last. */
    public List<ProcessHandle> ffmpegChildren() {
        return ffmpegChildren(recorder());
    }

    /** A GET to the recorder started last. */
    public HttpResponse<byte[]> get(String pathAndQuery, String... headers) throws IOException, InterruptedException {
        return get(recorder(), pathAndQuery, headers);
    }

    /** A POST without body to the recorder started last. */
    public HttpResponse<String> post(String pathAndQuery, String... headers) throws IOException, InterruptedException {
        return post(recorder(), pathAndQuery, headers);
    }

    /** A JSON GET to the recorder started last. */
    public JsonNode getJson(String pathAndQuery, int expectedStatus) throws IOException, InterruptedException {
        return getJson(recorder(), pathAndQuery, expectedStatus);
    }

    public Path workDir() {
        return workDir;
    }

    public Path recordingsDir() {
        return workDir.resolve("recordings");
    }

    /** FFmpeg processes {@code recorder} started and that still run. */
    public static List<ProcessHandle> ffmpegChildren(RecorderProcess recorder) {
        return ProcessHandle.of(recorder.pid()).map(ProcessHandle::children).orElse(Stream.empty())
                .filter(child -> child.info().command().orElse("").endsWith("ffmpeg"))
                .filter(ProcessHandle::isAlive)
                .toList();
    }

    /** Session folders of a stream, oldest first. */
    public List<Path> sessionDirs(String stream) throws IOException {
        Path dir = recordingsDir().resolve(SegmentLayout.safeStreamName(stream));
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir, 2)) {
            // a day folder also holds the day's playlist: only folders are sessions
            return walk.filter(path -> dir.relativize(path).getNameCount() == 2 && Files.isDirectory(path))
                    .sorted().toList();
        }
    }

    /** Segment files of one session folder, in recording order. */
    public static List<Path> segmentFiles(Path session) throws IOException {
        try (Stream<Path> list = Files.list(session)) {
            return list.filter(path -> path.getFileName().toString().startsWith("segment_")).sorted().toList();
        }
    }

    /** Segment files of every session of a stream, in recording order. */
    public List<Path> segmentFiles(String stream) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path session : sessionDirs(stream)) {
            files.addAll(segmentFiles(session));
        }
        return files;
    }

    /** Segments FFmpeg has finished (listed in {@code .segments.csv}), over every session of a stream. */
    public long finishedSegments(String stream) throws IOException {
        long count = 0;
        for (Path session : sessionDirs(stream)) {
            Path list = session.resolve(".segments.csv");
            if (Files.exists(list)) {
                count += Files.readAllLines(list, UTF_8).stream().filter(line -> !line.isBlank()).count();
            }
        }
        return count;
    }

    public void awaitFinishedSegments(String stream, long count) {
        await(count + " finished segments of " + stream)
                .atMost(SEGMENT.multipliedBy(count).plusSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> finishedSegments(stream) >= count);
    }

    /** Every object in {@link #BUCKET}; empty while the bucket does not exist or S3 is stopped. */
    public List<S3Object> objects() {
        try (S3Client client = s3().client()) {
            return client.listObjectsV2Paginator(b -> b.bucket(BUCKET)).contents().stream().toList();
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /** The segment objects in {@link #BUCKET}, without the playlists beside them. */
    public List<S3Object> segmentObjects() {
        return objects().stream().filter(object -> object.key().substring(object.key().lastIndexOf('/') + 1)
                .startsWith("segment_")).toList();
    }

    /** The bytes of an object in {@link #BUCKET}. */
    public byte[] download(String key) {
        try (S3Client client = s3().client()) {
            return client.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray();
        }
    }

    /** Every local segment file of a stream, by the S3 key it must have (without S3_PREFIX). */
    public Map<String, Path> localSegmentsByKey(String stream) throws IOException {
        Map<String, Path> byKey = new TreeMap<>();
        for (Path file : segmentFiles(stream)) {
            byKey.put(recordingsDir().relativize(file).toString().replace('\\', '/'), file);
        }
        return byKey;
    }

    /** When FFmpeg of a session was started, from its {@code .session.json}. */
    public static Instant sessionStartedAt(Path session) throws IOException {
        String json = Files.readString(session.resolve(".session.json"));
        Matcher matcher = Pattern.compile("\"startedAt\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
        if (!matcher.find()) {
            throw new AssertionError("no startedAt in " + json);
        }
        return Instant.parse(matcher.group(1));
    }

    /** {@code http://127.0.0.1:<port>} of a recorder's web server. */
    public static String baseUrl(RecorderProcess recorder) {
        return "http://127.0.0.1:" + recorder.httpPort();
    }

    public HttpResponse<byte[]> get(RecorderProcess recorder, String pathAndQuery, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl(recorder) + pathAndQuery))
                .timeout(Duration.ofSeconds(30)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    public HttpResponse<String> post(RecorderProcess recorder, String pathAndQuery, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl(recorder) + pathAndQuery))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(UTF_8));
    }

    /** GETs a JSON answer; fails unless the status is {@code expectedStatus}. */
    public JsonNode getJson(RecorderProcess recorder, String pathAndQuery, int expectedStatus)
            throws IOException, InterruptedException {
        HttpResponse<byte[]> response = get(recorder, pathAndQuery);
        String body = new String(response.body(), UTF_8);
        if (response.statusCode() != expectedStatus) {
            throw new AssertionError("GET " + pathAndQuery + " answered " + response.statusCode() + ": " + body);
        }
        return JSON.readTree(body);
    }

    public static JsonNode parse(String json) throws IOException {
        return JSON.readTree(json);
    }

    @Override
    public void close() {
        recorders.forEach(RecorderProcess::close);
        readers.forEach(RtspReader::close);
        publishers.forEach(RtspTestServer.Publisher::close);
        http.close();
        if (s3 != null) {
            s3.close();
        }
        api.close();
        if (ownsRtsp) {
            rtsp.close();
        }
    }
}
