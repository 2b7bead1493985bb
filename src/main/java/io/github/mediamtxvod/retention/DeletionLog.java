package io.github.mediamtxvod.retention;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * What retention deleted, logged as a summary at most once a minute: with LOCAL_RETENTION_DAYS=0
 * every upload is followed by a run that deletes one file, and one INFO line each would drown
 * the log. Deleting for free space is news and is logged at once, with what was deleted by age
 * since the last line. Each run is logged at DEBUG. Not thread-safe: the janitor's thread only.
 */
final class DeletionLog {
    static final Duration PERIOD = Duration.ofMinutes(1);

    private final Logger log;
    private final LongSupplier nanoTime;
    private long byAge;
    private long forSpace;
    private long bytes;
    private long lastLoggedNanos;
    private boolean loggedBefore;

    DeletionLog(Logger log, LongSupplier nanoTime) {
        this.log = log;
        this.nanoTime = nanoTime;
    }

    /** One run's deletions. */
    void add(int deletedByAge, int deletedForSpace, long bytesFreed) {
        if (deletedByAge + deletedForSpace == 0) {
            return;
        }
        log.debug("Retention run deleted {} local files ({} by age, {} for free space), {} bytes freed", deletedByAge
                + deletedForSpace, deletedByAge, deletedForSpace, bytesFreed);
        byAge += deletedByAge;
        forSpace += deletedForSpace;
        bytes += bytesFreed;
        long now = nanoTime.getAsLong();
        if (deletedForSpace > 0 || !loggedBefore || now - lastLoggedNanos >= PERIOD.toNanos()) {
            flush();
        }
    }

    /** Logs what was deleted since the last line, if anything. */
    void flush() {
        if (byAge + forSpace == 0) {
            return;
        }
        log.info("Retention deleted {} local files confirmed in S3 ({} by age, {} for free space), {} MB freed{}",
                byAge + forSpace, byAge, forSpace, bytes / (1024 * 1024), loggedBefore ? " since the last report" : "");
        byAge = 0;
        forSpace = 0;
        bytes = 0;
        loggedBefore = true;
        lastLoggedNanos = nanoTime.getAsLong();
    }
}
