package io.github.mediamtxvod.catalog;

import static io.github.mediamtxvod.catalog.CatalogTest.finished;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookOutboxTest {
    static final Instant T0 = CatalogTest.T0;

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(T0);
    Catalog catalog;
    WebhookOutbox outbox;

    @BeforeEach
    void open() {
        catalog = new Catalog(dir, clock);
        catalog.start();
        outbox = new WebhookOutbox(dir, clock);
        outbox.start(true);
    }

    @AfterEach
    void close() {
        outbox.close();
        catalog.close();
    }

    void upload(Segment segment) {
        catalog.recordFinished(segment);
        Entry claimed = catalog.claimNextPending().orElseThrow();
        catalog.markUploaded(claimed, new Confirmation("site/" + segment.relativePath(), segment.sizeBytes(),
                "etag-" + segment.index(), "CRC32:abc=", T0.plusSeconds(61)));
    }

    @Test
    void aConfirmedUploadLogsASegmentUploadedEventWithWhatS3Confirmed() {
        Segment segment = finished("cams/front", T0, 0, 1234);
        upload(segment);

        WebhookEvent event = outbox.due(10).getFirst();
        assertThat(event.type()).isEqualTo(WebhookEvent.Type.SEGMENT_UPLOADED);
        assertThat(event.id()).matches("[0-9a-f]{32}");
        assertThat(event.stream()).isEqualTo("cams/front");
        assertThat(event.sessionStart()).isEqualTo(T0);
        assertThat(event.segmentIndex()).isEqualTo(0);
        assertThat(event.start()).isEqualTo(segment.start());
        assertThat(event.duration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(event.sizeBytes()).isEqualTo(1234);
        assertThat(event.key()).isEqualTo("site/" + segment.relativePath());
        assertThat(event.etag()).isEqualTo("etag-0");
        assertThat(event.checksum()).isEqualTo("CRC32:abc=");
        assertThat(event.createdAt()).isEqualTo(T0.plusSeconds(61));
        assertThat(event.body()).isNull();
        assertThat(outbox.waiting()).isEqualTo(1);
    }

    @Test
    void anEventRaisedAgainByARebuiltCatalogueHasTheIdItHadTheFirstTime() {
        Segment segment = finished("cams/front", T0, 0, 1234);
        upload(segment);
        upload(finished("cams/front", T0, 1, 1234));
        List<String> first = outbox.due(10).stream().map(WebhookEvent::id).toList();
        outbox.delivered(outbox.due(10).getFirst());
        String second = outbox.due(10).getFirst().id();

        Path rebuilt = dir.resolve("rebuilt");
        try (Catalog again = new Catalog(rebuilt, clock); WebhookOutbox outboxAgain = new WebhookOutbox(rebuilt, clock)) {
            again.start();
            outboxAgain.start(true);
            again.recordFinished(segment);
            Entry claimed = again.claimNextPending().orElseThrow();
            again.markUploaded(claimed, new Confirmation("site/" + segment.relativePath(), segment.sizeBytes(),
                    "etag-0", "CRC32:abc=", T0.plusSeconds(90)));
            assertThat(outboxAgain.due(10)).singleElement().extracting(WebhookEvent::id).isEqualTo(first.getFirst());
        }
        assertThat(second).as("another segment, another id").isNotEqualTo(first.getFirst()).matches("[0-9a-f]{32}");
    }

    @Test
    void onlyTheOldestEventOfEachStreamIsDueAndAFailedOneHoldsBackItsStreamOnly() {
        upload(finished("a", T0, 0, 1));
        upload(finished("a", T0, 1, 1));
        upload(finished("b", T0, 0, 1));
        List<WebhookEvent> due = outbox.due(10);
        assertThat(due).extracting(WebhookEvent::stream, WebhookEvent::segmentIndex)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", 0), org.assertj.core.groups.Tuple.tuple("b", 0));

        outbox.failed(due.get(0), "HTTP 500", T0.plusSeconds(30));
        outbox.delivered(due.get(1));

        assertThat(outbox.due(10)).as("stream a waits for its first event").isEmpty();
        assertThat(outbox.nextRetryAt()).contains(T0.plusSeconds(30));
        clock.advance(Duration.ofSeconds(30));
        WebhookEvent retried = outbox.due(10).getFirst();
        assertThat(retried.segmentIndex()).isEqualTo(0);
        assertThat(retried.attempts()).isEqualTo(1);
        outbox.delivered(retried);
        assertThat(outbox.due(10)).extracting(WebhookEvent::segmentIndex).containsExactly(1);
    }

    @Test
    void theBodyOfTheFirstAttemptIsKept() {
        upload(finished("a", T0, 0, 1));
        WebhookEvent event = outbox.due(10).getFirst();

        outbox.keepBody(event, "{\"a\":1}");
        outbox.keepBody(event, "{\"a\":2}");

        assertThat(outbox.due(10).getFirst().body()).isEqualTo("{\"a\":1}");
    }

    @Test
    void turningWebhooksOffDropsWaitingEventsAndLogsNoMore() {
        upload(finished("a", T0, 0, 1));
        outbox.close();

        outbox = new WebhookOutbox(dir, clock);
        assertThat(outbox.start(false)).isEqualTo(1);
        upload(finished("a", T0, 1, 1));

        assertThat(outbox.waiting()).isZero();
    }
}
