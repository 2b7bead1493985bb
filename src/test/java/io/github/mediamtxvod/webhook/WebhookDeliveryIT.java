package io.github.mediamtxvod.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mediamtxvod.testing.Pipeline;
import io.github.mediamtxvod.testing.RecorderProcess;
import io.github.mediamtxvod.testing.RtspTestServer;
import io.github.mediamtxvod.testing.WebhookReceiver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Webhooks end to end: the jar records a real stream into S3Proxy and posts its events to a real
 * HTTP receiver that refuses them for a while; the recorder is SIGKILLed in the middle. Every
 * event arrives once the receiver accepts, signed, in order per stream, with the same id and
 * bytes on every retry.
 */
class WebhookDeliveryIT {
    private static final String STREAM = "door";
    private static final String SECRET = "webhook-it-secret";

    @TempDir
    Path workDir;

    private Pipeline pipeline;
    private WebhookReceiver receiver;

    @BeforeEach
    void start() throws Exception {
        pipeline = Pipeline.start(workDir).withS3();
        receiver = WebhookReceiver.start();
    }

    @AfterEach
    void stop() {
        pipeline.close();
        receiver.close();
    }

    @Test
    void everyEventIsDeliveredOnceAcceptedInOrderSignedAcrossAReceiverOutageAndASigkill() throws Exception {
        receiver.answer(503);
        Map<String, String> env = Map.of("WEBHOOK_URL", receiver.url().toString(), "WEBHOOK_SECRET", SECRET,
                "UPLOAD_WORKERS", "1");
        RtspTestServer.Publisher publisher = pipeline.publishLive(STREAM);
        RecorderProcess first = pipeline.startRecorder("webhooks", env);
        await("segments in S3 while the receiver refuses").atMost(Duration.ofSeconds(90))
                .until(() -> pipeline.segmentObjects().size() >= 3 && receiver.requests().size() >= 3);

        List<ProcessHandle> ffmpegs = Pipeline.ffmpegChildren(first);
        first.kill();
        await("FFmpeg dies with the recorder").atMost(Duration.ofSeconds(10))
                .until(() -> ffmpegs.stream().noneMatch(ProcessHandle::isAlive));
        assertThat(receiver.accepted()).isEmpty();
        receiver.answer(200);

        RecorderProcess second = pipeline.startRecorder("webhooks", env);
        await("a second session").atMost(Duration.ofSeconds(60)).until(() -> pipeline.sessionDirs(STREAM).size() == 2);
        pipeline.awaitFinishedSegments(STREAM, pipeline.finishedSegments(STREAM) + 2);
        pipeline.api.setLive(STREAM, false);
        publisher.stop();
        second.awaitOutput(STREAM + " - recording stopped", Duration.ofSeconds(30));

        await("both sessions finished and announced").atMost(Duration.ofSeconds(120))
                .until(() -> firstAcceptance().values().stream()
                        .filter(event -> event.path("type").asText().equals("session.finished")).count() == 2);
        await("every segment in S3 announced").atMost(Duration.ofSeconds(60)).until(() -> announcedKeys()
                .containsAll(pipeline.segmentObjects().stream().map(S3Object::key).toList()));

        for (WebhookReceiver.Request request : receiver.requests()) {
            assertThat(request.signedWith(SECRET)).as("signature of %s", request.text()).isTrue();
            assertThat(request.json().path("id").asText()).isEqualTo(request.eventId());
        }
        Map<String, List<String>> bodiesById = receiver.requests().stream().collect(Collectors.groupingBy(
                WebhookReceiver.Request::eventId, Collectors.mapping(WebhookReceiver.Request::text, Collectors.toList())));
        assertThat(bodiesById.values()).as("every attempt of an event sends the same bytes")
                .allSatisfy(bodies -> assertThat(Set.copyOf(bodies)).hasSize(1));

        List<JsonNode> events = new ArrayList<>(firstAcceptance().values());
        Map<String, List<JsonNode>> bySession = events.stream().collect(Collectors.groupingBy(
                event -> event.path("session").asText(), LinkedHashMap::new, Collectors.toList()));
        assertThat(bySession).hasSize(2);
        for (List<JsonNode> session : bySession.values()) {
            JsonNode finished = session.getLast();
            assertThat(finished.path("type").asText()).as("session.finished comes after its segments").isEqualTo("session.finished");
            List<JsonNode> segments = session.subList(0, session.size() - 1);
            assertThat(segments).extracting(event -> event.path("index").asInt())
                    .as("segments in order").isSorted().doesNotHaveDuplicates();
            assertThat(finished.path("segments").asInt()).isEqualTo(segments.size());
            assertThat(finished.path("size").asLong())
                    .isEqualTo(segments.stream().mapToLong(event -> event.path("size").asLong()).sum());
            assertThat(finished.path("bucket").asText()).isEqualTo(Pipeline.BUCKET);
            assertThat(finished.path("playlist").asText()).endsWith("/index.m3u8");
            assertThat(pipeline.objects()).extracting(S3Object::key).contains(finished.path("playlist").asText());
            for (JsonNode segment : segments) {
                assertThat(segment.path("bucket").asText()).isEqualTo(Pipeline.BUCKET);
                assertThat(segment.path("key").asText()).startsWith(finished.path("folder").asText() + "/segment_");
                assertThat(segment.path("duration").asDouble()).isPositive();
                assertThat(segment.path("checksum").asText()).startsWith("CRC32");
            }
        }
        assertThat(second.output()).doesNotContain("ERROR");
    }

    /** Each event the receiver accepted, by id, in the order of its first acceptance. */
    private Map<String, JsonNode> firstAcceptance() {
        Map<String, JsonNode> events = new LinkedHashMap<>();
        for (WebhookReceiver.Request request : receiver.accepted()) {
            events.putIfAbsent(request.eventId(), request.json());
        }
        return events;
    }

    private Set<String> announcedKeys() {
        return firstAcceptance().values().stream().filter(event -> event.path("type").asText().equals("segment.uploaded"))
                .map(event -> event.path("key").asText()).collect(Collectors.toSet());
    }
}
