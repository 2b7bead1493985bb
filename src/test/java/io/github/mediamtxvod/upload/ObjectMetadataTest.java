package io.github.mediamtxvod.upload;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.recording.Segment;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ObjectMetadataTest {
    static Segment segment(String stream, Duration duration) {
        Instant session = Instant.parse("2026-03-01T10:00:00Z");
        return new Segment(stream, session, 2, "x/2026-03-01/20260301_100000/segment_002.mp4",
                session.plusMillis(120_040), duration, 10);
    }

    @Test
    void carriesStreamSessionStartSegmentStartIndexAndDuration() {
        assertThat(ObjectMetadata.of(segment("live/cam-1", Duration.ofMillis(60_020))))
                .containsEntry("stream", "live/cam-1")
                .containsEntry("session-start", "2026-03-01T10:00:00Z")
                .containsEntry("segment-start", "2026-03-01T10:02:00.040Z")
                .containsEntry("segment-index", "2")
                .containsEntry("duration", "60.02");
    }

    @Test
    void anUnknownDurationIsLeftOut() {
        assertThat(ObjectMetadata.of(segment("cam", null))).doesNotContainKey("duration");
    }

    @Test
    void nonAsciiAndControlCharactersArePercentEncodedAsUtf8AndDecodeBack() {
        String hostile = "Küche 1\r\nx-amz-acl: public%\u0000空";
        String encoded = ObjectMetadata.encode(hostile);

        assertThat(encoded).isEqualTo("K%C3%BCche%201%0D%0Ax-amz-acl%3A%20public%25%00%E7%A9%BA");
        assertThat(encoded.chars()).allMatch(c -> c > 0x20 && c < 0x7f);
        assertThat(URLDecoder.decode(encoded, StandardCharsets.UTF_8)).isEqualTo(hostile);
    }

    @Test
    void plainNamesStayReadable() {
        assertThat(ObjectMetadata.encode("cam_1.main-2/sub~x")).isEqualTo("cam_1.main-2/sub~x");
    }

    @Test
    void secondsKeepMillisecondPrecisionWithoutTrailingZeros() {
        assertThat(ObjectMetadata.seconds(60_000)).isEqualTo("60");
        assertThat(ObjectMetadata.seconds(1)).isEqualTo("0.001");
        assertThat(ObjectMetadata.seconds(59_960)).isEqualTo("59.96");
    }
}
