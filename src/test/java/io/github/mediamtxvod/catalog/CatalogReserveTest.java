package io.github.mediamtxvod.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogReserveTest {
    static final long SIZE = 64 * 1024;

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    final AtomicLong free = new AtomicLong(10 * SIZE);
    CatalogReserve reserve;

    CatalogReserve reserve() {
        return new CatalogReserve(dir, SIZE, ignored -> free.get(), clock::nanoTime);
    }

    @Test
    void isWrittenWithItsFullSizeWhenThereIsRoomForItThreeTimes() throws Exception {
        reserve = reserve();
        free.set(3 * SIZE - 1);
        assertThat(reserve.ensure()).isFalse();
        assertThat(dir.resolve(CatalogReserve.FILE_NAME)).doesNotExist();

        free.set(3 * SIZE);
        assertThat(reserve.ensure()).isTrue();
        assertThat(Files.size(dir.resolve(CatalogReserve.FILE_NAME))).isEqualTo(SIZE);
        assertThat(dir.resolve(CatalogReserve.FILE_NAME + ".tmp")).doesNotExist();
        // real bytes, not a hole a file system could leave unallocated, nor zeros it could compress away
        assertThat(Files.readAllBytes(dir.resolve(CatalogReserve.FILE_NAME))).containsAnyOf((byte) 1, (byte) -1);
    }

    @Test
    void releaseFreesItAndItComesBackOnlyAMinuteLaterWhenThereIsRoom() {
        reserve = reserve();
        reserve.ensure();

        assertThat(reserve.release()).isTrue();
        assertThat(reserve.present()).isFalse();
        assertThat(reserve.release()).as("nothing left to free").isFalse();

        clock.advance(Duration.ofSeconds(59));
        assertThat(reserve.ensure()).as("a disk hovering at full does not make it come and go").isFalse();
        clock.advance(Duration.ofSeconds(1));
        free.set(SIZE);
        assertThat(reserve.ensure()).as("no room yet").isFalse();
        free.set(10 * SIZE);
        assertThat(reserve.ensure()).isTrue();
        assertThat(reserve.present()).isTrue();
    }

    @Test
    void aReserveFromAnEarlierRunIsKept() throws Exception {
        reserve().ensure();
        Files.setLastModifiedTime(dir.resolve(CatalogReserve.FILE_NAME),
                java.nio.file.attribute.FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        free.set(0);

        assertThat(reserve().ensure()).isTrue();
        assertThat(Files.getLastModifiedTime(dir.resolve(CatalogReserve.FILE_NAME)).toInstant())
                .isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
    }
}
