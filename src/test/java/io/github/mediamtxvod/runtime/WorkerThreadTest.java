package io.github.mediamtxvod.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkerThreadTest {

    @Test
    void aWakeUpEndsAnAwaitAndCloseEndsTheLoop() throws Exception {
        WorkerThread worker = new WorkerThread("test-worker", Duration.ofSeconds(5));
        AtomicInteger rounds = new AtomicInteger();
        CountDownLatch waiting = new CountDownLatch(1);
        CountDownLatch woken = new CountDownLatch(1);
        worker.start(() -> {
            while (worker.running()) {
                try {
                    if (rounds.incrementAndGet() == 1) {
                        waiting.countDown();
                    } else {
                        woken.countDown();
                    }
                    worker.await(Duration.ofMinutes(10));
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();

        worker.wake();

        assertThat(woken.await(10, TimeUnit.SECONDS)).as("the ten-minute wait ended at the wake-up").isTrue();
        long started = System.nanoTime();
        worker.close();
        assertThat(worker.alive()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aPauseIsNotShortenedByWakeUpsButByClose() throws Exception {
        WorkerThread worker = new WorkerThread("test-worker", Duration.ofSeconds(5));
        CountDownLatch pausing = new CountDownLatch(1);
        CountDownLatch firstPauseOver = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        long[] pausedNanos = new long[1];
        worker.start(() -> {
            long started = System.nanoTime();
            pausing.countDown();
            worker.pause(Duration.ofMillis(300));
            pausedNanos[0] = System.nanoTime() - started;
            firstPauseOver.countDown();
            worker.pause(Duration.ofMinutes(10));
            ended.countDown();
        });
        assertThat(pausing.await(10, TimeUnit.SECONDS)).isTrue();
        worker.wake();
        worker.wake();
        assertThat(firstPauseOver.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(Duration.ofNanos(pausedNanos[0])).isGreaterThanOrEqualTo(Duration.ofMillis(300));

        worker.close(); // ends the ten-minute pause

        assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(worker.alive()).isFalse();
    }
}
