package io.github.mediamtxvod.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.catalog.WebhookEvent;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventBodyTest {
    private static final Instant SESSION = Instant.parse("2024-05-01T10:00:00Z");

    @Test
    void aSegmentUploadedEventNamesTheObjectAndItsTimes() {
        WebhookEvent event = new WebhookEvent(7, "0123abcd", WebhookEvent.Type.SEGMENT_UPLOADED, "cams/front \"1\"",
                SESSION, "cams~2Ffront~20~221~22/2024-05-01/20240501_100000/segment_003.mp4", 3,
                Instant.parse("2024-05-01T10:03:00.120Z"), null, Duration.ofMillis(60_012), null, null, 7_340_032L,
                "site/cams~2Ffront~20~221~22/2024-05-01/20240501_100000/segment_003.mp4", "etag-1", "CRC32:AAAAAA==",
                null, Instant.parse("2024-05-01T10:04:01Z"), null, 0);

        assertThat(EventBody.render(event, "vod")).isEqualTo("{\"type\":\"segment.uploaded\",\"id\":\"0123abcd\","
                + "\"time\":\"2024-05-01T10:04:01Z\",\"stream\":\"cams/front \\\"1\\\"\",\"session\":\"2024-05-01T10:00:00Z\","
                + "\"index\":3,\"start\":\"2024-05-01T10:03:00.120Z\",\"end\":\"2024-05-01T10:04:00.132Z\","
                + "\"duration\":60.012,\"size\":7340032,\"bucket\":\"vod\","
                + "\"key\":\"site/cams~2Ffront~20~221~22/2024-05-01/20240501_100000/segment_003.mp4\","
                + "\"etag\":\"etag-1\",\"checksum\":\"CRC32:AAAAAA==\"}");
    }

    @Test
    void aSessionFinishedEventWithoutS3NamesTheLocalFolderAndPlaylist() {
        WebhookEvent event = new WebhookEvent(8, "ffee", WebhookEvent.Type.SESSION_FINISHED, "cam", SESSION,
                "cam/2024-05-01/20240501_100000", null, Instant.parse("2024-05-01T10:00:00.250Z"),
                Instant.parse("2024-05-01T11:00:01.450Z"), null, 60, 1, 440_401_920L, null, null, null,
                "cam/2024-05-01/20240501_100000/index.m3u8", Instant.parse("2024-05-01T11:00:05Z"), null, 0);

        assertThat(EventBody.render(event, null)).isEqualTo("{\"type\":\"session.finished\",\"id\":\"ffee\","
                + "\"time\":\"2024-05-01T11:00:05Z\",\"stream\":\"cam\",\"session\":\"2024-05-01T10:00:00Z\","
                + "\"start\":\"2024-05-01T10:00:00.250Z\",\"end\":\"2024-05-01T11:00:01.450Z\",\"duration\":3601.200,"
                + "\"segments\":60,\"missing\":1,\"size\":440401920,\"bucket\":null,"
                + "\"folder\":\"cam/2024-05-01/20240501_100000\",\"playlist\":\"cam/2024-05-01/20240501_100000/index.m3u8\"}");
    }
}
