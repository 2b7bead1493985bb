package io.github.mediamtxvod.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.mediamtxvod.testing.Ffprobe.ProbeResult;
import io.github.mediamtxvod.testing.RtspTestServer.Publisher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proves the RTSP test harness with real GStreamer, FFmpeg and ffprobe processes. One server serves
 * every test; each test uses its own paths. The measured latencies are logged.
 */
class RtspTestServerIT {
    private static final Logger log = LoggerFactory.getLogger(RtspTestServerIT.class);
    private static final Duration FIRST_FRAME_DEADLINE = Duration.ofSeconds(20);

    private static RtspTestServer server;

    @BeforeAll
    static void startServer() {
        server = RtspTestServer.start("alpha", "beta");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void servesTwoPathsAtOnceEachWithItsOwnCodecs() {
        try (Publisher alpha = server.publish("alpha"); Publisher beta = server.publishVideoOnly("beta")) {
            ProbeResult alphaProbe = Ffprobe.probe(server.rtspUrl("alpha"));
            ProbeResult betaProbe = Ffprobe.probe(server.rtspUrl("beta"));

            assertThat(alphaProbe.videoCodecs()).as(alpha.describe()).containsExactly("h264");
            assertThat(alphaProbe.audioCodecs()).containsExactly("aac");
            assertThat(betaProbe.videoCodecs()).as(beta.describe()).containsExactly("h264");
            assertThat(betaProbe.audioCodecs()).isEmpty();
            log.info("measured: start time of alpha over RTSP {}, of beta {}",
                    alphaProbe.startTime(), betaProbe.startTime());
        }
    }

    @Test
    void recordingReadOverRtspIsPlayableAndDecodesCleanly(@TempDir Path directory) {
        Path file = directory.resolve("recording.mp4");
        try (Publisher publisher = server.publish("recorded");
                RtspReader reader = RtspReader.start(server.rtspUrl("recorded"), file, Duration.ofSeconds(4))) {
            assertThat(reader.waitForExit(Duration.ofSeconds(40))).as(reader.describe()).isTrue();
            assertThat(reader.exitValue()).as(reader.describe()).isZero();
            assertThat(publisher.isAlive()).as(publisher.describe()).isTrue();

            ProbeResult probe = Ffprobe.probe(file);
            assertThat(probe.playable()).as(probe.toString()).isTrue();
            assertThat(probe.audioCodecs()).containsExactly("aac");
            assertThat(probe.duration()).isBetween(Duration.ofMillis(3500), Duration.ofMillis(4500));
            // FFmpeg's own file, without the recorder's timing repair
            assertThat(Ffprobe.decodeErrorsBesidesFrameGrid(file)).isEmpty();
            log.info("measured: recorded mp4 start time {}, duration {}, reader stderr {}",
                    probe.startTime(), probe.duration(), reader.describe());
        }
    }

    @Test
    void timestampsRunOnWithoutAJumpWhenTheSenderReportsArrive(@TempDir Path directory) {
        // FFmpeg's RTSP reader re-bases each stream's timestamps on the server's RTCP sender reports
        // (the first comes a few seconds in): reports that disagree with each other jump them
        Path file = directory.resolve("reports.mkv");
        try (Publisher publisher = server.publish("reports");
                RtspReader reader = RtspReader.start(server.rtspUrl("reports"), file, Duration.ofSeconds(14))) {
            assertThat(reader.waitForExit(Duration.ofSeconds(60))).as(reader.describe()).isTrue();
            assertThat(reader.exitValue()).as(reader.describe()).isZero();
            assertThat(publisher.isAlive()).as(publisher.describe()).isTrue();

            for (String stream : List.of("v:0", "a:0")) {
                // the start is left out: there the reader aligns the streams on the first reports
                List<Double> times = Ffprobe.packetSeconds(file, stream).stream().filter(t -> t >= 3).toList();
                assertThat(times).as(stream).hasSizeGreaterThan(100);
                for (int i = 1; i < times.size(); i++) {
                    assertThat(times.get(i) - times.get(i - 1)).as("%s step at %.3f s", stream, times.get(i - 1))
                            .isBetween(0.0, 0.2);
                }
            }
        }
    }

    @Test
    void stoppingThePublisherMakesAReadingFfmpegExit() {
        Publisher publisher = server.publish("stopping");
        try (RtspReader reader = RtspReader.start(server.rtspUrl("stopping"), null, null)) {
            awaitFirstFrame(reader);

            long stoppedAt = System.nanoTime();
            publisher.stop();

            assertThat(reader.waitForExit(Duration.ofSeconds(8))).as(reader.describe()).isTrue();
            log.info("measured: reader exited {} ms after a graceful publisher stop, status {}",
                    (System.nanoTime() - stoppedAt) / 1_000_000, reader.exitValue());
            assertThat(server.events()).contains("UNPUBLISHED stopping 1");
        }
    }

    @Test
    void aCrashedPublisherEndsItsReadersAndANewPublisherIsServedAgain() {
        Publisher first = server.publish("restart");
        try (RtspReader reader = RtspReader.start(server.rtspUrl("restart"), null, null)) {
            awaitFirstFrame(reader);
            long killedAt = System.nanoTime();
            first.kill();
            assertThat(reader.waitForExit(Duration.ofSeconds(8))).as(reader.describe()).isTrue();
            log.info("measured: reader exited {} ms after the publisher was killed",
                    (System.nanoTime() - killedAt) / 1_000_000);
        }
        try (Publisher second = server.publish("restart");
                RtspReader reader = RtspReader.start(server.rtspUrl("restart"), null, null)) {
            awaitFirstFrame(reader);
            assertThat(second.isAlive()).isTrue();
        }
    }

    @Test
    void aReaderThatConnectsBeforeThePublisherGetsTheStreamOnceItStarts() {
        server.addPath("early");
        try (RtspReader reader = RtspReader.start(server.rtspUrl("early"), null, null)) {
            // The server built the path's pipeline for this reader, which now waits in DESCRIBE.
            await().atMost(Duration.ofSeconds(10)).until(() -> server.events().contains("MEDIA early"));
            assertThat(reader.isAlive()).isTrue();

            try (Publisher publisher = server.publish("early")) {
                Instant firstFrame = awaitFirstFrame(reader);
                log.info("measured: waiting reader got its first frame {} ms after the publisher started",
                        Duration.between(publisher.startedAt(), firstFrame).toMillis());
            }
        }
    }

    @Test
    void twentyConcurrentReadersOfOnePathAllGetData() {
        try (Publisher publisher = server.publish("crowd")) {
            List<RtspReader> readers = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    readers.add(RtspReader.start(server.rtspUrl("crowd"), null, Duration.ofSeconds(2)));
                }
                for (RtspReader reader : readers) {
                    assertThat(reader.waitForExit(Duration.ofSeconds(60))).as(reader.describe()).isTrue();
                    assertThat(reader.exitValue()).as(reader.describe()).isZero();
                    assertThat(reader.frames()).as(reader.describe()).isPositive();
                }
                long slowest = readers.stream()
                        .mapToLong(r -> Duration.between(r.startedAt(), r.firstFrameAt().orElseThrow()).toMillis())
                        .max().orElseThrow();
                log.info("measured: slowest of 20 joining readers got its first frame after {} ms", slowest);
            } finally {
                readers.forEach(RtspReader::close);
            }
            assertThat(publisher.isAlive()).as(publisher.describe()).isTrue();
        }
    }

    @Test
    void aPathAddedAtRunTimeWithSlashesInItsNameWorks() {
        try (Publisher publisher = server.publish("cams/front/main")) {
            ProbeResult probe = Ffprobe.probe(server.rtspUrl("cams/front/main"));

            assertThat(probe.videoCodecs()).as(publisher.describe()).containsExactly("h264");
            assertThat(probe.audioCodecs()).containsExactly("aac");
        }
    }

    @Test
    void removingAPathDisconnectsItsReaders() {
        try (Publisher publisher = server.publishVideoOnly("removed");
                RtspReader reader = RtspReader.start(server.rtspUrl("removed"), null, null)) {
            awaitFirstFrame(reader);

            server.removePath("removed");

            assertThat(reader.waitForExit(Duration.ofSeconds(5))).as(reader.describe()).isTrue();
            assertThat(publisher.isAlive()).isTrue();
        }
    }

    @Test
    void aLoopedPreEncodedFileIsServedBeyondItsOwnLength(@TempDir Path directory) {
        Path sample = RtspTestServer.encodeSample(directory.resolve("sample.ts"), Duration.ofSeconds(2));
        assertThat(sample).isRegularFile();
        try (Publisher publisher = server.publishFile("looped", sample);
                RtspReader reader = RtspReader.start(server.rtspUrl("looped"), null, Duration.ofSeconds(5))) {
            assertThat(reader.waitForExit(Duration.ofSeconds(40))).as(reader.describe()).isTrue();
            assertThat(reader.exitValue()).as(reader.describe()).isZero();
            // more than the file's 50 frames (2 s at 25 fps): only possible when the file loops. The
            // timestamps jump back at each loop, so the reader's 5 s cut may come early; the
            // bound leaves room for that
            assertThat(reader.frames()).as(reader.describe()).isGreaterThan(60);
            assertThat(publisher.isAlive()).as(publisher.describe()).isTrue();
        }
    }

    @Test
    void ffprobeReportsAnUnreadableFileAsNotPlayable(@TempDir Path directory) throws Exception {
        Path garbage = Files.writeString(directory.resolve("garbage.mp4"), "not a video");

        ProbeResult probe = Ffprobe.probe(garbage);

        assertThat(probe.playable()).isFalse();
        assertThat(probe.errors()).isNotEmpty();
        assertThat(Ffprobe.decodeErrorsBesidesFrameGrid(garbage)).isNotEmpty();
    }

    private static Instant awaitFirstFrame(RtspReader reader) {
        try {
            await().atMost(FIRST_FRAME_DEADLINE)
                    .failFast(() -> !reader.isAlive() && reader.firstFrameAt().isEmpty())
                    .until(() -> reader.firstFrameAt().isPresent());
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            throw new AssertionError("no frame: " + reader.describe() + "\nserver: " + server.serverOutputTail(), e);
        }
        return reader.firstFrameAt().orElseThrow();
    }
}
