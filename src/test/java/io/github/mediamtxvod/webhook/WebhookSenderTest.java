package io.github.mediamtxvod.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.mediamtxvod.catalog.Catalog;
import io.github.mediamtxvod.catalog.Confirmation;
import io.github.mediamtxvod.catalog.Entry;
import io.github.mediamtxvod.catalog.WebhookOutbox;
import io.github.mediamtxvod.config.Secret;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.recording.SegmentLayout;
import io.github.mediamtxvod.runtime.Backoff;
import io.github.mediamtxvod.testing.WebhookReceiver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sender against a real HTTP receiver, with events logged by real confirmations in a real catalogue. */
class WebhookSenderTest {
    private static final Instant SESSION = Instant.parse("2026-03-01T10:00:00Z");
    private static final String SECRET = "receiver-shared-secret";

    @TempDir
    Path dir;

    private Catalog catalog;
    private WebhookOutbox outbox;
    private WebhookReceiver receiver;
    private WebhookSender sender;

    @BeforeEach
    void open() throws Exception {
        catalog = new Catalog(dir, InstantSource.system());
        catalog.start();
        outbox = new WebhookOutbox(dir, InstantSource.system());
        outbox.start(true);
        receiver = WebhookReceiver.start();
    }

    @AfterEach
    void close() {
        if (sender != null) {
            sender.close();
        }
        receiver.close();
        outbox.close();
        catalog.close();
    }

    private void startSender() {
        sender = new WebhookSender(outbox, new WebhookConfig(receiver.url(), new Secret(SECRET)), "vod",
                InstantSource.system(), Backoff.exponential(Duration.ofMillis(20), Duration.ofMillis(200)),
                Duration.ofSeconds(5), new SimpleMeterRegistry());
        sender.start();
    }

    private void upload(String stream, int index) {
        String path = SegmentLayout.sessionPath(stream, SESSION) + "/segment_%03d.mp4".formatted(index);
        catalog.recordFinished(new Segment(stream, SESSION, index, path, SESSION.plusSeconds(60L * index),
                Duration.ofSeconds(60), 1000 + index));
        Entry claimed = catalog.claimNextPending().orElseThrow();
        catalog.markUploaded(claimed, new Confirmation("vod/" + claimed.relativePath(), claimed.segment().sizeBytes(),
                "etag", "CRC32:abc=", Instant.now()));
    }

    @Test
    void aReceiverThatFailsForAWhileGetsEveryEventOnceAcceptedInOrderPerStreamSigned() {
        receiver.answer(503);
        startSender();
        for (int i = 0; i < 4; i++) {
            upload("a", i);
            upload("b", i);
            sender.wake();
        }
        await("several failed attempts").atMost(Duration.ofSeconds(20)).until(() -> receiver.requests().size() >= 5);

        receiver.answer(200);

        await("every event accepted").atMost(Duration.ofSeconds(20)).until(() -> receiver.accepted().size() == 8);
        List<WebhookReceiver.Request> accepted = receiver.accepted();
        assertThat(accepted).extracting(WebhookReceiver.Request::eventId).doesNotHaveDuplicates();
        assertThat(accepted).allSatisfy(request -> {
            assertThat(request.signedWith(SECRET)).as("signature of %s", request.text()).isTrue();
            assertThat(request.contentType()).isEqualTo("application/json");
            assertThat(request.eventType()).isEqualTo("segment.uploaded");
            assertThat(request.json().path("id").asText()).isEqualTo(request.eventId());
        });
        Map<String, List<Integer>> order = accepted.stream().collect(Collectors.groupingBy(
                request -> request.json().path("stream").asText(),
                Collectors.mapping(request -> request.json().path("index").asInt(), Collectors.toList())));
        assertThat(order).containsEntry("a", List.of(0, 1, 2, 3)).containsEntry("b", List.of(0, 1, 2, 3));
        for (WebhookReceiver.Request attempt : receiver.requests()) {
            WebhookReceiver.Request delivered = accepted.stream()
                    .filter(request -> request.eventId().equals(attempt.eventId())).findFirst().orElseThrow();
            assertThat(attempt.text()).as("a retry sends the same bytes").isEqualTo(delivered.text());
        }
        await("the outbox is empty").atMost(Duration.ofSeconds(5)).until(() -> sender.waiting() == 0);
    }

    @Test
    void anEventTheReceiverRefusesHoldsBackItsStreamOnly() {
        receiver.answer(request -> request.text().contains("\"stream\":\"a\"") ? 422 : 200);
        startSender();
        upload("a", 0);
        upload("a", 1);
        upload("b", 0);
        upload("b", 1);
        sender.wake();

        await("stream b delivered").atMost(Duration.ofSeconds(20)).until(() -> receiver.accepted().size() == 2);
        await("stream a retried").atMost(Duration.ofSeconds(20))
                .until(() -> receiver.requests().stream().filter(request -> !request.accepted()).count() >= 3);
        assertThat(receiver.requests()).filteredOn(request -> !request.accepted())
                .extracting(request -> request.json().path("index").asInt()).containsOnly(0);

        receiver.answer(200);

        await("stream a delivered in order").atMost(Duration.ofSeconds(20)).until(() -> receiver.accepted().size() == 4);
        assertThat(receiver.accepted()).filteredOn(request -> request.json().path("stream").asText().equals("a"))
                .extracting(request -> request.json().path("index").asInt()).containsExactly(0, 1);
    }
}
