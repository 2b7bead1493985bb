package io.github.mediamtxvod.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LanesTest {
    /** Never counted down: a part that waits on it blocks like a long upload until it is interrupted. */
    private static final CountDownLatch NEVER = new CountDownLatch(1);

    final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stopPool() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void everyIndexRunsOnceWithUpToWidthAtTheSameTime() throws Exception {
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        CountDownLatch fourRunning = new CountDownLatch(4);
        new Lanes(10, index -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            fourRunning.countDown();
            try {
                // the first four wait until all four run at once: proof of parallel lanes
                fourRunning.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new InterruptedIOException();
            }
            assertThat(seen.add(index)).isTrue();
            running.decrementAndGet();
        }).run(pool, 4);

        assertThat(seen).hasSize(10);
        assertThat(mostAtOnce.get()).isEqualTo(4);
    }

    @Test
    void theFirstFailureStopsTheOtherLanesAndIsThrownOnlyWhenNoneRunsAnyMore() throws Exception {
        CountDownLatch othersWaiting = new CountDownLatch(2);
        AtomicInteger interrupted = new AtomicInteger();
        AtomicBoolean anyStillRunning = new AtomicBoolean();
        AtomicInteger running = new AtomicInteger();
        Lanes lanes = new Lanes(100, index -> {
            running.incrementAndGet();
            try {
                if (index == 2) {
                    othersWaiting.await(10, TimeUnit.SECONDS);
                    throw new IOException("part 3 failed");
                }
                othersWaiting.countDown();
                NEVER.await(); // a long upload, ended by the interrupt
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                throw new InterruptedIOException("stopped");
            } finally {
                running.decrementAndGet();
            }
        });

        assertThatThrownBy(() -> {
            try {
                lanes.run(pool, 3);
            } finally {
                anyStillRunning.set(running.get() > 0);
            }
        }).isInstanceOf(IOException.class).hasMessage("part 3 failed");
        assertThat(interrupted.get()).isEqualTo(2);
        assertThat(anyStillRunning.get()).isFalse();
    }

    @Test
    void anInterruptedCallerStopsTheLanesAndKeepsItsInterrupt() throws Exception {
        CountDownLatch started = new CountDownLatch(2);
        Thread caller = Thread.currentThread();
        pool.execute(() -> {
            try {
                started.await();
            } catch (InterruptedException e) {
                return;
            }
            caller.interrupt();
        });
        try {
            assertThatThrownBy(() -> new Lanes(2, index -> {
                started.countDown();
                try {
                    NEVER.await();
                } catch (InterruptedException e) {
                    throw new InterruptedIOException("stopped");
                }
            }).run(pool, 2)).isInstanceOf(InterruptedIOException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void aClosedExecutorFailsTheUploadInsteadOfLosingParts() {
        pool.shutdown();
        assertThatThrownBy(() -> new Lanes(3, index -> { }).run(pool, 2)).isInstanceOf(InterruptedIOException.class);
    }

    @Test
    void anInterruptMeantForALaneNeverReachesTheNextTaskOfItsThread() throws Exception {
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch busy = new CountDownLatch(1);
            assertThatThrownBy(() -> new Lanes(2, index -> {
                if (index == 0) {
                    busy.countDown();
                    // busy without blocking: the interrupt stays pending when the lane returns
                    while (!Thread.currentThread().isInterrupted()) {
                        Thread.onSpinWait();
                    }
                    return;
                }
                try {
                    busy.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new InterruptedIOException();
                }
                throw new IOException("part 2 failed");
            }).run(two, 2)).hasMessage("part 2 failed");

            CountDownLatch bothThreads = new CountDownLatch(2);
            Set<Boolean> interrupted = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < 2; i++) {
                two.execute(() -> {
                    interrupted.add(Thread.currentThread().isInterrupted());
                    bothThreads.countDown();
                    try {
                        bothThreads.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        interrupted.add(true);
                    }
                });
            }
            assertThat(bothThreads.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(interrupted).containsExactly(false);
        } finally {
            two.shutdownNow();
        }
    }
}
