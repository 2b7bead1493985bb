package io.github.mediamtxvod.mediamtx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.github.mediamtxvod.testing.FakeMediaMtx.Failure;
import io.github.mediamtxvod.testing.FakeMediaMtx;
import io.github.mediamtxvod.testing.LogCapture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PathPollerTest {
    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    private static final Duration FAST = Duration.ofMillis(50);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final FakeMediaMtx fake = FakeMediaMtx.start();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BlockingQueue<List<MediaMtxPath>> calls = new LinkedBlockingQueue<>();
    private MediaMtxClient client;
    private PathPoller poller;

    @AfterEach
    void tearDown() {
        if (poller != null) {
            poller.close();
        }
        if (client != null) {
            client.close();
        }
        fake.close();
    }

    @Test
    void listenerGetsLivePathsThatPassTheFiltersSortedByName() throws Exception {
        fake.setPaths(
                FakeMediaMtx.path("cam2").build(),
                FakeMediaMtx.path("cam1").build(),
                FakeMediaMtx.path("cam-test").build(),
                FakeMediaMtx.path("other").build(),
                FakeMediaMtx.path("cam3").live(false).build(),
                FakeMediaMtx.path("cam4").alwaysAvailableFiller().build());
        poller(FAST, Duration.ofSeconds(5), Pattern.compile("cam.*"), Pattern.compile("cam-test"),
                calls::add).start();

        List<MediaMtxPath> live = nextCall();

        assertThat(live).extracting(MediaMtxPath::name).containsExactly("cam1", "cam2");
        assertThat(poller.status()).isEqualTo(new PollerStatus(true, NOW, null, 0, 0));
    }

    @Test
    void pollsAgainEveryInterval() throws Exception {
        poller(FAST).start();

        for (int i = 0; i < 3; i++) {
            assertThat(nextCall()).isEmpty();
        }
    }

    @Test
    void failedPollsDoNotCallTheListenerAndRecoveryDoes() throws Exception {
        fake.setLive("cam1", true);
        poller(FAST).start();
        assertThat(nextCall()).hasSize(1);

        fake.failWith(Failure.HTTP_500);
        await().atMost(WAIT).until(() -> poller.status().consecutiveFailures() >= 2);
        calls.clear(); // no success can happen from here on, so no call may arrive either
        await().atMost(WAIT).until(() -> poller.status().consecutiveFailures() >= 3);
        assertThat(calls).isEmpty();
        PollerStatus failing = poller.status();
        assertThat(failing.reachable()).isFalse();
        assertThat(failing.lastSuccess()).isEqualTo(NOW);
        assertThat(failing.lastError()).contains("HTTP 500");

        fake.failWith(Failure.NONE);
        poller.pollNow();

        assertThat(nextCall()).extracting(MediaMtxPath::name).containsExactly("cam1");
        PollerStatus recovered = poller.status();
        assertThat(recovered.reachable()).isTrue();
        assertThat(recovered.lastError()).isNull();
        assertThat(recovered.consecutiveFailures()).isZero();
        assertThat(recovered.totalFailures()).isGreaterThanOrEqualTo(3);
        assertThat(registry.get(PathPoller.FAILURES_METRIC).counter().count())
                .isEqualTo((double) recovered.totalFailures());
    }

    @Test
    void logsTheFirstFailureAndTheRecoveryNotEachPoll() throws Exception {
        try (LogCapture logs = LogCapture.of(PathPoller.class)) {
            poller(FAST).start();
            nextCall();

            fake.failWith(Failure.CONNECTION_CLOSED);
            await().atMost(WAIT).until(() -> poller.status().consecutiveFailures() >= 3);
            assertThat(logs.messages(Level.WARN)).hasSize(1)
                    .allMatch(m -> m.contains("recordings in progress continue"));

            fake.failWith(Failure.NONE);
            poller.pollNow();
            nextCall();
            assertThat(logs.messages(Level.INFO)).filteredOn(m -> m.contains("reachable again"))
                    .hasSize(1);

            fake.failWith(Failure.HTTP_500);
            await().atMost(WAIT).until(() -> poller.status().consecutiveFailures() >= 2);
            assertThat(logs.messages(Level.WARN)).hasSize(2);
        }
    }

    @Test
    void pollNowDoesNotWaitForTheInterval() throws Exception {
        fake.setLive("cam1", true);
        poller(Duration.ofHours(1)).start();
        assertThat(nextCall()).hasSize(1);

        fake.setLive("cam2", true);
        poller.pollNow();

        assertThat(nextCall()).extracting(MediaMtxPath::name).containsExactly("cam1", "cam2");
    }

    @Test
    void requestedPollsComeAtMostOnceASecond() throws Exception {
        fake.setLive("cam1", true);
        long begin = System.nanoTime();
        poller(Duration.ofHours(1)).start();
        nextCall();

        for (int i = 0; i < 50; i++) {
            poller.pollNow();
        }

        nextCall();
        assertThat(Duration.ofNanos(System.nanoTime() - begin)).isGreaterThanOrEqualTo(PathPoller.MIN_REQUESTED_SPACING);
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> fake.requestCount() == 2);
    }

    @Test
    void listenerThatThrowsDoesNotStopPolling() {
        AtomicInteger invocations = new AtomicInteger();
        poller(FAST, Duration.ofSeconds(5), null, null, paths -> {
            if (invocations.incrementAndGet() == 1) {
                throw new IllegalStateException("listener bug");
            }
        }).start();

        await().atMost(WAIT).until(() -> invocations.get() >= 3);
        assertThat(poller.status().totalFailures()).isZero();
    }

    @Test
    void closeStopsThePollerThreadAndIsIdempotent() throws Exception {
        poller(FAST).start();
        nextCall();
        assertThat(pollerThreadAlive()).isTrue();

        poller.close();
        poller.close();
        poller.pollNow();

        // the pool reports termination just before its worker thread ends
        await().atMost(WAIT).until(() -> !pollerThreadAlive());
    }

    @Test
    void closeAbortsAPollThatHangsWithoutCountingAFailure() {
        fake.failWith(Failure.NO_ANSWER);
        poller(FAST, Duration.ofSeconds(60), null, null, calls::add).start();
        await().atMost(WAIT).until(() -> fake.requestCount() >= 1);

        long start = System.nanoTime();
        poller.close();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(poller.status().totalFailures()).isZero();
        assertThat(calls).isEmpty();
    }

    @Test
    void statusBeforeTheFirstPollIsNotReachableAndCounterStartsAtZero() {
        poller(FAST);

        assertThat(poller.status()).isEqualTo(new PollerStatus(false, null, null, 0, 0));
        assertThat(registry.get(PathPoller.FAILURES_METRIC).counter().count()).isZero();
    }

    @Test
    void startsOnlyOnceAndNotAfterClose() {
        poller(FAST).start();
        assertThatThrownBy(poller::start).isInstanceOf(IllegalStateException.class);

        MediaMtxConfig config = config(FAST, Duration.ofSeconds(5), null, null);
        PathPoller closed = new PathPoller(client, config, liveSet(config, calls::add), InstantSource.fixed(NOW), registry);
        closed.close();
        assertThatThrownBy(closed::start).isInstanceOf(IllegalStateException.class);
    }

    private PathPoller poller(Duration interval) {
        return poller(interval, Duration.ofSeconds(5), null, null, calls::add);
    }

    private PathPoller poller(
            Duration interval,
            Duration apiTimeout,
            Pattern include,
            Pattern exclude,
            Consumer<List<MediaMtxPath>> listener) {
        MediaMtxConfig config = config(interval, apiTimeout, include, exclude);
        client = new MediaMtxClient(config);
        poller = new PathPoller(client, config, liveSet(config, listener), InstantSource.fixed(NOW), registry);
        return poller;
    }

    private static LiveSet liveSet(MediaMtxConfig config, Consumer<List<MediaMtxPath>> listener) {
        LiveSet live = new LiveSet(config);
        live.whenAnswered(new Answers(listener));
        return live;
    }

    private MediaMtxConfig config(
            Duration interval, Duration apiTimeout, Pattern include, Pattern exclude) {
        return new MediaMtxConfig(fake.apiUrl(), URI.create("rtsp://127.0.0.1:8554"),
                null, null, interval, apiTimeout, include, exclude);
    }

    private List<MediaMtxPath> nextCall() throws InterruptedException {
        List<MediaMtxPath> call = calls.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(call).as("listener call within " + WAIT).isNotNull();
        return call;
    }

    private static boolean pollerThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(thread -> thread.getName().equals("mediamtx-poller") && thread.isAlive());
    }
}
