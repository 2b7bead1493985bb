package io.github.mediamtxvod.mp4;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A segment held in memory that records every ranged read, the way an object store would see
 * them, into its own list and an optional shared event log. Thread-safe for the tests' use.
 */
final class MemorySource implements SegmentSource {
    private final String name;
    private final Instant start;
    private final byte[] bytes;
    private final List<String> events;
    private final List<long[]> reads = Collections.synchronizedList(new ArrayList<>());

    MemorySource(String name, Instant start, byte[] bytes, List<String> events) {
        this.name = name;
        this.start = start;
        this.bytes = bytes;
        this.events = events;
    }

    MemorySource(String name, Instant start, byte[] bytes) {
        this(name, start, bytes, null);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Instant start() {
        return start;
    }

    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public InputStream open(long offset, long length) {
        reads.add(new long[] {offset, length});
        if (events != null) {
            events.add("read " + name + " " + offset + "+" + length);
        }
        int from = (int) Math.min(offset, bytes.length);
        return new ByteArrayInputStream(bytes, from, (int) Math.min(length, bytes.length - from));
    }

    /** The reads so far as {offset, length} pairs. */
    List<long[]> reads() {
        return List.copyOf(reads);
    }

    void clearReads() {
        reads.clear();
    }

    long bytesRead() {
        long total = 0;
        for (long[] read : reads()) {
            total += Math.min(read[1], bytes.length - read[0]);
        }
        return total;
    }
}
