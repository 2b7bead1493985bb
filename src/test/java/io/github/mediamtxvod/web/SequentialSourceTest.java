package io.github.mediamtxvod.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.mp4.SegmentSource;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Front-to-back ranges share one response; a jump back, a long skip or a broken connection opens another. */
class SequentialSourceTest {
    private static final int SIZE = (int) SequentialSource.MAX_SKIP * 2 + 1000;
    private static final byte[] BYTES = new byte[SIZE];

    static {
        for (int i = 0; i < SIZE; i++) {
            BYTES[i] = (byte) (i * 31);
        }
    }

    @Test
    void rangesFrontToBackAreOneRequest() throws IOException {
        Remote remote = new Remote();
        try (SequentialSource source = new SequentialSource(remote)) {
            assertThat(read(source, 0, 100)).isEqualTo(Arrays.copyOfRange(BYTES, 0, 100));
            assertThat(read(source, 100, 50)).isEqualTo(Arrays.copyOfRange(BYTES, 100, 150));
            assertThat(read(source, 10_000, 20)).as("a skip forward").isEqualTo(Arrays.copyOfRange(BYTES, 10_000, 10_020));
            try (InputStream partly = source.open(20_000, 1000)) {
                assertThat(partly.readNBytes(10)).isEqualTo(Arrays.copyOfRange(BYTES, 20_000, 20_010));
            }
            assertThat(read(source, 20_500, 10)).as("after a range left half read")
                    .isEqualTo(Arrays.copyOfRange(BYTES, 20_500, 20_510));
            assertThat(source.requests()).isEqualTo(1);
        }
        assertThat(remote.open).isZero();
        try (SequentialSource source = new SequentialSource(remote)) {
            assertThat(read(source, SIZE - 10, 100)).as("cut at the end").isEqualTo(Arrays.copyOfRange(BYTES, SIZE - 10, SIZE));
        }
    }

    @Test
    void aJumpBackOrFarAheadOpensANewRequest() throws IOException {
        try (SequentialSource source = new SequentialSource(new Remote())) {
            read(source, 5_000, 10);
            assertThat(read(source, 100, 10)).isEqualTo(Arrays.copyOfRange(BYTES, 100, 110));
            assertThat(source.requests()).isEqualTo(2);
            int far = (int) SequentialSource.MAX_SKIP + 200;
            assertThat(read(source, far, 10)).isEqualTo(Arrays.copyOfRange(BYTES, far, far + 10));
            assertThat(source.requests()).isEqualTo(3);
        }
    }

    @Test
    void aBrokenConnectionIsReopenedAtTheByteReached() throws IOException {
        Remote remote = new Remote();
        remote.breakAfter = 150;
        try (SequentialSource source = new SequentialSource(remote)) {
            assertThat(read(source, 100, 100)).isEqualTo(Arrays.copyOfRange(BYTES, 100, 200));
            assertThat(source.requests()).isEqualTo(2);
            assertThat(remote.offsets).containsExactly(100L, 150L);
        }
    }

    private static byte[] read(SegmentSource source, long offset, long length) throws IOException {
        try (InputStream in = source.open(offset, length)) {
            return in.readAllBytes();
        }
    }

    /** A remote object in memory; counts open responses; can break the first one after some bytes. */
    private static final class Remote implements SegmentSource {
        final java.util.List<Long> offsets = new java.util.ArrayList<>();
        int open;
        long breakAfter = -1;

        @Override
        public String name() {
            return "s3://bucket/key";
        }

        @Override
        public Instant start() {
            return Instant.EPOCH;
        }

        @Override
        public long size() {
            return SIZE;
        }

        @Override
        public InputStream open(long offset, long length) {
            offsets.add(offset);
            open++;
            long failAt = breakAfter;
            breakAfter = -1;
            return new FilterInputStream(new ByteArrayInputStream(BYTES, (int) offset, (int) length)) {
                private long position = offset;

                @Override
                public int read(byte[] buffer, int at, int count) throws IOException {
                    if (failAt >= 0 && position >= failAt) {
                        throw new IOException("connection reset");
                    }
                    int limit = failAt >= 0 ? (int) Math.min(count, failAt - position) : count;
                    int read = super.read(buffer, at, limit);
                    position += Math.max(read, 0);
                    return read;
                }

                @Override
                public void close() throws IOException {
                    open--;
                    super.close();
                }
            };
        }
    }
}
