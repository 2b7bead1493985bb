package io.github.mediamtxvod.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.mediamtxvod.testing.Ffprobe;
import io.github.mediamtxvod.testing.Pipeline;
import io.github.mediamtxvod.testing.RecorderProcess;
import io.github.mediamtxvod.testing.RtspTestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams whose files grow rarely are not stalled: audio only (the old file-size rule restarted it
 * every 10 s), a 10 s GOP and 100 kbit/s video, recorded at once by the jar with 30 s segments and
 * a 10 s stall timeout, each in one FFmpeg run from start to end. With them, a stream with
 * B-frames, whose first seconds come with jittery timestamps from the test server (as from any
 * source still settling its clock). Every segment of every shape, the first included, passes the
 * strict decode check: not one line from {@code ffmpeg -v error -i file -f null -}.
 */
class StreamShapesIT {
    private static final Logger log = LoggerFactory.getLogger(StreamShapesIT.class);
    private static final Duration RECORDED = Duration.ofSeconds(55);
    private static final Map<String, RtspTestServer.Shape> STREAMS = Map.of(
            "shape/audio", RtspTestServer.Shape.AUDIO_ONLY,
            "shape/gop10", RtspTestServer.Shape.LONG_GOP,
            "shape/low", RtspTestServer.Shape.LOW_BITRATE,
            "shape/bframes", RtspTestServer.Shape.B_FRAMES);

    @TempDir
    Path workDir;

    @Test
    void audioOnlyLongGopLowBitrateAndBFrameStreamsRecordInOneRunWithoutAStallAndDecodeCleanly()
            throws Exception {
        try (Pipeline pipeline = Pipeline.start(workDir)) {
            STREAMS.keySet().forEach(path -> {
                pipeline.rtsp.addPath(path);
                pipeline.api.setLive(path, true);
            });
            RecorderProcess recorder = pipeline.startRecorder("shapes", Map.of(
                    "SEGMENT_DURATION", "30", "FFMPEG_STALL_TIMEOUT_SECONDS", "10"));
            // FFmpeg waits in DESCRIBE, so the test server starts each path at its first keyframe: a
            // reader that makes it build the pipeline in the middle of a 10 s GOP cannot start
            // (MediaMTX gives the parameter sets in its SDP; this server has none until a keyframe)
            await("an ffmpeg connected per stream").atMost(Duration.ofSeconds(20))
                    .until(() -> Pipeline.ffmpegChildren(recorder).size() == STREAMS.size());
            STREAMS.forEach((path, shape) -> pipeline.publish(path, shape, null));
            Instant started = Instant.now();
            await("55 s recorded, a segment finished on each stream").atMost(RECORDED.plusSeconds(60))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> Duration.between(started, Instant.now()).compareTo(RECORDED) >= 0
                            && STREAMS.keySet().stream().allMatch(path -> finished(pipeline, path) >= 1));
            String metrics = new String(pipeline.get("/metrics").body(), StandardCharsets.UTF_8);
            recorder.terminate();
            assertThat(recorder.awaitExit(Duration.ofSeconds(15))).isZero();

            assertThat(metrics).contains("vodrecorder_ffmpeg_restarts_total 0.0");
            assertThat(recorder.output()).doesNotContain("stalled", "restarting");
            for (Map.Entry<String, RtspTestServer.Shape> stream : STREAMS.entrySet()) {
                String path = stream.getKey();
                assertThat(pipeline.sessionDirs(path)).as("FFmpeg runs of %s", path).hasSize(1);
                double seconds = 0;
                for (Path file : pipeline.segmentFiles(path)) {
                    assertThat(Ffprobe.decodeErrors(file)).as("decode errors in %s", file).isEmpty();
                    seconds += stream.getValue() == RtspTestServer.Shape.AUDIO_ONLY
                            ? Ffprobe.packets(file, "a:0") * 1024 / 48000.0
                            : Ffprobe.packets(file, "v:0") / 25.0;
                }
                log.info("{}: {} s of media in {} s of recording", path, seconds,
                        Duration.between(started, Instant.now()).toSeconds());
                assertThat(seconds).as("seconds recorded of %s", path).isGreaterThan(RECORDED.toSeconds() - 10);
            }
        }
    }

    private static long finished(Pipeline pipeline, String path) {
        try {
            return pipeline.finishedSegments(path);
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
