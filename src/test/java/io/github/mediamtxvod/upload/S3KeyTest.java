package io.github.mediamtxvod.upload;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.recording.SegmentLayout;
import io.github.mediamtxvod.testing.TestConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;

class S3KeyTest {
    static final Instant SESSION = Instant.parse("2026-03-01T10:00:00Z");

    static Segment segment(String stream) {
        String path = SegmentLayout.sessionPath(stream, SESSION) + "/segment_007.mp4";
        return new Segment(stream, SESSION, 7, path, SESSION, null, 1);
    }

    static S3Uploader uploader(String prefix) {
        return new S3Uploader(null, null, TestConfig.localOnly(Path.of("/r")).prefix(prefix).build().s3(), InstantSource.system());
    }

    @Test
    void theKeyIsTheLocalRelativePathBelowThePrefix() {
        assertThat(uploader("").keyOf(segment("cam1"))).isEqualTo("cam1/2026-03-01/20260301_100000/segment_007.mp4");
        assertThat(uploader("site-a/vod").keyOf(segment("cam1")))
                .isEqualTo("site-a/vod/cam1/2026-03-01/20260301_100000/segment_007.mp4");
    }

    @Test
    void anUntrustedStreamNameCannotEscapeItsFolderInTheKey() {
        String key = uploader("p").keyOf(segment("../../etc/passwd"));
        assertThat(key).startsWith("p/~2E.~2F..~2Fetc~2Fpasswd/2026-03-01/").doesNotContain("../");
    }
}
