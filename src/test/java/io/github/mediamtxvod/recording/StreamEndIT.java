package io.github.mediamtxvod.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.github.mediamtxvod.testing.Ffprobe;
import io.github.mediamtxvod.testing.LogCapture;
import io.github.mediamtxvod.testing.RtspTestServer;
import io.github.mediamtxvod.testing.SharedRtspServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream that ends is not a failure: the recording stage with real FFmpeg and the GStreamer RTSP
 * server, and a {@link PathCheck} that answers as MediaMTX would. The restarts counter is read from
 * the Prometheus text that /metrics serves.
 */
class StreamEndIT {
    private static final String RESTARTS = "vodrecorder_ffmpeg_restarts_total";

    @RegisterExtension
    static final SharedRtspServer RTSP = new SharedRtspServer();

    @TempDir
    Path recordings;

    private final List<String> asked = new CopyOnWriteArrayList<>();
    private final List<Segment> segments = new CopyOnWriteArrayList<>();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @Test
    void aStreamWhosePublisherStoppedEndsWithOneInfoLineAndNoRestart() throws Exception {
        RtspTestServer.Publisher publisher = RTSP.server().publish("end/gone", RtspTestServer.Shape.AUDIO_VIDEO,
                Duration.ofSeconds(8));
        try (LogCapture supervisorLog = LogCapture.of(RecordingSupervisor.class);
                LogCapture recorderLog = LogCapture.of(StreamRecorder.class);
                RecordingSupervisor supervisor = supervisor(stream -> {
                    asked.add(stream);
                    return PathCheck.Answer.GONE;
                })) {
            supervisor.updateLiveStreams(List.of(new LiveStream("end/gone", List.of())));

            await("the recording ends by itself").atMost(Duration.ofSeconds(60))
                    .until(() -> !asked.isEmpty() && supervisor.status().recording().isEmpty());

            assertThat(publisher.waitForExit(Duration.ofSeconds(5))).isTrue();
            assertThat(asked).containsExactly("end/gone");
            assertThat(restarts()).isZero();
            assertThat(recorderLog.messages(Level.WARN)).isEmpty();
            assertThat(supervisorLog.messages(Level.WARN)).isEmpty();
            assertThat(supervisorLog.messages(Level.INFO).stream().filter(line -> line.startsWith("end/gone - the stream ended")))
                    .hasSize(1);
            assertThat(supervisorLog.messages(Level.INFO)).noneMatch(line -> line.endsWith("- recording stopped"));
            assertThat(segments).isNotEmpty();
            for (Segment segment : segments) {
                assertThat(Ffprobe.decodeErrors(segment.file(recordings))).as("%s", segment).isEmpty();
            }
        }
    }

    @Test
    void aStreamMediaMtxStillListsIsReadAgainAtOnceAndCounted() throws Exception {
        RTSP.server().publish("end/back", RtspTestServer.Shape.AUDIO_VIDEO, Duration.ofSeconds(6));
        try (RecordingSupervisor supervisor = supervisor(stream -> {
                    asked.add(stream);
                    if (asked.size() == 1) {
                        // the publisher came back while FFmpeg was ending
                        RTSP.server().publish("end/back", RtspTestServer.Shape.AUDIO_VIDEO, Duration.ofSeconds(6));
                        return PathCheck.Answer.LIVE;
                    }
                    return PathCheck.Answer.GONE;
                })) {
            supervisor.updateLiveStreams(List.of(new LiveStream("end/back", List.of())));

            await("both publishers recorded").atMost(Duration.ofSeconds(90))
                    .until(() -> asked.size() == 2 && supervisor.status().recording().isEmpty());

            assertThat(restarts()).isEqualTo(1);
            assertThat(segments.stream().map(Segment::sessionStart).distinct()).hasSize(2);
        }
    }

    private RecordingSupervisor supervisor(PathCheck check) {
        RecordingConfig config = new RecordingConfig(recordings, ffmpeg(), 10, Duration.ofSeconds(2), OutputFormat.MP4,
                Duration.ofSeconds(20), Duration.ofSeconds(5), Duration.ofSeconds(30));
        RecordingSupervisor supervisor = new RecordingSupervisor(config, RTSP.server().rtspUrl(), InstantSource.system(),
                new DiskGuard(recordings, 0, DiskSpace.fileStore()), check, registry);
        supervisor.addListener(segments::add);
        return supervisor;
    }

    private double restarts() {
        return registry.scrape().lines()
                .filter(line -> line.startsWith(RESTARTS + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(RESTARTS.length() + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError(RESTARTS + " not in " + registry.scrape()));
    }

    private static String ffmpeg() {
        String configured = System.getenv("FFMPEG_PATH");
        return configured == null || configured.isBlank() ? "ffmpeg" : configured;
    }
}
