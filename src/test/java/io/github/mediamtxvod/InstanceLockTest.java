package io.github.mediamtxvod;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One recorder per RECORDINGS_DIR, with the lock held by another real process. */
class InstanceLockTest {
    @TempDir
    Path dir;

    Process holder;

    @AfterEach
    void stopHolder() throws Exception {
        if (holder != null) {
            holder.destroyForcibly();
            holder.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Starts a child JVM that takes the lock; returns once it holds it. */
    void lockFromAnotherProcess() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), LockHolderProcess.class.getName(),
                dir.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), UTF_8));
        assertThat(out.readLine()).isEqualTo("locked");
    }

    @Test
    void aSecondRecorderIsToldWhichFolderAndWhichProcessHoldsIt() throws Exception {
        lockFromAnotherProcess();

        assertThatThrownBy(() -> InstanceLock.acquire(dir))
                .isInstanceOf(InstanceLock.HeldElsewhere.class)
                .hasMessageContaining("RECORDINGS_DIR=" + dir)
                .hasMessageContaining("PID " + holder.pid())
                .hasMessageContaining(dir.resolve(".vod-recorder").resolve("recorder.lock").toString())
                .satisfies(e -> assertThat(((InstanceLock.HeldElsewhere) e).pid()).isEqualTo(Long.toString(holder.pid())));
        assertThat(holder.isAlive()).as("the holder never notices").isTrue();
    }

    @Test
    void theKernelReleasesTheLockOfAKilledRecorder() throws Exception {
        lockFromAnotherProcess();
        holder.destroyForcibly();
        assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();

        InstanceLock lock = InstanceLock.acquire(dir);
        try {
            assertThat(Files.readString(InstanceLock.file(dir)).strip())
                    .isEqualTo(Long.toString(ProcessHandle.current().pid()));
        } finally {
            lock.close();
        }
    }

    @Test
    void theLockIsFreeAgainAfterClose() throws Exception {
        InstanceLock.acquire(dir).close();
        InstanceLock.acquire(dir).close();
        assertThat(InstanceLock.file(dir)).exists();
    }
}
