package io.github.mediamtxvod.recording;

import static io.github.mediamtxvod.recording.FfmpegExit.CRASHED;
import static io.github.mediamtxvod.recording.FfmpegExit.DISK_FULL;
import static io.github.mediamtxvod.recording.FfmpegExit.FAILED;
import static io.github.mediamtxvod.recording.FfmpegExit.STALLED;
import static io.github.mediamtxvod.recording.FfmpegExit.STOPPED;
import static io.github.mediamtxvod.recording.FfmpegExit.STREAM_ENDED;
import static io.github.mediamtxvod.recording.FfmpegExit.TIMED_OUT;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FfmpegExitTest {
    @Test
    void aPublisherThatStoppedEndsFfmpegWithStatusZero() {
        assertThat(FfmpegExit.classify(0, false, false, false, false)).isEqualTo(STREAM_ENDED);
    }

    @Test
    void aSilentServerEndsFfmpegWithStatusZeroAndATimeout() {
        assertThat(FfmpegExit.classify(0, false, false, false, true)).isEqualTo(TIMED_OUT);
    }

    @Test
    void aFullDiskIsStatusOneWithNoSpaceLeft() {
        assertThat(FfmpegExit.classify(1, false, false, true, false)).isEqualTo(DISK_FULL);
        assertThat(FfmpegExit.classify(255, false, false, true, false)).isEqualTo(DISK_FULL);
    }

    @Test
    void signalsTheRecorderDidNotSendAreCrashes() {
        assertThat(FfmpegExit.classify(137, false, false, false, false)).as("SIGKILL").isEqualTo(CRASHED);
        assertThat(FfmpegExit.classify(139, false, false, false, false)).as("SIGSEGV").isEqualTo(CRASHED);
        assertThat(FfmpegExit.classify(255, false, false, false, false)).as("someone's SIGINT").isEqualTo(CRASHED);
        assertThat(FfmpegExit.classify(123, false, false, false, false)).as("4 signals").isEqualTo(CRASHED);
    }

    @Test
    void otherStatusesAreFailures() {
        assertThat(FfmpegExit.classify(1, false, false, false, false)).isEqualTo(FAILED);
        assertThat(FfmpegExit.classify(8, false, false, false, false)).isEqualTo(FAILED);
        assertThat(FfmpegExit.classify(-1, false, false, false, false)).isEqualTo(FAILED);
    }

    @Test
    void whatTheRecorderDidComesFirst() {
        for (int status : new int[] {0, 1, 137, 255}) {
            assertThat(FfmpegExit.classify(status, true, true, true, true)).isEqualTo(STOPPED);
            assertThat(FfmpegExit.classify(status, false, true, true, true)).isEqualTo(STALLED);
        }
    }

    @Test
    void onlyEndsThatMayMeanThePathIsGoneAskMediaMtx() {
        assertThat(STREAM_ENDED.asksMediaMtx()).isTrue();
        assertThat(FAILED.asksMediaMtx()).isTrue();
        for (FfmpegExit exit : new FfmpegExit[] {STOPPED, STALLED, DISK_FULL, TIMED_OUT, CRASHED}) {
            assertThat(exit.asksMediaMtx()).as("%s", exit).isFalse();
        }
    }
}
