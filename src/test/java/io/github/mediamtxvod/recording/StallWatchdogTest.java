package io.github.mediamtxvod.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StallWatchdogTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long MICROS = 1_000_000L;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** An arbitrary, large clock origin: nanoTime has no meaningful zero. */
    private static final long T0 = 987_654_321_000L;

    @Test
    void mediaTimeAdvancingOnceASecondIsNeverStalled() {
        StallWatchdog watchdog = new StallWatchdog(TIMEOUT, T0);

        for (int i = 3; i <= 600; i++) {
            watchdog.progress((i - 3) * MICROS, T0 + i * SECOND);
            assertThat(watchdog.stalled(T0 + i * SECOND + SECOND / 2)).as("at %d s", i).isFalse();
        }
    }

    @Test
    void shapesThatNeverGrowTheFileStillAdvanceInMediaTime() {
        // audio-only with 30 s segments, a 10 s GOP and 100 kbit/s: the file stayed the same size
        // for 30, 10 and 22 s, while FFmpeg's out_time advanced in every block (0.99 - 1.18 s apart)
        double[] gaps = {0.99, 1.18, 1.0, 1.07, 1.04, 1.0};
        StallWatchdog watchdog = new StallWatchdog(TIMEOUT, T0);
        long now = T0 + 3 * SECOND;
        long outTime = 0;
        for (int i = 0; i < 300; i++) {
            long gap = (long) (gaps[i % gaps.length] * SECOND);
            now += gap;
            outTime += gap / 1000;
            watchdog.progress(outTime, now);
            assertThat(watchdog.stalled(now + SECOND)).isFalse();
        }
    }

    @Test
    void blocksWhoseMediaTimeStandsStillAreAStallAfterTheTimeout() {
        StallWatchdog watchdog = new StallWatchdog(TIMEOUT, T0);
        watchdog.progress(13 * MICROS, T0 + 15 * SECOND);
        for (int i = 16; i < 25; i++) {
            watchdog.progress(13 * MICROS, T0 + i * SECOND);
            assertThat(watchdog.stalled(T0 + i * SECOND)).isFalse();
        }

        assertThat(watchdog.stalled(T0 + 25 * SECOND - 1)).isFalse();
        assertThat(watchdog.stalled(T0 + 25 * SECOND)).isTrue();
        assertThat(watchdog.quietFor(T0 + 25 * SECOND)).isEqualTo(TIMEOUT);
    }

    @Test
    void noBlockAtAllAfterTheFirstIsAStall() {
        // a stalled FFmpeg prints nothing: only the timer's check sees it
        StallWatchdog watchdog = new StallWatchdog(TIMEOUT, T0);
        watchdog.progress(5 * MICROS, T0 + 4 * SECOND);

        assertThat(watchdog.stalled(T0 + 13 * SECOND)).isFalse();
        assertThat(watchdog.stalled(T0 + 14 * SECOND)).isTrue();
    }

    @Test
    void aBurstAfterAPauseIsHealthyAgain() {
        StallWatchdog watchdog = new StallWatchdog(Duration.ofSeconds(30), T0);
        watchdog.progress(13 * MICROS, T0 + 15 * SECOND);
        assertThat(watchdog.progress(39 * MICROS, T0 + 40 * SECOND)).isTrue();

        assertThat(watchdog.stalled(T0 + 69 * SECOND)).isFalse();
    }

    @Test
    void mediaTimeGoingBackIsNotProgress() {
        StallWatchdog watchdog = new StallWatchdog(TIMEOUT, T0);
        watchdog.progress(20 * MICROS, T0 + SECOND);

        assertThat(watchdog.progress(19 * MICROS, T0 + 5 * SECOND)).isFalse();
        assertThat(watchdog.progress(ProgressParser.UNKNOWN, T0 + 6 * SECOND)).isFalse();
        assertThat(watchdog.stalled(T0 + 11 * SECOND)).isTrue();
    }

    @Test
    void beforeTheFirstBlockTheStartupAllowanceIsAtLeastThirtySeconds() {
        StallWatchdog watchdog = new StallWatchdog(TIMEOUT, T0);

        assertThat(watchdog.started()).isFalse();
        assertThat(watchdog.stalled(T0 + 29 * SECOND)).isFalse();
        assertThat(watchdog.stalled(T0 + 30 * SECOND)).isTrue();
    }

    @Test
    void aLongTimeoutIsAlsoTheStartupAllowance() {
        StallWatchdog watchdog = new StallWatchdog(Duration.ofSeconds(60), T0);

        assertThat(watchdog.stalled(T0 + 59 * SECOND)).isFalse();
        assertThat(watchdog.stalled(T0 + 60 * SECOND)).isTrue();
    }

    @Test
    void theFirstBlockStartsTheStallClockEvenWithoutMediaTime() {
        StallWatchdog watchdog = new StallWatchdog(TIMEOUT, T0);
        assertThat(watchdog.progress(ProgressParser.UNKNOWN, T0 + 25 * SECOND)).isFalse();

        assertThat(watchdog.started()).isTrue();
        assertThat(watchdog.stalled(T0 + 34 * SECOND)).isFalse();
        assertThat(watchdog.stalled(T0 + 35 * SECOND)).isTrue();
    }

    @Test
    void worksAcrossTheNanoTimeWrap() {
        long start = Long.MAX_VALUE - 5 * SECOND;
        StallWatchdog watchdog = new StallWatchdog(TIMEOUT, start);
        watchdog.progress(MICROS, start + 2 * SECOND);

        assertThat(watchdog.stalled(start + 11 * SECOND)).isFalse();
        assertThat(watchdog.stalled(start + 12 * SECOND)).isTrue();
        assertThat(watchdog.quietFor(start + 12 * SECOND)).isEqualTo(TIMEOUT);
    }
}
