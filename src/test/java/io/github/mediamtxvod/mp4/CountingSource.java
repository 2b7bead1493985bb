package io.github.mediamtxvod.mp4;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Passes reads to another source and records each range asked for, as an object store would see them. */
final class CountingSource implements SegmentSource {
    private final SegmentSource source;
    private final List<long[]> reads = Collections.synchronizedList(new ArrayList<>());

    CountingSource(SegmentSource source) {
        this.source = source;
    }

    @Override
    public String name() {
        return source.name();
    }

    @Override
    public Instant start() {
        return source.start();
    }

    @Override
    public long size() {
        return source.size();
    }

    @Override
    public InputStream open(long offset, long length) throws IOException {
        reads.add(new long[] {offset, length});
        return source.open(offset, length);
    }

    List<long[]> reads() {
        return List.copyOf(reads);
    }

    void clear() {
        reads.clear();
    }
}
