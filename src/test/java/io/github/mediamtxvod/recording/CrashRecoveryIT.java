package io.github.mediamtxvod.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.mediamtxvod.testing.Ffprobe;
import io.github.mediamtxvod.testing.Pipeline;
import io.github.mediamtxvod.testing.RecorderProcess;
import io.github.mediamtxvod.testing.RtspTestServer;
import io.github.mediamtxvod.testing.SharedRtspServer;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crashes, with the recorder jar, real FFmpeg and the GStreamer RTSP server: FFmpeg SIGKILLed
 * mid-stream loses at most 3.5 s, the recorder SIGKILLed leaves a torn segment that the next start
 * cuts back to its last complete fragment before it is uploaded. Every file decodes without a
 * single error line.
 */
class CrashRecoveryIT {
    private static final Logger log = LoggerFactory.getLogger(CrashRecoveryIT.class);
    private static final Duration PUBLISH = Duration.ofSeconds(40);
    private static final double MAX_LOSS_SECONDS = 3.5;

    @RegisterExtension
    static final SharedRtspServer RTSP = new SharedRtspServer();

    @TempDir
    Path workDir;

    @Test
    void ffmpegKilledTenSecondsIntoAFortySecondPublishLosesAtMostThreeAndAHalfSeconds() throws Exception {
        try (Pipeline pipeline = Pipeline.on(RTSP.server(), workDir)) {
            String path = "crash/ffmpeg";
            RTSP.server().addPath(path);
            pipeline.api.setLive(path, true);
            // MediaMTX keeps a published path's media up whoever reads it; so does this reader here
            pipeline.keepPathReadable(path);
            RecorderProcess recorder = pipeline.startRecorder("crash-ffmpeg", Map.of("SEGMENT_DURATION", "60"));
            await("ffmpeg connected").atMost(Duration.ofSeconds(20)).until(() -> Pipeline.ffmpegChildren(recorder).size() == 1);
            ProcessHandle first = Pipeline.ffmpegChildren(recorder).get(0);

            RtspTestServer.Publisher publisher = pipeline.publish(path, RtspTestServer.Shape.AUDIO_VIDEO, PUBLISH);
            Instant published = publisher.startedAt();
            await("10 s of publishing").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                    .until(() -> Duration.between(published, Instant.now()).toMillis() >= 10_000);
            first.destroyForcibly();
            Instant killedAt = Instant.now();
            await("a new ffmpeg").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                    .until(() -> Pipeline.ffmpegChildren(recorder).stream().anyMatch(child -> child.pid() != first.pid()));
            Duration replacedIn = Duration.between(killedAt, Instant.now());
            assertThat(publisher.waitForExit(PUBLISH.plusSeconds(30))).isTrue();
            pipeline.api.setLive(path, false);
            recorder.awaitRecordingStopped("crash/ffmpeg", Duration.ofSeconds(30));

            List<Path> files = pipeline.segmentFiles(path);
            double video = 0;
            double audio = 0;
            for (Path file : files) {
                assertThat(Ffprobe.decodeErrors(file)).as("decode errors in %s", file).isEmpty();
                video += Ffprobe.packets(file, "v:0") / 25.0;
                audio += Ffprobe.packets(file, "a:0") * 1024 / 48000.0;
            }
            log.info("FFmpeg SIGKILL at 10 s of a 40 s publish: new ffmpeg after {} ms; {} files; video {} s, audio {} s "
                    + "recorded; missing {} s / {} s", replacedIn.toMillis(), files.size(), video, audio,
                    PUBLISH.toSeconds() - video, PUBLISH.toSeconds() - audio);
            assertThat(pipeline.sessionDirs(path)).as("one session before the kill, one after").hasSize(2);
            assertThat(PUBLISH.toSeconds() - video).as("seconds of video missing").isLessThanOrEqualTo(MAX_LOSS_SECONDS);
            assertThat(PUBLISH.toSeconds() - audio).as("seconds of audio missing").isLessThanOrEqualTo(MAX_LOSS_SECONDS);
        }
    }

    @Test
    void aSegmentTornByARecorderKillIsCutBackToItsLastFragmentBeforeItIsUploaded() throws Exception {
        try (Pipeline pipeline = Pipeline.on(RTSP.server(), workDir)) {
            pipeline.withS3();
            String path = "crash/recorder";
            pipeline.publishLive(path);
            Map<String, String> env = Map.of("SEGMENT_DURATION", "60");
            RecorderProcess first = pipeline.startRecorder("crash-recorder-1", env);
            await("a few fragments on disk").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> pipeline.segmentFiles(path).size() == 1
                            && Files.size(pipeline.segmentFiles(path).get(0)) > 1_000_000);
            List<ProcessHandle> ffmpeg = Pipeline.ffmpegChildren(first);

            first.kill();
            await("ffmpeg dies with the recorder").atMost(Duration.ofSeconds(10))
                    .until(() -> ffmpeg.stream().noneMatch(ProcessHandle::isAlive));
            Path torn = pipeline.segmentFiles(path).get(0);
            // a kill between the writes of one large fragment leaves part of it behind
            long killedSize = Files.size(torn);
            try (FileChannel channel = FileChannel.open(torn, StandardOpenOption.WRITE)) {
                channel.truncate(killedSize - 1000);
            }
            assertThat(Ffprobe.decodeErrorsBesidesFrameGrid(torn)).as("the torn file as the kill left it").isNotEmpty();
            String key = pipeline.recordingsDir().relativize(torn).toString().replace('\\', '/');

            RecorderProcess second = pipeline.startRecorder("crash-recorder-2", env);
            await("the torn segment uploaded").atMost(Duration.ofSeconds(60))
                    .until(() -> pipeline.objects().stream().anyMatch(object -> object.key().equals(key)));

            assertThat(Files.size(torn)).isLessThan(killedSize - 1000);
            assertThat(Ffprobe.decodeErrors(torn)).as("trimmed local file").isEmpty();
            Path downloaded = workDir.resolve("downloaded.mp4");
            Files.write(downloaded, pipeline.download(key));
            assertThat(Files.readAllBytes(downloaded)).isEqualTo(Files.readAllBytes(torn));
            assertThat(Ffprobe.decodeErrors(downloaded)).as("uploaded object").isEmpty();
            assertThat(second.output()).contains("was not finished by FFmpeg: cut");
            await("recording again").atMost(Duration.ofSeconds(30)).until(() -> pipeline.sessionDirs(path).size() == 2);
        }
    }
}
