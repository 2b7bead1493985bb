package io.github.mediamtxvod.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The path rules on their own, without Jetty's URI checks in front of them. */
class RecordingPathTest {
    @TempDir
    Path base;

    @Test
    void plainPathsParseIntoNames() {
        RecordingPath path = RecordingPath.parse("cam1/2024-05-01/20240501_100000/segment_000.mp4");

        assertThat(path.segments()).containsExactly("cam1", "2024-05-01", "20240501_100000", "segment_000.mp4");
        assertThat(path.trailingSlash()).isFalse();
        assertThat(RecordingPath.parse("cams~2Ffront/").segments()).containsExactly("cams~2Ffront");
        assertThat(RecordingPath.parse("").segments()).isEmpty();
        assertThat(RecordingPath.parse("Tom%20%26%20Jerry%27s%20%281%29.txt").segments())
                .containsExactly("Tom & Jerry's (1).txt");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "..", "../secret.txt", "%2e%2e/secret.txt", "%2E%2e", ".%2e", "cam1/../..", "%252e%252e", "..%2fsecret.txt",
        "..%2Fx", "..\\x", "..%5cx", "%5c", "a//b", "/etc/passwd", "x%00.mp4", "%00", "%c0%ae%c0%ae", "%ef%bc%8e%ef%bc%8e",
        "caf%C3%A9", "C:%5cwin.ini", "C:", "a;b", "%u002e", "%", "%2", "%zz", "a%0Ab", "a%7Fb", "<script>", "a\"b", ".", "./x",
        " leading-space", "a*b", "a?b", "a|b", "a:b",
    })
    void forbiddenPathIsRefused(String raw) {
        assertThatThrownBy(() -> RecordingPath.parse(raw))
                .isInstanceOfSatisfying(HttpProblem.class, p -> assertThat(p.status()).isIn(400, 404));
    }

    @ParameterizedTest
    @ValueSource(strings = {".session.json", "x/.segments.csv", ".vod-recorder/", ".vod-recorder/catalog.db", "%2Esession.json"})
    void hiddenNameIsNotFound(String raw) {
        assertThatThrownBy(() -> RecordingPath.parse(raw))
                .isInstanceOfSatisfying(HttpProblem.class, p -> assertThat(p.status()).isEqualTo(404));
    }

    @Test
    void symbolicLinkLeavingTheRootDoesNotResolve() throws IOException {
        Path root = Files.createDirectories(base.resolve("root")).toRealPath();
        Files.writeString(base.resolve("outside.txt"), "x");
        Files.createSymbolicLink(root.resolve("out"), base);
        Files.createSymbolicLink(root.resolve("out.mp4"), base.resolve("outside.txt"));
        Files.createSymbolicLink(root.resolve("dangling.mp4"), base.resolve("missing"));
        Files.createDirectories(root.resolve("in"));
        Files.createSymbolicLink(root.resolve("in-link"), root.resolve("in"));

        assertThat(RecordingPath.parse("out/outside.txt").resolveExisting(root)).isNull();
        assertThat(RecordingPath.parse("out.mp4").resolveExisting(root)).isNull();
        assertThat(RecordingPath.parse("dangling.mp4").resolveExisting(root)).isNull();
        assertThat(RecordingPath.parse("missing.mp4").resolveExisting(root)).isNull();
        assertThat(RecordingPath.parse("in-link/").resolveExisting(root)).isEqualTo(root.resolve("in"));
    }

    @Test
    void encodingRoundTrips() {
        for (String name : List.of("segment_000.mp4", "Tom & Jerry's (1).txt", "cams~2Ffront", "a+b=c,d@e")) {
            assertThat(RecordingPath.parse(RecordingPath.encode(name)).segments()).containsExactly(name);
        }
        assertThat(RecordingPath.encodePath("a b/c")).isEqualTo("a%20b/c");
    }
}
