package io.github.mediamtxvod.catalog;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.mp4.FileSegmentSource;
import io.github.mediamtxvod.mp4.FragmentIndex;
import io.github.mediamtxvod.mp4.PlaybackException;
import io.github.mediamtxvod.recording.OutputFormat;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.recording.SegmentListener;
import io.github.mediamtxvod.runtime.TransitionLog;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the fragment index of each finished MP4 segment from its local file, while that is cheap
 * (about one small read per fragment from the page cache), and stores it in the catalogue. Playback
 * then cuts the segment without reading its index again, also from S3 once retention deleted the
 * file, where reading it would cost one round trip per fragment. After start, while no finished
 * segment waits, it also indexes the catalogue's local MP4 segments that have no index yet, oldest
 * first (retention deletes those first), in one pass: files of the start-up scan, of older versions,
 * or missed because the queue was full. A cache: what it misses anyway (the file went before it got
 * there) the first playback request reads and stores.
 *
 * <p>Threading: {@link #segmentFinished} only queues (at most {@value #QUEUE} segments; more are left
 * to the next start's pass or to playback); one platform thread, {@code catalog-indexer}, reads and
 * stores. The creator calls {@link #start()} and {@link #close()}.
 */
public final class FragmentIndexer implements SegmentListener, AutoCloseable {
    static final int QUEUE = 1000;
    /** Catalogue rows read per page of the pass over segments without an index. */
    static final int PAGE = 100;
    private static final Logger log = LoggerFactory.getLogger(FragmentIndexer.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(2);

    private final Catalog catalog;
    private final BlockingQueue<Segment> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final TransitionLog failures = new TransitionLog(log);
    private volatile Thread thread;

    public FragmentIndexer(Catalog catalog) {
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    public void start() {
        thread = Thread.ofPlatform().name("catalog-indexer").daemon(true).start(this::run);
    }

    /** Queues an MP4 segment; never blocks, never throws. */
    @Override
    public void segmentFinished(Segment segment) {
        if (OutputFormat.fromFileName(segment.fileName()) == OutputFormat.MP4 && !queue.offer(segment)) {
            log.debug("{} - index queue full; playback reads the index when first asked", segment.relativePath());
        }
    }

    private void run() {
        Backfill backfill = new Backfill();
        while (!closed.get()) {
            Segment segment = queue.poll();
            if (segment == null) {
                segment = backfill.next();
            }
            try {
                if (segment == null) {
                    segment = queue.take();
                }
            } catch (InterruptedException e) {
                return;
            }
            try {
                index(segment);
                failures.recovered("Fragment indexes are stored again");
            } catch (NoSuchFileException e) {
                log.debug("{} - gone before its index was read", segment.relativePath());
            } catch (Throwable e) { // keep indexing: one bad file or a busy catalogue must not end the thread
                failures.failed("{} - cannot store the fragment index; playback reads it when first asked: {}",
                        segment.relativePath(), e.toString());
            }
        }
    }

    /** The pass over the catalogue's local MP4 segments without an index, a page at a time. */
    private final class Backfill {
        private final Deque<Segment> page = new ArrayDeque<>();
        private Segment last;
        private boolean done;
        private int count;

        /** The next segment of the pass, or null once it is over. */
        Segment next() {
            if (page.isEmpty() && !done) {
                try {
                    catalog.withoutFragmentIndex(last, PAGE).forEach(entry -> page.add(entry.segment()));
                } catch (RuntimeException e) {
                    log.warn("Cannot list segments without a fragment index; playback reads them when first asked: {}",
                            e.toString());
                }
                if (page.isEmpty()) {
                    done = true;
                    if (count > 0) {
                        log.info("Fragment indexes read for {} segments recorded before this start", count);
                    }
                }
            }
            Segment next = page.poll();
            if (next != null) {
                last = next;
                count++;
            }
            return next;
        }
    }

    private void index(Segment segment) throws IOException {
        FileSegmentSource file = FileSegmentSource.of(catalog.localFile(segment), segment.start());
        FragmentIndex index;
        try {
            index = FragmentIndex.read(file);
        } catch (PlaybackException e) {
            log.debug("{} - no fragment index: {}", segment.relativePath(), e.getMessage());
            return;
        }
        catalog.storeFragmentIndexes(List.of(new StoredIndex(segment.relativePath(), file.size(), index.toBytes())));
    }

    /** Stops the thread; what is still queued is left to playback. Idempotent. */
    @Override
    public void close() {
        if (closed.getAndSet(true) || thread == null) {
            return;
        }
        thread.interrupt();
        try {
            if (!thread.join(STOP_TIMEOUT)) {
                log.warn("The fragment indexer did not stop within {}", STOP_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
