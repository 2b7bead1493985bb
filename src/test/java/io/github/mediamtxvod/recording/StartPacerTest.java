package io.github.mediamtxvod.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StartPacerTest {
    private static final Duration INTERVAL = Duration.ofMillis(100);
    private static final long MILLI = 1_000_000L;

    private final AtomicLong clock = new AtomicLong(-5_000 * MILLI);
    private final StartPacer pacer = new StartPacer(INTERVAL, clock::get);

    @Test
    void theFirstStartWaitsForNothing() {
        assertThat(pacer.reserve()).isZero();
    }

    @Test
    void backToBackStartsAreSpacedByTheInterval() {
        assertThat(List.of(pacer.reserve(), pacer.reserve(), pacer.reserve()))
                .containsExactly(Duration.ZERO, Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void timePassingShortensTheWait() {
        pacer.reserve();
        pacer.reserve();
        clock.addAndGet(150 * MILLI);

        assertThat(pacer.reserve()).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void afterALongPauseTheNextStartIsFreeAgain() {
        pacer.reserve();
        pacer.reserve();
        pacer.reserve();
        clock.addAndGet(10_000 * MILLI);

        assertThat(pacer.reserve()).isZero();
        assertThat(pacer.reserve()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void aStartExactlyAtItsSlotWaitsForNothing() {
        pacer.reserve();
        clock.addAndGet(100 * MILLI);

        assertThat(pacer.reserve()).isZero();
        assertThat(pacer.reserve()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void aClockThatStartsAtZeroOrNegativeStillGivesAFreeFirstSlot() {
        StartPacer atZero = new StartPacer(INTERVAL, () -> 0L);
        StartPacer atMin = new StartPacer(INTERVAL, () -> Long.MIN_VALUE + 1);

        assertThat(atZero.reserve()).isZero();
        assertThat(atMin.reserve()).isZero();
        assertThat(atMin.reserve()).isEqualTo(INTERVAL);
    }

    @Test
    void concurrentReservationsAtOneInstantGetDistinctConsecutiveSlots() throws Exception {
        int threads = 8;
        int perThread = 250;
        List<Duration> waits = reserveConcurrently(pacer, threads, perThread);

        List<Duration> expected = new ArrayList<>();
        for (int i = 0; i < threads * perThread; i++) {
            expected.add(INTERVAL.multipliedBy(i));
        }
        assertThat(waits).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void concurrentReservationsWithAMovingClockNeverShareASlot() throws Exception {
        int threads = 8;
        int perThread = 250;
        ThreadLocal<Long> seen = new ThreadLocal<>();
        // each reading advances the clock by 1 ms and tells the reading thread what it saw
        StartPacer moving = new StartPacer(INTERVAL, () -> {
            long now = clock.addAndGet(MILLI);
            seen.set(now);
            return now;
        });
        List<Long> slots = Collections.synchronizedList(new ArrayList<>());
        runConcurrently(threads, () -> {
            for (int i = 0; i < perThread; i++) {
                Duration wait = moving.reserve();
                slots.add(seen.get() + wait.toNanos());
            }
        });

        List<Long> sorted = new ArrayList<>(slots);
        Collections.sort(sorted);
        assertThat(sorted).hasSize(threads * perThread);
        for (int i = 1; i < sorted.size(); i++) {
            assertThat(sorted.get(i) - sorted.get(i - 1)).isGreaterThanOrEqualTo(INTERVAL.toNanos());
        }
    }

    private static List<Duration> reserveConcurrently(StartPacer pacer, int threads, int perThread) throws Exception {
        List<Duration> waits = Collections.synchronizedList(new ArrayList<>());
        runConcurrently(threads, () -> {
            for (int i = 0; i < perThread; i++) {
                waits.add(pacer.reserve());
            }
        });
        return List.copyOf(waits);
    }

    private static void runConcurrently(int threads, Runnable task) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    go.await();
                    task.run();
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> future : done) {
                future.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
