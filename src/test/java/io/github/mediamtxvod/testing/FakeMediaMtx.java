package io.github.mediamtxvod.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for MediaMTX's Control API, the one fake the tests may use in place of a real
 * component. It serves {@code GET /v3/paths/list} on 127.0.0.1 (a free port) the way MediaMTX
 * v1.20.1 does: paths sorted by name, {@code page}/{@code itemsPerPage} validated and applied,
 * {@code itemCount}/{@code pageCount} computed as MediaMTX computes them, and every item carrying
 * exactly the properties of the OpenAPI {@code Path} schema, the deprecated ones included, in
 * the order MediaMTX writes them. Errors use MediaMTX's {@code {"status":"error","error":...}}
 * body; authentication behaves like MediaMTX's API middleware (challenge when no credentials,
 * optional delay then 401 when wrong ones). Any other URL answers 404.
 *
 * <p>Thread-safe: tests change paths, failures and credentials while clients poll. Each request
 * runs on its own virtual thread. The test that calls {@link #start()} calls {@link #close()}.
 */
public final class FakeMediaMtx implements AutoCloseable {

    /** How the next requests fail, until changed. */
    public enum Failure {
        /** Answer normally. */
        NONE,
        /** HTTP 500 with MediaMTX's error body. */
        HTTP_500,
        /** HTTP 200 with a cut-off JSON body. */
        INVALID_JSON,
        /** HTTP 401 with a challenge, whatever the credentials. */
        UNAUTHORIZED,
        /** Accept the connection, read the request, never answer until the mode changes. */
        NO_ANSWER,
        /** Accept the connection and close it without an answer. */
        CONNECTION_CLOSED
    }

    /** Where a path stands. */
    public enum PathState {
        /** A publisher is connected: available, online. */
        LIVE,
        /** A configured path nobody publishes to: not available, no source. */
        NOT_READY,
        /** alwaysAvailable filler: available but not online, no source. */
        FILLER
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Go compares strings byte-wise, i.e. by UTF-8; Java's compareTo differs above U+FFFF. */
    private static final Comparator<String> GO_ORDER =
            (a, b) -> Arrays.compareUnsigned(a.getBytes(UTF_8), b.getBytes(UTF_8));
    private static final String LIST_PATH = "/v3/paths/list";

    private final HttpServer server;
    private final ExecutorService executor;
    private final String prefix;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch closedLatch = new CountDownLatch(1);
    private final AtomicInteger requestCount = new AtomicInteger();
    private final List<URI> requestUris = new CopyOnWriteArrayList<>();

    private final Object lock = new Object();
    // guarded by lock
    private final Map<String, PathSpec> paths = new TreeMap<>(GO_ORDER);
    private String rawBody;
    private Failure failure = Failure.NONE;
    private CountDownLatch noAnswerRelease = new CountDownLatch(0);
    private String expectedCredentials;
    private Duration wrongCredentialsDelay = Duration.ZERO;

    private FakeMediaMtx(HttpServer server, ExecutorService executor, String prefix) {
        this.server = server;
        this.executor = executor;
        this.prefix = prefix;
    }

    /** Starts a fake serving {@code /v3/...} at the root. */
    public static FakeMediaMtx start() {
        return start("");
    }

    /**
     * Starts a fake serving {@code <pathPrefix>/v3/...}, as MediaMTX behind a reverse proxy.
     *
     * @param pathPrefix empty, or starting with {@code /} and not ending with one
     */
    public static FakeMediaMtx start(String pathPrefix) {
        requireNonNull(pathPrefix, "pathPrefix is null");
        if (!pathPrefix.isEmpty() && (!pathPrefix.startsWith("/") || pathPrefix.endsWith("/"))) {
            throw new IllegalArgumentException("pathPrefix must be empty or /like/this: " + pathPrefix);
        }
        try {
            InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
            HttpServer server = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
            ExecutorService executor = Executors.newThreadPerTaskExecutor(
                    Thread.ofVirtual().name("fake-mediamtx-", 0).factory());
            server.setExecutor(executor);
            FakeMediaMtx fake = new FakeMediaMtx(server, executor, pathPrefix);
            server.createContext("/", fake::handle);
            server.start();
            return fake;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start FakeMediaMtx", e);
        }
    }

    /** The value for MEDIAMTX_API_URL: {@code http://127.0.0.1:<port><prefix>}, no trailing slash. */
    public URI apiUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + prefix);
    }

    /** A builder for one path; defaults: live, H264, published over RTSP, no readers. */
    public static PathBuilder path(String name) {
        return new PathBuilder(name);
    }

    /**
     * Makes a path live (a default live path when new) or not ready (it stays listed, like a
     * path from MediaMTX's configuration; {@link #removePath} drops it).
     */
    public void setLive(String name, boolean live) {
        requireNonNull(name, "name is null");
        synchronized (lock) {
            PathSpec existing = paths.get(name);
            PathSpec updated = existing == null
                    ? path(name).live(live).build()
                    : existing.withState(live ? PathState.LIVE : PathState.NOT_READY);
            paths.put(name, updated);
        }
    }

    /** Replaces all paths. */
    public void setPaths(PathSpec... specs) {
        setPaths(Arrays.asList(specs));
    }

    /** Replaces all paths. */
    public void setPaths(Collection<PathSpec> specs) {
        synchronized (lock) {
            paths.clear();
            for (PathSpec spec : specs) {
                paths.put(spec.name(), spec);
            }
        }
    }

    /** Adds or replaces one path. */
    public void putPath(PathSpec spec) {
        synchronized (lock) {
            paths.put(spec.name(), spec);
        }
    }

    /** Drops a path from the list, as MediaMTX does when a publisher of a non-configured path leaves. */
    public void removePath(String name) {
        synchronized (lock) {
            paths.remove(name);
        }
    }

    /**
     * Answers every list request with exactly this body (HTTP 200, JSON content type), ignoring
     * the paths and pagination; null goes back to the paths. For fixtures and hostile bodies.
     */
    public void serveRawBody(String body) {
        synchronized (lock) {
            rawBody = body;
        }
    }

    /** Switches how requests fail from now on; {@link Failure#NONE} answers normally again. */
    public void failWith(Failure mode) {
        requireNonNull(mode, "mode is null");
        synchronized (lock) {
            noAnswerRelease.countDown(); // requests held by NO_ANSWER give up now
            noAnswerRelease = new CountDownLatch(1);
            failure = mode;
        }
    }

    /** Requires these basic-auth credentials on every request; a null user requires none. */
    public void requireCredentials(String user, String password) {
        synchronized (lock) {
            expectedCredentials = user == null ? null : user + ":" + (password == null ? "" : password);
        }
    }

    /** How long wrong credentials wait before their 401; MediaMTX pauses (2 s); default zero. */
    public void setWrongCredentialsDelay(Duration delay) {
        requireNonNull(delay, "delay is null");
        synchronized (lock) {
            wrongCredentialsDelay = delay;
        }
    }

    /** Requests received so far, any URL, any outcome. */
    public int requestCount() {
        return requestCount.get();
    }

    /** The request URIs (path and query) received so far, in order. */
    public List<URI> requestUris() {
        return List.copyOf(requestUris);
    }

    /** Stops the server and lets held requests go. Idempotent. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        closedLatch.countDown();
        synchronized (lock) {
            noAnswerRelease.countDown();
        }
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requestCount.incrementAndGet();
        requestUris.add(exchange.getRequestURI());
        try {
            respond(exchange);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            exchange.close();
        }
    }

    private void respond(HttpExchange exchange) throws IOException, InterruptedException {
        Failure mode;
        CountDownLatch release;
        String expected;
        Duration delay;
        String raw;
        List<PathSpec> snapshot;
        synchronized (lock) {
            mode = failure;
            release = noAnswerRelease;
            expected = expectedCredentials;
            delay = wrongCredentialsDelay;
            raw = rawBody;
            snapshot = List.copyOf(paths.values());
        }
        switch (mode) {
            case NO_ANSWER -> {
                release.await(10, TimeUnit.MINUTES);
                return; // closing the exchange without headers drops the connection
            }
            case CONNECTION_CLOSED -> {
                return;
            }
            case UNAUTHORIZED -> {
                sendChallenge(exchange);
                return;
            }
            case NONE, HTTP_500, INVALID_JSON -> {
                // answered below, after authentication and routing
            }
        }
        if (expected != null && !authenticated(exchange, expected, delay)) {
            return;
        }
        String path = exchange.getRequestURI().getRawPath();
        if (!exchange.getRequestMethod().equals("GET") || !path.equals(prefix + LIST_PATH)) {
            send(exchange, 404, "text/plain", "404 page not found");
            return;
        }
        switch (mode) {
            case HTTP_500 -> sendError(exchange, 500, "terminated");
            case INVALID_JSON -> send(exchange, 200, "application/json; charset=utf-8",
                    "{\"itemCount\":1,\"pageCount\":1,\"items\":[{\"name\":\"cam1\",\"ready\":tru");
            case NONE, UNAUTHORIZED, NO_ANSWER, CONNECTION_CLOSED -> {
                if (raw != null) {
                    send(exchange, 200, "application/json; charset=utf-8", raw);
                } else {
                    sendList(exchange, snapshot);
                }
            }
        }
    }

    /** Like MediaMTX: no credentials → challenge at once; wrong ones → pause, then 401. */
    private boolean authenticated(HttpExchange exchange, String expected, Duration delay)
            throws IOException, InterruptedException {
        String given = basicCredentials(exchange.getRequestHeaders().getFirst("Authorization"));
        if (given == null || given.equals(":")) {
            sendChallenge(exchange);
            return false;
        }
        if (given.equals(expected)) {
            return true;
        }
        closedLatch.await(delay.toNanos(), TimeUnit.NANOSECONDS);
        sendError(exchange, 401, "authentication error");
        return false;
    }

    private static String basicCredentials(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            return new String(Base64.getDecoder().decode(header.substring(6).trim()), UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private void sendList(HttpExchange exchange, List<PathSpec> all) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        long itemsPerPage = 100;
        long page = 0;
        try {
            // MediaMTX: strconv.ParseUint(value, 10, 31), itemsPerPage 0 refused, "" = default
            if (!query.getOrDefault("itemsPerPage", "").isEmpty()) {
                itemsPerPage = parseUint31(query.get("itemsPerPage"));
                if (itemsPerPage == 0) {
                    throw new IllegalArgumentException("invalid items per page");
                }
            }
            if (!query.getOrDefault("page", "").isEmpty()) {
                page = parseUint31(query.get("page"));
            }
        } catch (IllegalArgumentException e) {
            sendError(exchange, 400, e.getMessage());
            return;
        }
        int count = all.size();
        long pageCount = count == 0 ? 0 : (count + itemsPerPage - 1) / itemsPerPage;
        int from = (int) Math.min(page * itemsPerPage, count);
        int to = (int) Math.min((page + 1) * itemsPerPage, count);
        ObjectNode root = JSON.createObjectNode();
        root.put("itemCount", count);
        root.put("pageCount", pageCount);
        ArrayNode items = root.putArray("items");
        for (PathSpec spec : all.subList(from, to)) {
            items.add(spec.toJson());
        }
        send(exchange, 200, "application/json; charset=utf-8", JSON.writeValueAsString(root));
    }

    private static long parseUint31(String value) {
        if (!value.matches("[0-9]+")) {
            throw new IllegalArgumentException(
                    "strconv.ParseUint: parsing \"" + value + "\": invalid syntax");
        }
        if (value.length() > 10 || Long.parseLong(value) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "strconv.ParseUint: parsing \"" + value + "\": value out of range");
        }
        return Long.parseLong(value);
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> values = new LinkedHashMap<>();
        if (rawQuery == null) {
            return values;
        }
        for (String pair : rawQuery.split("[&;]")) {
            int equals = pair.indexOf('=');
            String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), UTF_8);
            values.putIfAbsent(key, value); // gin's ctx.Query takes the first value
        }
        return values;
    }

    private static void sendChallenge(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"mediamtx\"");
        sendError(exchange, 401, "authentication error");
    }

    private static void sendError(HttpExchange exchange, int status, String error)
            throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("status", "error");
        body.put("error", error);
        send(exchange, status, "application/json; charset=utf-8", JSON.writeValueAsString(body));
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body)
            throws IOException {
        byte[] bytes = body.getBytes(UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /**
     * One path as the fake lists it. Build with {@link FakeMediaMtx#path(String)}.
     *
     * @param oldServer answer like MediaMTX before v1.16: no {@code available}, {@code
     *     availableTime}, {@code online}, {@code onlineTime}
     * @param withoutTracks2 leave out {@code tracks2}, so that only the deprecated {@code tracks}
     *     says the codecs
     * @param extraFields properties appended to the item (unknown-field tests), or replacing a
     *     standard one with a value of any type (hostile-answer tests)
     */
    public record PathSpec(
            String name,
            String confName,
            PathState state,
            List<String> codecs,
            String sourceType,
            Instant since,
            List<String> readerTypes,
            boolean oldServer,
            boolean withoutTracks2,
            Map<String, Object> extraFields) {

        public PathSpec {
            requireNonNull(name, "name is null");
            requireNonNull(confName, "confName is null");
            requireNonNull(state, "state is null");
            codecs = List.copyOf(codecs);
            requireNonNull(sourceType, "sourceType is null");
            requireNonNull(since, "since is null");
            readerTypes = List.copyOf(readerTypes);
            // unmodifiable but ordered and null-friendly: a JSON null is a fair extra value
            extraFields = Collections.unmodifiableMap(new LinkedHashMap<>(extraFields));
        }

        PathSpec withState(PathState newState) {
            return new PathSpec(name, confName, newState, codecs, sourceType, since, readerTypes,
                    oldServer, withoutTracks2, extraFields);
        }

        /** The item exactly as MediaMTX v1.20.1 writes it (Go field order of APIPath). */
        ObjectNode toJson() {
            boolean available = state != PathState.NOT_READY;
            boolean online = state == PathState.LIVE;
            String time = available ? goTime(since) : null;
            long inbound = online ? 1_000_000L + Math.floorMod(name.hashCode(), 1_000_000) : 0;
            long outbound = online ? inbound * readerTypes.size() : 0;
            ObjectNode item = JSON.createObjectNode();
            item.put("name", name);
            item.put("confName", confName);
            item.put("ready", available);
            item.put("readyTime", time);
            if (!oldServer) {
                item.put("available", available);
                item.put("availableTime", time);
                item.put("online", online);
                item.put("onlineTime", online ? goTime(since) : null);
            }
            if (online) {
                ObjectNode source = item.putObject("source");
                source.put("type", sourceType);
                source.put("id", uuid(name + "/source"));
            } else {
                item.putNull("source");
            }
            ArrayNode tracks = item.putArray("tracks");
            ArrayNode tracks2 = JSON.createArrayNode();
            if (available) {
                for (String codec : codecs) {
                    tracks.add(codec);
                    ObjectNode track = tracks2.addObject();
                    track.put("codec", codec);
                    track.set("codecProps", codecProps(codec));
                }
            }
            if (!withoutTracks2) {
                item.set("tracks2", tracks2);
            }
            ArrayNode readers = item.putArray("readers");
            if (online) {
                for (int i = 0; i < readerTypes.size(); i++) {
                    ObjectNode reader = readers.addObject();
                    reader.put("type", readerTypes.get(i));
                    reader.put("id", uuid(name + "/reader/" + i));
                }
            }
            item.put("inboundBytes", inbound);
            item.put("outboundBytes", outbound);
            item.put("inboundFramesInError", 0);
            item.put("bytesReceived", inbound);
            item.put("bytesSent", outbound);
            extraFields.forEach((key, value) -> item.set(key, JSON.valueToTree(value)));
            return item;
        }

        /** The {@code PathTrackCodecProps*} schema of the codec; null for codecs without one. */
        private static ObjectNode codecProps(String codec) {
            ObjectNode props = JSON.createObjectNode();
            switch (codec) {
                case "H264", "H265" -> {
                    props.put("width", 1920);
                    props.put("height", 1080);
                    props.put("profile", codec.equals("H264") ? "High" : "Main");
                    props.put("level", "4.1");
                }
                case "AV1" -> {
                    props.put("width", 1920);
                    props.put("height", 1080);
                    props.put("profile", 0);
                    props.put("level", 8);
                    props.put("tier", 0);
                }
                case "VP9" -> props.put("profile", 0);
                case "Opus" -> props.put("channelCount", 2);
                case "MPEG-4 Audio", "AC3" -> {
                    props.put("sampleRate", 48000);
                    props.put("channelCount", 2);
                }
                case "G711" -> {
                    props.put("channelCount", 1);
                    props.put("muLaw", true);
                    props.put("sampleRate", 8000);
                }
                case "LPCM" -> {
                    props.put("bitDepth", 16);
                    props.put("channelCount", 2);
                    props.put("sampleRate", 48000);
                }
                default -> {
                    return null;
                }
            }
            return props;
        }

        /** Go's RFC 3339 with nanoseconds: fraction without trailing zeros, UTC as Z. */
        private static String goTime(Instant instant) {
            String text = DateTimeFormatter.ISO_INSTANT.format(instant);
            return text.contains(".") ? text.replaceAll("\\.?0*Z$", "Z") : text;
        }

        private static String uuid(String seed) {
            return UUID.nameUUIDFromBytes(seed.getBytes(UTF_8)).toString();
        }
    }

    /** Builds a {@link PathSpec}. Not thread-safe; build, then hand the spec over. */
    public static final class PathBuilder {
        private final String name;
        private String confName;
        private PathState state = PathState.LIVE;
        private List<String> codecs = List.of("H264");
        private String sourceType = "rtspSession";
        private Instant since = Instant.now().truncatedTo(ChronoUnit.MICROS);
        private List<String> readerTypes = List.of();
        private boolean oldServer;
        private boolean withoutTracks2;
        private final Map<String, Object> extraFields = new LinkedHashMap<>();

        private PathBuilder(String name) {
            this.name = requireNonNull(name, "name is null");
        }

        /** Live (a publisher) or a configured path without one. */
        public PathBuilder live(boolean live) {
            state = live ? PathState.LIVE : PathState.NOT_READY;
            return this;
        }

        /** Available from alwaysAvailable's filler while nobody publishes: available, not online. */
        public PathBuilder alwaysAvailableFiller() {
            state = PathState.FILLER;
            return this;
        }

        /** Track codecs as MediaMTX names them ({@code PathTrackCodec}): H264, MPEG-4 Audio... */
        public PathBuilder codecs(String... codecNames) {
            codecs = List.of(codecNames);
            return this;
        }

        /** {@code PathSourceType} of the publisher, e.g. rtmpConn; default rtspSession. */
        public PathBuilder sourceType(String type) {
            sourceType = requireNonNull(type, "type is null");
            return this;
        }

        /** The configuration entry; default all_others when live, else the name. */
        public PathBuilder confName(String value) {
            confName = requireNonNull(value, "value is null");
            return this;
        }

        /** When the stream became available. */
        public PathBuilder since(Instant instant) {
            since = requireNonNull(instant, "instant is null");
            return this;
        }

        /** Readers by {@code PathReaderType}, e.g. rtspSession, hlsSession. */
        public PathBuilder readers(String... types) {
            readerTypes = List.of(types);
            return this;
        }

        /** Answer like MediaMTX before v1.16: only ready/readyTime, no available/online. */
        public PathBuilder oldServer() {
            oldServer = true;
            return this;
        }

        /** Leave out tracks2, so that only the deprecated tracks list names the codecs. */
        public PathBuilder withoutTracks2() {
            withoutTracks2 = true;
            return this;
        }

        /**
         * Adds a property no schema knows, or overrides a standard one, with any value Jackson
         * can serialise (null included).
         */
        public PathBuilder extraField(String key, Object value) {
            extraFields.put(requireNonNull(key, "key is null"), value);
            return this;
        }

        public PathSpec build() {
            String conf = confName != null
                    ? confName
                    : state == PathState.LIVE ? "all_others" : name;
            return new PathSpec(name, conf, state, codecs, sourceType, since, readerTypes,
                    oldServer, withoutTracks2, new LinkedHashMap<>(extraFields));
        }
    }

    @Override
    public String toString() {
        return "FakeMediaMtx[" + apiUrl() + "]";
    }
}
