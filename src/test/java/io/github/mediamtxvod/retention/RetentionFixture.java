package io.github.mediamtxvod.retention;

import io.github.mediamtxvod.catalog.Catalog;
import io.github.mediamtxvod.catalog.Confirmation;
import io.github.mediamtxvod.catalog.Entry;
import io.github.mediamtxvod.recording.DiskSpace;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.testing.MutableClock;
import io.github.mediamtxvod.testing.SegmentFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.stream.Stream;

/** A catalogue over real files in a temporary RECORDINGS_DIR, with segments put in any state. */
final class RetentionFixture implements AutoCloseable {
    final Path dir;
    final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    final Catalog catalog;
    final SegmentFiles files;

    RetentionFixture(Path dir) {
        this.dir = dir;
        this.catalog = new Catalog(dir, clock);
        this.catalog.start();
        this.files = new SegmentFiles(dir);
    }

    /** A segment file of a session that started {@code age} ago, PENDING in the catalogue. */
    Segment pending(String stream, Duration age, int index, int size) throws IOException {
        Segment segment = files.write(stream, clock.instant().minus(age), index, size);
        catalog.recordFinished(segment);
        makeOld(segment.file(dir));
        return segment;
    }

    /** As {@link #pending}, then confirmed in S3 (UPLOADED). */
    Segment uploaded(String stream, Duration age, int index, int size) throws IOException {
        Segment segment = pending(stream, age, index, size);
        Entry claimed;
        do {
            claimed = catalog.claimNextPending().orElseThrow();
        } while (!claimed.relativePath().equals(segment.relativePath()) && requeue(claimed));
        catalog.markUploaded(claimed, new Confirmation("k/" + claimed.relativePath(), size, "etag", null,
                clock.instant()));
        return segment;
    }

    private boolean requeue(Entry other) {
        catalog.markFailed(other, "not this one", clock.instant());
        return true;
    }

    Entry stored(Segment segment) {
        return catalog.segment(segment.relativePath()).orElseThrow();
    }

    static void makeOld(Path path) throws IOException {
        SegmentFiles.makeOld(path);
    }

    static void makeAllOld(Path root) throws IOException {
        SegmentFiles.makeAllOld(root);
    }

    /** Bytes in segment files below the folder. */
    long bytesOnDisk() throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(p -> p.getFileName().toString().startsWith("segment_"))
                    .mapToLong(p -> p.toFile().length()).sum();
        }
    }

    /** A disk of {@code capacity} bytes filled only by the segment files. */
    DiskSpace diskOf(long capacity) {
        return ignored -> capacity - bytesOnDisk();
    }

    @Override
    public void close() {
        catalog.close();
    }
}
