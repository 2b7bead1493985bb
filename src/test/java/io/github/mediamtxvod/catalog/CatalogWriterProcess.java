package io.github.mediamtxvod.catalog;

import io.github.mediamtxvod.recording.DiskSpace;
import io.github.mediamtxvod.recording.Segment;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a child JVM by {@link CatalogCrashTest}: records segments without end and prints a line
 * after each commit returned, until it is killed. {@code single} commits one segment per
 * transaction; {@code batch} commits 500 per transaction.
 */
final class CatalogWriterProcess {
    static final int BATCH = 500;

    private CatalogWriterProcess() {}

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        boolean batch = args[1].equals("batch");
        Instant session = Instant.parse("2026-03-01T10:00:00Z");
        // a checkpoint interval far beyond the recorder's: the log then holds every commit of the
        // torn-log test (about ten pages each), which it cuts
        Catalog catalog = new Catalog(dir, InstantSource.system(),
                CatalogTuning.defaults(DiskSpace.fileStore()).withWalCheckpointPages(10_000));
        catalog.start();
        for (int i = 0; ; i += batch ? BATCH : 1) {
            if (batch) {
                List<Segment> segments = new ArrayList<>();
                for (int j = i; j < i + BATCH; j++) {
                    segments.add(CatalogTest.finished("cam", session, j, j));
                }
                catalog.recordAllFinished(segments);
            } else {
                catalog.recordFinished(CatalogTest.finished("cam", session, i, i));
            }
            System.out.println("committed " + i);
            System.out.flush();
        }
    }
}
