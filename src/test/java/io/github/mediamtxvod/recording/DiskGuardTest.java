package io.github.mediamtxvod.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DiskGuardTest {
    private static final long MIB = 1024 * 1024;

    private final AtomicLong free = new AtomicLong();
    private final AtomicInteger lowCalls = new AtomicInteger();

    @Test
    void aStreamThatHitAFullDiskResumesAtTheFloorWhenTheGuardIsOff() {
        DiskGuard guard = guard(0);

        free.set(DiskGuard.RESUME_FLOOR_BYTES - 1);
        assertThat(guard.hasRoom()).as("new slots only look at MIN_FREE_DISK_MB").isTrue();
        assertThat(guard.roomToResume()).isFalse();
        assertThat(lowCalls).hasValue(1);

        free.set(DiskGuard.RESUME_FLOOR_BYTES);
        assertThat(guard.roomToResume()).isTrue();
        assertThat(guard.resumeFreeBytes()).isEqualTo(4 * MIB);
    }

    @Test
    void aGuardAboveTheFloorIsWhatAResumeWaitsFor() {
        DiskGuard guard = guard(100 * MIB);

        free.set(99 * MIB);
        assertThat(guard.roomToResume()).isFalse();
        free.set(100 * MIB);
        assertThat(guard.roomToResume()).isTrue();
        assertThat(guard.resumeFreeBytes()).isEqualTo(100 * MIB);
    }

    @Test
    void aFreeSpaceThatCannotBeReadDoesNotHoldRecordingBack() {
        DiskGuard guard = new DiskGuard(Path.of("/nowhere"), 100 * MIB, dir -> {
            throw new IOException("no such folder");
        });

        assertThat(guard.roomToResume()).isTrue();
    }

    private DiskGuard guard(long minFree) {
        DiskGuard guard = new DiskGuard(Path.of("/recordings"), minFree, dir -> free.get());
        guard.whenLow(lowCalls::incrementAndGet);
        return guard;
    }
}
