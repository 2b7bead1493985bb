package io.github.mediamtxvod.mediamtx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.mediamtxvod.mediamtx.PathChecks.Answer;
import io.github.mediamtxvod.mediamtx.PathChecks.Liveness;
import io.github.mediamtxvod.testing.FakeMediaMtx.Failure;
import io.github.mediamtxvod.testing.FakeMediaMtx;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Single-path checks against the MediaMTX API stand-in over real HTTP. */
class PathChecksTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final FakeMediaMtx fake = FakeMediaMtx.start();
    private final Answers answers = new Answers();
    private final ExecutorService callers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().factory());
    private MediaMtxClient client;
    private PathChecks checks;

    @AfterEach
    void tearDown() {
        callers.shutdownNow();
        if (checks != null) {
            checks.close();
        }
        if (client != null) {
            client.close();
        }
        fake.close();
    }

    @Test
    void answersLiveGoneAndUnknownAndPassesTheConfirmedOnesOn() {
        fake.setPaths(FakeMediaMtx.path("cam-live").build(), FakeMediaMtx.path("cam-idle").live(false).build(),
                FakeMediaMtx.path("cam-filler").alwaysAvailableFiller().build());
        start(Duration.ofSeconds(5));

        assertThat(checks.check("cam-live").liveness()).isEqualTo(Liveness.LIVE);
        assertThat(checks.check("cam-idle").liveness()).isEqualTo(Liveness.GONE);
        assertThat(checks.check("cam-filler").liveness()).isEqualTo(Liveness.GONE);
        Answer missing = checks.check("cam-missing");
        fake.failWith(Failure.HTTP_500);
        Answer failing = checks.check("cam-live");

        assertThat(missing).isEqualTo(new Answer(Liveness.GONE, "MediaMTX has no such path"));
        assertThat(failing.liveness()).isEqualTo(Liveness.UNKNOWN);
        assertThat(failing.detail()).contains("HTTP 500");
        assertThat(answers.drain()).containsExactly("live cam-live", "gone cam-idle", "gone cam-filler",
                "gone cam-missing");
    }

    @Test
    void anAskedAnswerIsNotPassedOnUnlessAHookJoinedItsCheck() throws Exception {
        fake.setLive("cam1", true);
        start(Duration.ofSeconds(5));

        assertThat(checks.ask("cam1").liveness()).isEqualTo(Liveness.LIVE);
        assertThat(answers.drain()).isEmpty();

        fake.hold();
        Future<Answer> first = callers.submit(() -> checks.ask("cam1"));
        await().atMost(WAIT).until(() -> fake.heldRequests() == 1);
        Future<Answer> asked = callers.submit(() -> checks.ask("cam1"));
        Future<Answer> hook = callers.submit(() -> checks.check("cam1"));
        await().during(Duration.ofMillis(200)).atMost(WAIT).until(() -> !asked.isDone() && !hook.isDone());
        fake.release();

        assertThat(List.of(first.get(), asked.get(), hook.get())).extracting(Answer::liveness)
                .containsOnly(Liveness.LIVE);
        assertThat(fake.pathRequestCount()).isEqualTo(3);
        assertThat(answers.drain()).as("the shared follow-up check is passed on for the hook").containsExactly("live cam1");
    }

    @Test
    void callersThatAskWhileACheckIsInFlightShareOneFollowUpCheck() throws Exception {
        fake.setLive("cam1", true);
        start(Duration.ofSeconds(5));
        fake.hold();
        List<Future<Answer>> asked = new ArrayList<>();
        asked.add(callers.submit(() -> checks.check("cam1")));
        await().atMost(WAIT).until(() -> fake.heldRequests() == 1);

        for (int i = 0; i < 20; i++) {
            asked.add(callers.submit(() -> checks.check("cam1")));
        }
        await().atMost(WAIT).until(() -> asked.stream().filter(Future::isDone).count() == 0
                && fake.pathRequestCount() == 1);
        fake.release();

        for (Future<Answer> answer : asked) {
            assertThat(answer.get().liveness()).isEqualTo(Liveness.LIVE);
        }
        assertThat(fake.pathRequestCount()).as("the first check and one shared follow-up").isEqualTo(2);
    }

    @Test
    void atMostEightRequestsAreInFlightWhateverTheNumberOfPaths() throws Exception {
        start(Duration.ofSeconds(10));
        fake.hold();

        List<Future<Answer>> asked = IntStream.range(0, 30)
                .mapToObj(i -> callers.submit(() -> checks.check("nobody-" + i))).toList();

        await().atMost(WAIT).until(() -> fake.heldRequests() == PathChecks.MAX_IN_FLIGHT);
        await().during(Duration.ofMillis(300)).atMost(WAIT)
                .until(() -> fake.heldRequests() == PathChecks.MAX_IN_FLIGHT);
        fake.release();
        for (Future<Answer> answer : asked) {
            assertThat(answer.get().liveness()).isEqualTo(Liveness.GONE);
        }
        assertThat(fake.pathRequestCount()).isEqualTo(30);
    }

    @Test
    void aCheckNeverBlocksLongerThanTheApiTimeout() {
        start(Duration.ofMillis(500));
        fake.failWith(Failure.NO_ANSWER);

        long begin = System.nanoTime();
        Answer answer = checks.check("cam1");
        Duration took = Duration.ofNanos(System.nanoTime() - begin);

        assertThat(answer.liveness()).isEqualTo(Liveness.UNKNOWN);
        assertThat(answer.detail()).contains("500 ms");
        assertThat(took).isLessThan(Duration.ofMillis(1_500));
    }

    @Test
    void aCallerWaitingBehindAHungCheckStillGetsAnAnswerInTime() throws Exception {
        start(Duration.ofMillis(800));
        fake.failWith(Failure.NO_ANSWER);
        Future<Answer> first = callers.submit(() -> checks.check("cam1"));
        await().atMost(WAIT).until(() -> fake.pathRequestCount() == 1);

        long begin = System.nanoTime();
        Answer second = checks.check("cam1");

        assertThat(second.liveness()).isEqualTo(Liveness.UNKNOWN);
        assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofMillis(1_800));
        assertThat(first.get().liveness()).isEqualTo(Liveness.UNKNOWN);
    }

    @Test
    void namesNoMediaMtxPathCanHaveAreGoneWithoutARequest() {
        start(Duration.ofSeconds(5));

        assertThat(checks.check("bell\u0007").liveness()).isEqualTo(Liveness.GONE);
        assertThat(checks.check(" ").liveness()).isEqualTo(Liveness.GONE);
        assertThat(fake.requestCount()).isZero();
    }

    @Test
    void beforeStartAndAfterCloseEveryAnswerIsUnknown() throws Exception {
        MediaMtxConfig config = config(Duration.ofSeconds(5));
        client = new MediaMtxClient(config);
        LiveSet live = new LiveSet(config);
        checks = new PathChecks(client, config, live);
        assertThat(checks.check("cam1").liveness()).isEqualTo(Liveness.UNKNOWN);

        checks.start();
        fake.hold();
        Future<Answer> inFlight = callers.submit(() -> checks.check("cam1"));
        await().atMost(WAIT).until(() -> fake.heldRequests() == 1);
        Future<Answer> waiting = callers.submit(() -> checks.check("cam1"));
        await().during(Duration.ofMillis(100)).atMost(WAIT).until(() -> !waiting.isDone());
        checks.close();

        assertThat(waiting.get().liveness()).isEqualTo(Liveness.UNKNOWN);
        assertThat(checks.check("cam2").liveness()).isEqualTo(Liveness.UNKNOWN);
        fake.release();
        assertThat(inFlight.get()).isNotNull();
    }

    private void start(Duration apiTimeout) {
        MediaMtxConfig config = config(apiTimeout);
        client = new MediaMtxClient(config);
        LiveSet live = new LiveSet(config);
        live.whenAnswered(answers);
        checks = new PathChecks(client, config, live);
        checks.start();
    }

    private MediaMtxConfig config(Duration apiTimeout) {
        return new MediaMtxConfig(fake.apiUrl(), URI.create("rtsp://127.0.0.1:8554"), null, null,
                Duration.ofSeconds(10), apiTimeout, null, null);
    }
}
