package io.github.mediamtxvod.playlist;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.catalog.CatalogException;
import io.github.mediamtxvod.catalog.Entry;
import io.github.mediamtxvod.catalog.PlaylistCatalog;
import io.github.mediamtxvod.recording.OutputFormat;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.recording.SegmentListener;
import io.github.mediamtxvod.recording.Session;
import io.github.mediamtxvod.runtime.Backoff;
import io.github.mediamtxvod.runtime.Durations;
import io.github.mediamtxvod.runtime.TransitionLog;
import io.github.mediamtxvod.runtime.WorkerThread;
import io.github.mediamtxvod.upload.S3ObjectWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The playlist stage: keeps an HLS playlist per recording session ({@code
 * <stream>/<day>/<session>/index.m3u8}) and per stream and UTC day ({@code
 * <stream>/<day>/index.m3u8}) below RECORDINGS_DIR and, with uploads on, at the same keys in S3.
 * A playlist lists only segments S3 confirmed (without S3: segments on disk), so it never points
 * at a missing object, and it is completed ({@code #EXT-X-ENDLIST}) once its session ended (a day:
 * once every session of it ended) and its last segment is in place. A day playlist completed while
 * the stream was off is opened again when a new session of that day begins.
 *
 * <p>Cost: changes are coalesced ({@link PublishSchedule}): a session playlist is published at most
 * every half segment (2 s to 30 s), a day playlist at most every 30 s per 1,000 segments it lists
 * (at most 5 minutes), and the thread looks at most once a second however often it is woken; a
 * new playlist and a completion go out at once. A burst of confirmations (a backlog after an S3
 * outage) thus costs one publish per playlist and interval. A session playlist already published in
 * this run is continued with the segments added since, not rebuilt (see {@link PlaylistBuilder}).
 * Local files are replaced atomically but not fsynced: they are derived from the catalogue.
 *
 * <p>Durability: what is out of date is in the catalogue ({@link PlaylistCatalog}); the stage
 * rebuilds each such playlist from the catalogue, so a kill, an S3 outage or a failed write only
 * delays it: it is retried with capped backoff, logged on the first failure, in a summary while
 * it lasts and on recovery.
 *
 * <p>Threading: one platform thread, {@code playlist-publisher} (file reads and writes, S3
 * calls). As a {@link SegmentListener} it runs on the recorders' threads: it reads a finished
 * segment's media facts (box headers only) and records them, then wakes the thread. The creator
 * calls {@link #start()} after the catalogue is reconciled and before any FFmpeg starts, and
 * {@link #close()} after the recordings stopped.
 */
public final class PlaylistPublisher implements SegmentListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PlaylistPublisher.class);
    private static final int PAGE = 50;
    /** The least time between two looks: a thousand streams waking the thread cost one look a second. */
    private static final Duration PASS_GAP = Duration.ofSeconds(1);

    private final PlaylistCatalog catalog;
    private final Path recordingsDir;
    private final InstantSource clock;
    private final PlaylistBuilder builder;
    private final Backoff backoff;
    private final boolean uploads;
    private final LongSupplier nanoTime;
    private final PublishSchedule schedule;
    private final WorkerThread worker = new WorkerThread("playlist-publisher", Duration.ofSeconds(3));
    private final TransitionLog failures = new TransitionLog(log);
    private final TransitionLog listenerFailures =
            new TransitionLog(log, Level.ERROR, TransitionLog.SUMMARY_PERIOD, System::nanoTime);
    private volatile Runnable onPublished = () -> { };
    /** Set by {@link #start()} before the thread starts; used by the thread only. */
    private DuePlaylists due;

    /**
     * @param segmentDuration SEGMENT_DURATION: the least target duration of every playlist
     * @param webhooks whether to log a {@code session.finished} webhook event for each session
     * @param backoff the wait after consecutive failures
     */
    public PlaylistPublisher(PlaylistCatalog catalog, S3ObjectWriter s3, Path recordingsDir, Duration segmentDuration,
            boolean webhooks, InstantSource clock, Backoff backoff) {
        this(catalog, s3, recordingsDir, segmentDuration, webhooks, clock, backoff, System::nanoTime);
    }

    /** As above, with the monotonic clock of the publish intervals ({@link PublishSchedule}) injected. */
    PlaylistPublisher(PlaylistCatalog catalog, S3ObjectWriter s3, Path recordingsDir, Duration segmentDuration,
            boolean webhooks, InstantSource clock, Backoff backoff, LongSupplier nanoTime) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.uploads = requireNonNull(s3, "s3 is null").enabled();
        this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
        this.schedule = PublishSchedule.forSegments(requireNonNull(segmentDuration, "segmentDuration is null"), nanoTime);
        this.recordingsDir = requireNonNull(recordingsDir, "recordingsDir is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.backoff = requireNonNull(backoff, "backoff is null");
        this.builder = new PlaylistBuilder(catalog, requireNonNull(s3, "s3 is null"), recordingsDir,
                requireNonNull(segmentDuration, "segmentDuration is null"), webhooks);
    }

    /** The retry policy of production: 1 s, doubling up to a minute, with jitter. */
    public static Backoff defaultBackoff() {
        return Backoff.withJitter(Duration.ofSeconds(1), Duration.ofMinutes(1), Math::random);
    }

    /** Runs after each pass that published something (to wake the webhook sender); set before start. */
    public void whenPublished(Runnable action) {
        this.onPublished = requireNonNull(action, "action is null");
    }

    /**
     * Ends every session left open by the last run (no FFmpeg runs yet) and starts the thread.
     */
    public void start() {
        Instant startedAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        due = new DuePlaylists(catalog, builder, schedule, nanoTime, startedAt, worker::running);
        int open = catalog.endSessionsAtStart();
        if (open > 0) {
            log.info("{} recording sessions of the last run ended with it; their playlists are completed", open);
        }
        worker.start(this::run);
    }

    /** Something may be out of date: the thread looks now (a backoff wait still applies). */
    public void wake() {
        worker.wake();
    }

    @Override
    public void segmentFinished(Segment segment) {
        try {
            if (OutputFormat.fromFileName(segment.fileName()) == OutputFormat.MP4) {
                try {
                    catalog.recordMedia(segment.relativePath(), SegmentMediaReader.read(segment.file(recordingsDir)));
                } catch (IOException e) {
                    log.warn("{} - cannot read it for the playlist: {}", segment.relativePath(), e.getMessage());
                }
            }
            // with uploads on, the segment is listed once S3 confirmed it: that makes the playlist out of date
            catalog.segmentFinished(segment.stream(), segment.sessionStart(), !uploads);
            listenerFailures.recovered("The playlists' catalogue records finished segments again");
        } catch (CatalogException e) {
            listenerFailures.failed("{} - cannot note the finished segment for the playlists; they catch up at the next"
                    + " start: {}", segment.relativePath(), e.getMessage());
        }
        wake();
    }

    @Override
    public void sessionEnded(Session session) {
        try {
            catalog.sessionEnded(session.stream(), session.start());
        } catch (CatalogException e) {
            listenerFailures.failed("{} - cannot note the end of session {}; its playlist is completed at the next"
                    + " start: {}", session.stream(), session.relativePath(), e.getMessage());
        }
        wake();
    }

    private void run() {
        readMissingMedia();
        while (worker.running()) {
            long passStart = System.nanoTime();
            try {
                DuePlaylists.Pass pass = due.publish();
                failures.recovered("Playlists are published again after {} failed attempts over {}",
                        failures.failures(), Durations.describe(failures.failingFor()));
                if (pass.published()) {
                    onPublished.run();
                }
                worker.await(pass.nextDue());
                // the wake-ups of the gap are taken in by the next pass
                worker.pause(PASS_GAP.minusNanos(System.nanoTime() - passStart));
            } catch (Throwable e) {
                if (!worker.running()) {
                    return;
                }
                Duration wait = backoff.delay(failures.failures() + 1);
                if (expected(e)) {
                    failures.failed("Cannot publish a playlist, retrying in {}: {}", Durations.describe(wait), e.toString());
                } else {
                    failures.failed("Cannot publish a playlist, retrying in {}: {}", Durations.describe(wait), e.toString(),
                            e);
                }
                worker.pause(wait);
            }
        }
    }

    /** Storage, disk or catalogue trouble says enough in one line; anything else gets its stack trace. */
    private static boolean expected(Throwable e) {
        return e instanceof SdkException || e instanceof IOException || e instanceof UncheckedIOException
                || e instanceof CatalogException;
    }

    /** Media facts of segments found at start that are not in S3 yet, read while their files exist. */
    private void readMissingMedia() {
        String after = "";
        try {
            List<Entry> page;
            while (worker.running() && !(page = catalog.unconfirmedWithoutMedia(after, PAGE)).isEmpty()) {
                for (Entry entry : page) {
                    try {
                        catalog.recordMedia(entry.relativePath(), SegmentMediaReader.read(entry.segment().file(recordingsDir)));
                    } catch (IOException e) {
                        log.debug("{} - no media facts: {}", entry.relativePath(), e.getMessage());
                    }
                    after = entry.relativePath();
                }
            }
        } catch (RuntimeException e) {
            log.warn("Cannot read the media facts of the segments found at start; playlists read them when they"
                    + " need them: {}", e.toString());
        }
    }

    /** Stops the thread, letting a playlist being published finish for a moment; idempotent. */
    @Override
    public void close() {
        worker.close();
        if (worker.alive()) {
            log.warn("The playlist publisher did not stop in time; what it was publishing is done at the next start");
        }
    }
}
