package io.github.mediamtxvod.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.mediamtxvod.testing.FakeMediaMtx;
import io.github.mediamtxvod.testing.Pipeline;
import io.github.mediamtxvod.testing.Ffprobe;
import io.github.mediamtxvod.testing.RecorderProcess;
import io.github.mediamtxvod.testing.RtspTestServer;
import io.github.mediamtxvod.testing.SharedRtspServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The recorder jar end to end: real FFmpeg, a real RTSP server (GStreamer), and the MediaMTX API
 * stand-in. Each test starts the recorder as users do, with environment variables only.
 */
class RecordingIT {
    private static final Duration SEGMENT = Duration.ofSeconds(2);

    @RegisterExtension
    static final SharedRtspServer RTSP = new SharedRtspServer();

    @TempDir
    Path workDir;

    private Pipeline pipeline;

    @BeforeEach
    void startPipeline() {
        pipeline = Pipeline.on(RTSP.server(), workDir);
    }

    @AfterEach
    void stopPipeline() {
        pipeline.close();
    }

    @Test
    void twoLiveStreamsGiveFullLengthPlayableSegmentsAndStopWhenTheStreamEnds() throws Exception {
        RtspTestServer.Publisher one = pipeline.publish("it/one");
        RtspTestServer.Publisher two = pipeline.publish("it/two");
        pipeline.api.setLive("it/one", true);
        pipeline.api.setLive("it/two", true);
        RecorderProcess recorder = pipeline.startRecorder("recording", Map.of());

        pipeline.awaitFinishedSegments("it/one", 4);
        pipeline.awaitFinishedSegments("it/two", 4);
        Instant stoppedAt = Instant.now();
        pipeline.api.setLive("it/one", false);
        one.stop();
        recorder.awaitRecordingStopped("it/one", Duration.ofSeconds(15));
        assertThat(Pipeline.ffmpegChildren(recorder)).hasSize(1);

        List<Path> segments = pipeline.segmentFiles("it/one");
        assertThat(segments).hasSizeGreaterThanOrEqualTo(5);
        double total = 0;
        for (int i = 0; i < segments.size(); i++) {
            Ffprobe.ProbeResult probe = Ffprobe.probe(segments.get(i));
            assertThat(probe.playable()).as("%s playable: %s", segments.get(i), probe).isTrue();
            assertThat(probe.videoCodecs()).containsExactly("h264");
            double seconds = Ffprobe.longestTrack(segments.get(i)).toMillis() / 1000.0;
            total += seconds;
            if (i > 0 && i < segments.size() - 1) {
                // cuts happen on the first keyframe after each multiple of SEGMENT_DURATION, one
                // keyframe a second here: a cut may come up to a GOP late, its successor as much early
                Path segment = segments.get(i);
                assertThat(seconds).as(() -> "duration of " + segment + "; timestamp jumps: "
                        + Ffprobe.timestampJumps(segment)).isBetween(0.9, 3.1);
            }
        }
        Instant startedAt = Pipeline.sessionStartedAt(segments.get(0).getParent());
        double recordedTime = Duration.between(startedAt, stoppedAt).toMillis() / 1000.0;
        assertThat(total).as("sum of segment durations vs. the time the stream was recorded")
                .isCloseTo(recordedTime, org.assertj.core.data.Offset.offset(2.5));
        assertThat(two.isAlive()).isTrue();
        assertThat(pipeline.segmentFiles("it/two")).hasSizeGreaterThanOrEqualTo(4);
    }

    @Test
    void aKilledFfmpegIsReplacedWithinFiveSecondsAndItsLastSegmentStaysPlayable() throws Exception {
        pipeline.publish("it/crash");
        pipeline.api.setLive("it/crash", true);
        RecorderProcess recorder = pipeline.startRecorder("recording", Map.of());
        pipeline.awaitFinishedSegments("it/crash", 2);
        ProcessHandle first = Pipeline.ffmpegChildren(recorder).get(0);

        first.destroyForcibly();
        Instant killedAt = Instant.now();
        await("a new ffmpeg").atMost(Duration.ofSeconds(5)).until(() -> Pipeline.ffmpegChildren(recorder).stream()
                .anyMatch(child -> child.pid() != first.pid()));
        assertThat(Duration.between(killedAt, Instant.now())).isLessThan(Duration.ofSeconds(5));
        await("a second session").atMost(Duration.ofSeconds(20)).until(() -> pipeline.sessionDirs("it/crash").size() == 2);
        Path crashed = pipeline.sessionDirs("it/crash").get(0);
        try (Stream<Path> files = Files.list(crashed)) {
            for (Path segment : files.filter(f -> f.getFileName().toString().startsWith("segment_")).toList()) {
                assertThat(Ffprobe.probe(segment).playable()).as("%s after SIGKILL of ffmpeg", segment).isTrue();
            }
        }
    }

    @Test
    void theCapHoldsAndAWaitingStreamStartsWhenASlotFrees() throws Exception {
        pipeline.publish("cap/a");
        RtspTestServer.Publisher b = pipeline.publish("cap/b");
        pipeline.publish("cap/c");
        pipeline.api.setLive("cap/a", true);
        pipeline.api.setLive("cap/b", true);
        pipeline.api.setLive("cap/c", true);
        RecorderProcess recorder = pipeline.startRecorder("recording", Map.of("MAX_CONCURRENT_RECORDINGS", "2"));

        recorder.awaitOutput("cap/c - live, waiting for a recording slot", Duration.ofSeconds(15));
        pipeline.awaitFinishedSegments("cap/a", 1);
        pipeline.awaitFinishedSegments("cap/b", 1);
        assertThat(Pipeline.ffmpegChildren(recorder)).hasSize(2);
        assertThat(pipeline.segmentFiles("cap/c")).isEmpty();

        pipeline.api.setLive("cap/b", false);
        b.stop();
        pipeline.awaitFinishedSegments("cap/c", 1);
        assertThat(Pipeline.ffmpegChildren(recorder)).hasSizeLessThanOrEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(value = FakeMediaMtx.Failure.class, names = {"HTTP_500", "INVALID_JSON", "UNAUTHORIZED", "NO_ANSWER"})
    void recordingsContinueWhileTheApiFails(FakeMediaMtx.Failure failure) throws Exception {
        pipeline.publish("api/steady");
        pipeline.api.setLive("api/steady", true);
        RecorderProcess recorder = pipeline.startRecorder("recording", Map.of("MEDIAMTX_API_TIMEOUT_SECONDS", "2"));
        pipeline.awaitFinishedSegments("api/steady", 1);
        ProcessHandle ffmpeg = Pipeline.ffmpegChildren(recorder).get(0);

        pipeline.api.failWith(failure);
        int before = pipeline.segmentFiles("api/steady").size();
        pipeline.awaitFinishedSegments("api/steady", before + 3);
        assertThat(ffmpeg.isAlive()).as("the same ffmpeg keeps recording").isTrue();
        assertThat(recorder.isAlive()).isTrue();

        pipeline.api.failWith(FakeMediaMtx.Failure.NONE);
        recorder.awaitOutput("(?i)mediamtx.*(recovered|reachable again|back)", Duration.ofSeconds(20));
        assertThat(ffmpeg.isAlive()).isTrue();
    }

    @Test
    void sigtermFinishesEverySegmentAndExitsZeroWithinTenSeconds() throws Exception {
        pipeline.publish("term/a");
        pipeline.publish("term/b");
        pipeline.api.setLive("term/a", true);
        pipeline.api.setLive("term/b", true);
        RecorderProcess recorder = pipeline.startRecorder("recording", Map.of());
        pipeline.awaitFinishedSegments("term/a", 1);
        pipeline.awaitFinishedSegments("term/b", 1);
        List<ProcessHandle> ffmpegs = Pipeline.ffmpegChildren(recorder);

        Instant sent = Instant.now();
        recorder.terminate();
        int exit = recorder.awaitExit(Duration.ofSeconds(12));
        assertThat(exit).as("exit code; log %s", recorder.logFile()).isZero();
        assertThat(Duration.between(sent, Instant.now())).isLessThan(Duration.ofSeconds(10));
        assertThat(ffmpegs).noneMatch(ProcessHandle::isAlive);
        for (String stream : List.of("term/a", "term/b")) {
            Path session = pipeline.sessionDirs(stream).get(0);
            List<String> listed = Files.readAllLines(session.resolve(".segments.csv"));
            List<Path> files = pipeline.segmentFiles(stream);
            assertThat(listed).as("FFmpeg closed every segment of %s", stream).hasSize(files.size());
            for (Path file : files) {
                assertThat(Ffprobe.probe(file).playable()).as("%s", file).isTrue();
                assertThat(Ffprobe.decodeErrors(file)).as("decode errors in %s", file).isEmpty();
            }
        }
        assertThat(recorder.output()).contains("Shutdown completed");
    }

    @Test
    void hostileStreamNamesNeverWriteOutsideTheRecordingsFolder() throws Exception {
        List<String> names = List.of(
                "../escape", "a/../../b", "..", ".", "./x", "/abs/path", "name with spaces", "caf\u00e9/\u6771\u4eac",
                "x".repeat(300), "ctl\u0001\u001b[31m", "back\\slash", "%2e%2e%2fenc", "semi;colon&amp?q=1#frag");
        for (String name : names) {
            pipeline.api.putPath(FakeMediaMtx.path(name).live(true).codecs("H264").build());
        }
        Path recordings = workDir.resolve("recordings");
        RecorderProcess recorder = pipeline.startRecorder("recording", Map.of("MAX_CONCURRENT_RECORDINGS", "20"));
        recorder.awaitOutput("x{20}.* - live; starting its recording", Duration.ofSeconds(15));
        await("every hostile name tried").atMost(Duration.ofSeconds(30))
                .until(() -> names.stream().filter(n -> n.length() < 60 && !n.chars().anyMatch(c -> c < 0x20))
                        .allMatch(n -> recorder.output().contains(n + " - live; starting its recording")));
        assertThat(recorder.isAlive()).isTrue();

        try (Stream<Path> everything = Files.walk(workDir)) {
            Set<Path> outside = everything
                    .filter(path -> !path.startsWith(recordings))
                    .filter(path -> !path.equals(workDir))
                    .collect(Collectors.toSet());
            assertThat(outside).as("files outside RECORDINGS_DIR").isEmpty();
        }
        try (Stream<Path> inside = Files.list(recordings)) {
            assertThat(inside.map(p -> p.getFileName().toString()))
                    .allMatch(name -> name.matches("[A-Za-z0-9._~-]{1,120}") && !name.startsWith(".") || name.equals(".vod-recorder"));
        }
    }

    @Test
    void invalidConfigurationIsReportedAllAtOnceWithExitCodeTwo() throws Exception {
        RecorderProcess recorder = pipeline.run("invalid-config", Map.of(
                "SEGMENT_DURATION", "abc",
                "MAX_CONCURRENT_RECORDINGS", "0",
                "MEDIAMTX_API_URL", "ftp://nowhere",
                "S3_SECRET_ACCESS_KEY", "very-secret-value"));
        assertThat(recorder.awaitExit(Duration.ofSeconds(20))).isEqualTo(2);
        String output = recorder.output();
        assertThat(output).contains("SEGMENT_DURATION=abc", "MAX_CONCURRENT_RECORDINGS=0", "MEDIAMTX_API_URL=ftp://nowhere");
        assertThat(output).doesNotContain("very-secret-value", "Exception", "\tat ");
        assertThat(Files.exists(workDir.resolve("recordings"))).isFalse();
    }

    @Test
    void checkReportsEachDependency() throws Exception {
        // check DESCRIBEs a live path over RTSP, so the path must be published, as with MediaMTX
        pipeline.publishLive("check/a");
        await("the publisher is served").atMost(Duration.ofSeconds(60))
                .until(() -> Ffprobe.probe(pipeline.rtsp.rtspUrl("check/a")).videoCodecs().contains("h264"));
        RecorderProcess ok = pipeline.run("check-ok", Map.of(), "check");
        assertThat(ok.awaitExit(Duration.ofSeconds(30))).as(ok.output()).isZero();
        assertThat(ok.output()).contains("ffmpeg", "mediamtx", "1 live", "answers DESCRIBE");

        pipeline.api.failWith(FakeMediaMtx.Failure.UNAUTHORIZED);
        RecorderProcess failing = pipeline.run("check-fail", Map.of(), "check");
        assertThat(failing.awaitExit(Duration.ofSeconds(30))).as(failing.output()).isEqualTo(1);
        assertThat(failing.output()).contains("FAIL", "MEDIAMTX_API_USER");
    }
}
