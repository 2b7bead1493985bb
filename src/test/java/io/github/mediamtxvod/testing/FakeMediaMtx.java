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
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 * the order MediaMTX writes them. {@code GET /v3/paths/get/{name}} answers one such item, or 404
 * {@code path not found}; like MediaMTX's router (gin, {@code /paths/get/*name}) it matches the
 * decoded URL path, so a name may contain '/' sent as is or as {@code %2F}, and an empty name is
 * a 400 {@code invalid name}. Errors use MediaMTX's {@code {"status":"error","error":...}}
 * body; authentication behaves like MediaMTX's API middleware (challenge when no credentials,
 * optional delay then 401 when wrong ones). Any other URL answers 404 like gin.
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

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Go compares strings byte-wise, i.e. by UTF-8; Java's compareTo differs above U+FFFF. */
    private static final Comparator<String> GO_ORDER =
            (a, b) -> Arrays.compareUnsigned(a.getBytes(UTF_8), b.getBytes(UTF_8));
    private static final String LIST_PATH = "/v3/paths/list";
    private static final String GET_PATH = "/v3/paths/get/";

    private final HttpServer server;
    private final ExecutorService executor;
    private final String prefix;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch closedLatch = new CountDownLatch(1);
    private final AtomicInteger requestCount = new AtomicInteger();
    private final List<URI> requestUris = new CopyOnWriteArrayList<>();

    private final Object lock = new Object();
    // guarded by lock
    private final Map<String, FakePath> paths = new TreeMap<>(GO_ORDER);
    private String rawBody;
    private Failure failure = Failure.NONE;
    private CountDownLatch noAnswerRelease = new CountDownLatch(0);
    private String expectedCredentials;
    private Duration wrongCredentialsDelay = Duration.ZERO;
    private CountDownLatch hold;
    private int held;

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
            throw new IllegalArgumentException(
                    "pathPrefix must be empty or /like/this: " + pathPrefix);
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

    /** For MEDIAMTX_API_URL: {@code http://127.0.0.1:<port><prefix>}, no trailing slash. */
    public URI apiUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + prefix);
    }

    /** A builder for one path; defaults: live, H264, published over RTSP, no readers. */
    public static FakePath.Builder path(String name) {
        return FakePath.builder(name);
    }

    /**
     * Makes a path live (a default live path when new) or not ready (it stays listed, like a
     * path from MediaMTX's configuration; {@link #removePath} drops it).
     */
    public void setLive(String name, boolean live) {
        requireNonNull(name, "name is null");
        synchronized (lock) {
            FakePath existing = paths.get(name);
            FakePath updated = existing == null
                    ? path(name).live(live).build()
                    : existing.withState(live ? FakePath.State.LIVE : FakePath.State.NOT_READY);
            paths.put(name, updated);
        }
    }

    /** Replaces all paths. */
    public void setPaths(FakePath... newPaths) {
        setPaths(Arrays.asList(newPaths));
    }

    /** Replaces all paths. */
    public void setPaths(Collection<FakePath> newPaths) {
        synchronized (lock) {
            paths.clear();
            for (FakePath path : newPaths) {
                paths.put(path.name(), path);
            }
        }
    }

    /** Adds or replaces one path. */
    public void putPath(FakePath path) {
        synchronized (lock) {
            paths.put(path.name(), path);
        }
    }

    /** Drops a path, as MediaMTX does when the publisher of a non-configured path leaves. */
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
            expectedCredentials =
                    user == null ? null : user + ":" + (password == null ? "" : password);
        }
    }

    /** How long wrong credentials wait before their 401; MediaMTX pauses (2 s); default zero. */
    public void setWrongCredentialsDelay(Duration delay) {
        requireNonNull(delay, "delay is null");
        synchronized (lock) {
            wrongCredentialsDelay = delay;
        }
    }

    /**
     * Holds every request that arrives from now on, before it is answered, until {@link
     * #release()}; then each is answered as the paths are at that moment. For tests of requests in
     * flight.
     */
    public void hold() {
        synchronized (lock) {
            if (hold == null) {
                hold = new CountDownLatch(1);
            }
        }
    }

    /** Answers the requests held by {@link #hold()} and stops holding. */
    public void release() {
        synchronized (lock) {
            if (hold != null) {
                hold.countDown();
                hold = null;
            }
        }
    }

    /** Requests waiting in {@link #hold()} right now. */
    public int heldRequests() {
        synchronized (lock) {
            return held;
        }
    }

    /** Requests for one path ({@code GET /v3/paths/get/...}) received so far. */
    public long pathRequestCount() {
        return requestUris.stream().filter(uri -> uri.getRawPath().startsWith(prefix + GET_PATH)).count();
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
            if (hold != null) {
                hold.countDown();
            }
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
        awaitRelease();
        Failure mode;
        CountDownLatch release;
        String expected;
        Duration delay;
        String raw;
        List<FakePath> snapshot;
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
        String decoded = exchange.getRequestURI().getPath();
        boolean get = exchange.getRequestMethod().equals("GET");
        if (get && decoded.startsWith(prefix + GET_PATH)) {
            sendPath(exchange, mode, decoded.substring(prefix.length() + GET_PATH.length()), snapshot);
            return;
        }
        if (!get || !path.equals(prefix + LIST_PATH)) {
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

    private void awaitRelease() throws InterruptedException {
        CountDownLatch gate;
        synchronized (lock) {
            gate = hold;
            if (gate == null) {
                return;
            }
            held++;
        }
        try {
            gate.await(10, TimeUnit.MINUTES);
        } finally {
            synchronized (lock) {
                held--;
            }
        }
    }

    /** {@code GET /v3/paths/get/{name}}: MediaMTX's onPathsGet. */
    private static void sendPath(HttpExchange exchange, Failure mode, String name, List<FakePath> all)
            throws IOException {
        if (name.isEmpty()) {
            sendError(exchange, 400, "invalid name"); // paramName: fewer than 2 characters after the '*'
            return;
        }
        switch (mode) {
            case HTTP_500 -> sendError(exchange, 500, "terminated");
            case INVALID_JSON -> send(exchange, 200, "application/json; charset=utf-8",
                    "{\"name\":\"" + name.replace("\"", "") + "\",\"ready\":tru");
            case NONE, UNAUTHORIZED, NO_ANSWER, CONNECTION_CLOSED -> {
                FakePath found = all.stream().filter(path -> path.name().equals(name)).findFirst().orElse(null);
                if (found == null) {
                    sendError(exchange, 404, "path not found");
                } else {
                    send(exchange, 200, "application/json; charset=utf-8", JSON.writeValueAsString(found.toJson()));
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

    private void sendList(HttpExchange exchange, List<FakePath> all) throws IOException {
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
        for (FakePath path : all.subList(from, to)) {
            items.add(path.toJson());
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

    @Override
    public String toString() {
        return "FakeMediaMtx[" + apiUrl() + "]";
    }
}
