package io.github.mediamtxvod.web;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.testing.TestConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RecordingsFilesTest {
    private static final String SESSION = "cam1/2024-05-01/20240501_100000";
    private static final String MARKER = "TOP-SECRET-OUTSIDE";

    @TempDir
    Path base;

    private TestServer test;
    private byte[] segment;

    @BeforeEach
    void setUp() throws IOException {
        Path recordings = Files.createDirectories(base.resolve("recordings"));
        Files.writeString(base.resolve("secret.txt"), MARKER);
        Path session = Files.createDirectories(recordings.resolve(SESSION));
        segment = new byte[1000];
        for (int i = 0; i < segment.length; i++) {
            segment[i] = (byte) (i * 7);
        }
        Files.write(session.resolve("segment_000.mp4"), segment);
        Files.write(session.resolve("segment_001.mp4"), Arrays.copyOf(segment, 10));
        Files.writeString(session.resolve("clip.mkv"), "mkv");
        Files.writeString(session.resolve("clip.ts"), "ts");
        Files.writeString(session.resolve(".session.json"), "{\"stream\":\"cam1\"}");
        Files.writeString(session.resolve(".segments.csv"), "segment_000.mp4,0,2\n");
        Files.createDirectories(recordings.resolve("zeta"));
        Files.createDirectories(recordings.resolve("alpha"));
        Files.createDirectories(recordings.resolve(".vod-recorder"));
        Files.writeString(recordings.resolve(".vod-recorder/notes.txt"), MARKER);
        Files.writeString(recordings.resolve("b-file.txt"), "b");
        Files.writeString(recordings.resolve("Tom & Jerry's (1).txt"), "cartoon");
        Files.writeString(recordings.resolve("<script>.txt"), "never listed");
        Files.createSymbolicLink(recordings.resolve("escape"), base);
        Files.createSymbolicLink(recordings.resolve("escape-file.mp4"), base.resolve("secret.txt"));
        Files.createSymbolicLink(recordings.resolve("inside-link"), recordings.resolve("cam1"));
        test = TestServer.start(recordings, TestConfig.open());
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void listingShowsFoldersFirstThenFilesSortedAndHidesDotFilesAndEscapingLinks() {
        HttpResponse<String> response = test.get("/recordings/");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        String html = response.body();
        assertThat(html).contains("<title>Index of /recordings/</title>");
        assertThat(html.indexOf(">alpha/<")).isPositive()
                .isLessThan(html.indexOf(">cam1/<"));
        assertThat(html.indexOf(">cam1/<")).isLessThan(html.indexOf(">inside-link/<"));
        assertThat(html.indexOf(">inside-link/<")).isLessThan(html.indexOf(">zeta/<"));
        assertThat(html.indexOf(">zeta/<")).isLessThan(html.indexOf(">Tom &amp; Jerry"));
        assertThat(html.indexOf(">Tom &amp; Jerry")).isLessThan(html.indexOf(">b-file.txt<"));
        assertThat(html).doesNotContain(".vod-recorder", "escape", "<script>", "secret");
        assertThat(html).doesNotContain("../");
    }

    @Test
    void listingPagesCarryTheHeaderOfTheUiWithItsVersionAndIcon() {
        String html = test.get("/recordings/").body();

        assertThat(html).contains("<span id=\"version\" class=\"muted\">v" + WebServer.version() + "</span>",
                "<link rel=\"icon\" href=\"/assets/favicon.svg\"", "<a href=\"/#/timeline\">Timeline</a>");
        assertThat(html).doesNotContain("max-width");
    }

    @Test
    void listingEscapesNamesAndLinksWork() {
        String html = test.get("/recordings/").body();

        assertThat(html).contains(
                "<a href=\"Tom%20%26%20Jerry%27s%20%281%29.txt\">Tom &amp; Jerry&#39;s (1).txt</a>");
        HttpResponse<String> file = test.get("/recordings/Tom%20%26%20Jerry%27s%20%281%29.txt");
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.body()).isEqualTo("cartoon");
    }

    @Test
    void sessionListingShowsSizesDatesAndParentButNoDotFiles() {
        String html = test.get("/recordings/" + SESSION + "/").body();

        assertThat(html).contains("<a href=\"../\">../</a>");
        assertThat(html).containsPattern(
                "<a href=\"segment_000.mp4\">segment_000.mp4</a></td><td>\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d</td>"
                        + "<td class=\"num\">1000</td>");
        assertThat(html).doesNotContain(".session.json", ".segments.csv");
    }

    @Test
    void folderWithoutTrailingSlashRedirects() {
        HttpResponse<String> response = test.get("/recordings/cam1");

        assertThat(response.statusCode()).isEqualTo(301);
        assertThat(response.headers().firstValue("Location").orElseThrow()).endsWith("/recordings/cam1/");
        assertThat(test.get("/recordings").headers().firstValue("Location").orElseThrow()).endsWith("/recordings/");
    }

    @Test
    void wholeFileHasLengthValidatorsAndAcceptRanges() {
        HttpResponse<byte[]> response = test.getBytes("/recordings/" + SESSION + "/segment_000.mp4");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(segment);
        assertThat(response.headers().firstValue("Accept-Ranges")).hasValue("bytes");
        assertThat(response.headers().firstValue("Content-Length")).hasValue("1000");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("video/mp4");
        assertThat(response.headers().firstValue("ETag")).isPresent();
        assertThat(response.headers().firstValue("Last-Modified")).isPresent();
    }

    @Test
    void closedRangeGivesPartialContent() {
        HttpResponse<byte[]> response = test.getBytes("/recordings/" + SESSION + "/segment_000.mp4", "Range", "bytes=10-19");

        assertThat(response.statusCode()).isEqualTo(206);
        assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes 10-19/1000");
        assertThat(response.headers().firstValue("Content-Length")).hasValue("10");
        assertThat(response.body()).isEqualTo(Arrays.copyOfRange(segment, 10, 20));
    }

    @Test
    void openEndedRangeRunsToTheEnd() {
        HttpResponse<byte[]> response = test.getBytes("/recordings/" + SESSION + "/segment_000.mp4", "Range", "bytes=990-");

        assertThat(response.statusCode()).isEqualTo(206);
        assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes 990-999/1000");
        assertThat(response.body()).isEqualTo(Arrays.copyOfRange(segment, 990, 1000));
    }

    @Test
    void suffixRangeGivesTheLastBytes() {
        HttpResponse<byte[]> response = test.getBytes("/recordings/" + SESSION + "/segment_000.mp4", "Range", "bytes=-5");

        assertThat(response.statusCode()).isEqualTo(206);
        assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes 995-999/1000");
        assertThat(response.body()).isEqualTo(Arrays.copyOfRange(segment, 995, 1000));
    }

    @Test
    void rangeBeyondTheEndIsUnsatisfiable() {
        HttpResponse<String> response = test.get("/recordings/" + SESSION + "/segment_000.mp4", "Range", "bytes=1000-");

        assertThat(response.statusCode()).isEqualTo(416);
        assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes */1000");
        assertThat(response.body()).contains("\"status\":416");
    }

    @Test
    void invalidOrMultipleRangesAndStaleIfRangeGiveTheWholeFile() {
        String file = "/recordings/" + SESSION + "/segment_000.mp4";
        assertThat(test.getBytes(file, "Range", "bytes=5-2").statusCode()).isEqualTo(200);
        assertThat(test.getBytes(file, "Range", "bytes=0-1,5-6").statusCode()).isEqualTo(200);
        assertThat(test.getBytes(file, "Range", "items=0-1").statusCode()).isEqualTo(200);
        HttpResponse<byte[]> stale = test.getBytes(file, "Range", "bytes=0-1", "If-Range", "\"old\"");
        assertThat(stale.statusCode()).isEqualTo(200);
        assertThat(stale.body()).hasSize(1000);
        String etag = test.getBytes(file).headers().firstValue("ETag").orElseThrow();
        assertThat(test.getBytes(file, "Range", "bytes=0-1", "If-Range", etag).statusCode()).isEqualTo(206);
        assertThat(test.getBytes(file, "If-None-Match", etag).statusCode()).isEqualTo(304);
    }

    @Test
    void contentTypesFollowTheContainer() {
        assertThat(test.get("/recordings/" + SESSION + "/clip.mkv").headers().firstValue("Content-Type"))
                .hasValue("video/x-matroska");
        assertThat(test.get("/recordings/" + SESSION + "/clip.ts").headers().firstValue("Content-Type"))
                .hasValue("video/mp2t");
        assertThat(test.get("/recordings/b-file.txt").headers().firstValue("Content-Type"))
                .hasValue("text/plain; charset=utf-8");
    }

    @Test
    void headGivesTheHeadersWithoutBody() {
        HttpResponse<String> response = test.method("HEAD", "/recordings/" + SESSION + "/segment_000.mp4");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Length")).hasValue("1000");
        assertThat(response.body()).isEmpty();
    }

    @Test
    void dotFilesAndFoldersAreNotServed() {
        assertThat(test.get("/recordings/" + SESSION + "/.session.json").statusCode()).isEqualTo(404);
        assertThat(test.get("/recordings/" + SESSION + "/.segments.csv").statusCode()).isEqualTo(404);
        assertThat(test.get("/recordings/.vod-recorder/").statusCode()).isEqualTo(404);
        assertThat(test.get("/recordings/.vod-recorder/notes.txt").body()).doesNotContain(MARKER);
        assertThat(test.get("/recordings/.vod-recorder/catalog.db").statusCode()).isEqualTo(404);
    }

    @Test
    void otherMethodsAreNotAllowed() {
        HttpResponse<String> response = test.post("/recordings/b-file.txt");

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertThat(response.body()).contains("\"status\":405");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/recordings/../secret.txt",
        "/recordings/%2e%2e/secret.txt",
        "/recordings/%2E%2E/secret.txt",
        "/recordings/.%2e/secret.txt",
        "/recordings/%252e%252e/secret.txt",
        "/recordings/%252e%252e%252fsecret.txt",
        "/recordings/..%2fsecret.txt",
        "/recordings/..%2Fsecret.txt",
        "/recordings/..\\secret.txt",
        "/recordings/..%5csecret.txt",
        "/recordings/..%5Csecret.txt",
        "/recordings/cam1/../../secret.txt",
        "/recordings/cam1/%2e%2e/%2e%2e/secret.txt",
        "/recordings/cam1/..;/..;/secret.txt",
        "/recordings/....//secret.txt",
        "/recordings//etc/passwd",
        "/recordings/%2fetc%2fpasswd",
        "/recordings/../../../../../../etc/passwd",
        "/recordings/secret.txt%00.mp4",
        "/recordings/..%00/secret.txt",
        "/recordings/%c0%ae%c0%ae/secret.txt",
        "/recordings/%ef%bc%8e%ef%bc%8e/secret.txt",
        "/recordings/..%c0%afsecret.txt",
        "/recordings/%u002e%u002e/secret.txt",
        "/recordings/C:%5cWindows%5cwin.ini",
        "/recordings/escape/secret.txt",
        "/recordings/escape/",
        "/recordings/escape-file.mp4",
        "http://127.0.0.1/recordings/../secret.txt",
    })
    void traversalAttemptIsRefused(String target) {
        TestServer.RawResponse response = test.raw(target);

        assertThat(response.status()).as(response.text()).isIn(400, 404);
        assertThat(response.text()).doesNotContain(MARKER).doesNotContain("root:x:0:0");
    }

    @Test
    void traversalThroughTheJdkClientIsRefusedToo() {
        for (String path : new String[] {"/recordings/%2e%2e/secret.txt", "/recordings/escape/secret.txt",
            "/recordings/%252e%252e/secret.txt", "/recordings/cam1/%2E%2E/%2E%2E/secret.txt"}) {
            HttpResponse<String> response = test.get(path);
            assertThat(response.statusCode()).as(path).isIn(400, 404);
            assertThat(response.body()).doesNotContain(MARKER);
        }
    }

    @Test
    void symbolicLinkInsideTheFolderIsFollowed() {
        HttpResponse<String> response = test.get("/recordings/inside-link/");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains(">2024-05-01/<");
    }

    @Test
    void segmentWhoseLocalFileIsGoneIsRelayedFromItsPresignedUrl() {
        String gone = SESSION + "/segment_009.mp4";
        test.view.deleteLocally(test.view.add(catalogued(gone, 9)));
        // the "bucket" here is this very server serving another file; the relay only sees a URL
        test.view.presigned.put(gone, test.uri("/recordings/" + SESSION + "/segment_000.mp4"));

        HttpResponse<byte[]> whole = test.getBytes("/recordings/" + gone);
        HttpResponse<byte[]> part = test.getBytes("/recordings/" + gone, "Range", "bytes=100-109");

        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(segment);
        assertThat(whole.headers().firstValue("Content-Type")).hasValue("video/mp4");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 100-109/1000");
        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(segment, 100, 110));
    }

    @Test
    void segmentMissingEverywhereIsNotFound() {
        String gone = SESSION + "/segment_008.mp4";
        test.view.deleteLocally(test.view.add(catalogued(gone, 8)));
        test.view.presigned.put(gone, URI.create(test.uri("/recordings/" + SESSION + "/segment_404.mp4").toString()));

        HttpResponse<String> response = test.get("/recordings/" + gone);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("{\"error\":\"not found\",\"status\":404}");
        assertThat(test.get("/recordings/" + SESSION + "/segment_007.mp4").statusCode()).isEqualTo(404);
        assertThat(new String(test.getBytes("/recordings/nothing/").body(), UTF_8)).contains("\"status\":404");
    }

    private static Segment catalogued(String relativePath, int index) {
        Instant start = Instant.parse("2024-05-01T10:00:00Z");
        return new Segment("cam1", start, index, relativePath, start.plusSeconds(2L * index), Duration.ofSeconds(2), 1000);
    }
}
