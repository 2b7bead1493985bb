package io.github.mediamtxvod.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.mediamtxvod.recording.SegmentLayout;
import io.github.mediamtxvod.testing.Ffprobe;
import io.github.mediamtxvod.testing.Pipeline;
import io.github.mediamtxvod.testing.RecorderProcess;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hooks left open (no HOOK_TOKEN, no basic auth, the default) are hints from anyone: the recorder
 * asks MediaMTX before it acts, so a hostile caller can neither stop a live stream nor take
 * recording slots with paths that are not live. Measured in seconds of media recorded, against
 * the real pipeline with the default polling interval (10 s).
 */
class HostileHooksIT {
    /** Seconds a recording normally misses at its start (first poll or hook, FFmpeg's connect) and its end. */
    private static final double NORMAL_LOSS_SECONDS = 4;

    @TempDir
    Path workDir;

    private Pipeline pipeline;
    private final ScheduledExecutorService hostile = Executors.newSingleThreadScheduledExecutor();

    @BeforeEach
    void setUp() {
        pipeline = Pipeline.start(workDir);
    }

    @AfterEach
    void tearDown() {
        hostile.shutdownNow();
        pipeline.close();
    }

    @Test
    void notReadyOnceASecondDoesNotKeepALiveStreamFromBeingRecorded() throws Exception {
        pipeline.publishLive("cam1");
        RecorderProcess recorder = pipeline.startRecorder("hostile-not-ready", Map.of("POLLING_INTERVAL", "10"));
        long begin = System.nanoTime();
        Queue<String> outcomes = new ConcurrentLinkedQueue<>();

        hostile.scheduleAtFixedRate(() -> outcomes.add(hook("not-ready", "cam1")), 0, 1, TimeUnit.SECONDS);
        await("30 not-ready calls").atMost(Duration.ofSeconds(60)).until(() -> outcomes.size() >= 30);
        hostile.shutdownNow();

        assertRecordedThroughout("cam1", recorder, begin, outcomes.size() + " not-ready calls");
        assertThat(outcomes).as("MediaMTX still lists cam1: nothing stops").containsOnly("STILL_LIVE");
    }

    @Test
    void readyForPathsThatAreNotLiveTakesNoSlotFromARealStream() throws Exception {
        IntStream.range(5, 10).forEach(i -> pipeline.api.setLive("ghost" + i, false)); // configured, nobody publishes
        RecorderProcess recorder = pipeline.startRecorder("hostile-ready",
                Map.of("POLLING_INTERVAL", "10", "MAX_CONCURRENT_RECORDINGS", "3"));
        Queue<String> ghostOutcomes = new ConcurrentLinkedQueue<>();
        hostile.scheduleAtFixedRate(() -> IntStream.range(0, 10).parallel()
                .forEach(i -> ghostOutcomes.add(hook("ready", "ghost" + i))), 0, 1, TimeUnit.SECONDS);
        await("the first 10 ready calls for ghosts").atMost(Duration.ofSeconds(30)).until(() -> ghostOutcomes.size() >= 10);

        pipeline.publishLive("cam2");
        long begin = System.nanoTime();
        assertThat(hook("ready", "cam2")).isEqualTo("STARTED");
        await("25 s more of ghost calls").atMost(Duration.ofSeconds(90)).until(() -> ghostOutcomes.size() >= 260);
        assertThat(Pipeline.ffmpegChildren(recorder)).as("only cam2 holds a slot").hasSize(1);
        hostile.shutdownNow();

        assertRecordedThroughout("cam2", recorder, begin, ghostOutcomes.size() + " ready calls for 10 ghost paths");
        assertThat(ghostOutcomes).containsOnly("NOT_LIVE");
        for (int i = 0; i < 10; i++) {
            assertThat(pipeline.recordingsDir().resolve(SegmentLayout.safeStreamName("ghost" + i))).doesNotExist();
        }
    }

    @Test
    void readyForAPathThatDoesNotExistStartsNothing() throws Exception {
        RecorderProcess recorder = pipeline.startRecorder("ready-missing", Map.of("POLLING_INTERVAL", "10"));
        recorder.awaitOutput("MediaMTX API reachable", Duration.ofSeconds(30));

        HttpResponse<String> answer = pipeline.post("/api/hooks/ready?path=nobody");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(Pipeline.parse(answer.body()).get("outcome").asText()).isEqualTo("NOT_LIVE");
        assertThat(Pipeline.parse(answer.body()).get("message").asText()).contains("no such path");
        await("no ffmpeg, no folder").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> Pipeline.ffmpegChildren(recorder).isEmpty()
                        && !Files.exists(pipeline.recordingsDir().resolve("nobody")));
        assertThat(recorder.output()).doesNotContain("nobody - live");
    }

    private String hook(String event, String path) {
        try {
            HttpResponse<String> answer = pipeline.post("/api/hooks/" + event + "?path=" + path);
            return answer.statusCode() == 200
                    ? Pipeline.parse(answer.body()).get("outcome").asText()
                    : "HTTP " + answer.statusCode();
        } catch (IOException e) {
            return "failed: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * Stops the recorder (every segment finished), then checks that {@code stream} was recorded in
     * one session, never interrupted, for all the time since {@code begin} but the normal loss.
     */
    private void assertRecordedThroughout(String stream, RecorderProcess recorder, long begin, String hostility)
            throws Exception {
        double window = (System.nanoTime() - begin) / 1e9;
        recorder.terminate();
        assertThat(recorder.awaitExit(Duration.ofSeconds(30))).isZero();
        double recorded = secondsRecorded(stream);
        System.out.printf("hostile hooks: %s recorded %.1f s of %.1f s under %s%n", stream, recorded, window, hostility);
        assertThat(pipeline.sessionDirs(stream)).as("one session, never interrupted").hasSize(1);
        assertThat(recorded).isGreaterThanOrEqualTo(window - NORMAL_LOSS_SECONDS);
    }

    private double secondsRecorded(String stream) throws IOException {
        double seconds = 0;
        List<Path> files = pipeline.segmentFiles(stream);
        for (Path file : files) {
            Ffprobe.ProbeResult probe = Ffprobe.probe(file);
            assertThat(probe.playable()).as("%s: %s", file, probe).isTrue();
            seconds += probe.duration().toMillis() / 1000.0;
        }
        return seconds;
    }
}
