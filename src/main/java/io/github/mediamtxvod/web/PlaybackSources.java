package io.github.mediamtxvod.web;

import io.github.mediamtxvod.catalog.CatalogException;
import io.github.mediamtxvod.catalog.Entry;
import io.github.mediamtxvod.catalog.StoredIndex;
import io.github.mediamtxvod.mp4.FragmentIndex;
import io.github.mediamtxvod.mp4.IndexedSource;
import io.github.mediamtxvod.mp4.PlaybackException;
import io.github.mediamtxvod.mp4.SegmentSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segments of a {@code /get} as the muxer takes them: each from its local file while it is
 * there, else from S3 with ranged reads, with its fragment index from the catalogue when one was
 * stored for a file of the same size, else read from the bytes and stored for the next request.
 * Missing indexes are read several at a time ({@link ParallelReads}: S3 round trips dominate). A
 * segment that is neither on disk nor in S3, or whose bytes are not a fragmented MP4, is left out
 * (the output skips it like a gap) and logged. S3 objects are read through {@link SequentialSource},
 * one GET per object as far as the reads allow. One instance per request, closed by it (that drops
 * the S3 responses still open); not thread-safe.
 */
final class PlaybackSources implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PlaybackSources.class);

    private final RecorderView view;
    private final Path recordingsDir;
    private final PlaybackIo io;
    private final List<SequentialSource> remote = new ArrayList<>();

    PlaybackSources(RecorderView view, Path recordingsDir, PlaybackIo io) {
        this.view = view;
        this.recordingsDir = recordingsDir;
        this.io = io;
    }

    /** A segment to read, with its stored index when that fits its bytes. */
    private record Candidate(String relativePath, SegmentSource source, FragmentIndex stored) {}

    /**
     * The sources of {@code entries} (in time order) that can be read, with their indexes.
     *
     * @throws IOException when a segment's bytes cannot be read (S3 unreachable, a file unreadable)
     */
    List<IndexedSource> indexed(List<Entry> entries) throws IOException {
        List<Entry> readable = new ArrayList<>();
        List<SegmentSource> sources = new ArrayList<>();
        for (Entry entry : entries) {
            SegmentSource source = source(entry);
            if (source == null) {
                log.debug("{} - neither on disk nor confirmed in S3; left out of playback", entry.relativePath());
            } else {
                readable.add(entry);
                sources.add(source);
            }
        }
        List<String> paths = readable.stream().map(Entry::relativePath).toList();
        Map<String, StoredIndex> stored = io.call(() -> view.catalog().fragmentIndexes(paths));
        List<Candidate> candidates = new ArrayList<>(sources.size());
        for (int i = 0; i < sources.size(); i++) {
            candidates.add(new Candidate(paths.get(i), sources.get(i), fitting(stored.get(paths.get(i)), sources.get(i))));
        }
        List<IndexedSource> indexed = new ArrayList<>();
        List<StoredIndex> fresh = new ArrayList<>();
        try (ParallelReads reads = new ParallelReads()) {
            List<Future<FragmentIndex>> pending = new ArrayList<>();
            for (Candidate candidate : candidates) {
                pending.add(candidate.stored() != null ? null : reads.submit(() -> read(candidate.source())));
            }
            for (int i = 0; i < candidates.size(); i++) {
                Candidate candidate = candidates.get(i);
                FragmentIndex index = pending.get(i) == null ? candidate.stored()
                        : ParallelReads.await(pending.get(i), candidate.source().name());
                if (index != null) {
                    indexed.add(new IndexedSource(candidate.source(), index));
                    if (pending.get(i) != null) {
                        fresh.add(new StoredIndex(candidate.relativePath(), candidate.source().size(), index.toBytes()));
                    }
                }
            }
        }
        store(fresh);
        return indexed;
    }

    @Override
    public void close() {
        remote.forEach(SequentialSource::close);
    }

    /** Where the bytes of a segment are: its local file (S3 once it vanishes, if uploaded), S3, or nowhere. */
    private SegmentSource source(Entry entry) throws IOException {
        Optional<SegmentSource> s3 = view.s3Source(entry).map(this::sequential);
        if (entry.localPresent()) {
            Path file = entry.segment().file(recordingsDir).normalize();
            if (file.startsWith(recordingsDir)) {
                try {
                    SegmentSource local = io.local(file, entry.segment().start());
                    return s3.isPresent() && s3.get().size() == local.size() ? new LocalThenS3(local, s3.get()) : local;
                } catch (NoSuchFileException e) {
                    // deleted since the catalogue was read: S3 has it, or nobody does
                }
            }
        }
        return s3.orElse(null);
    }

    private SegmentSource sequential(SegmentSource s3) {
        SequentialSource sequential = new SequentialSource(s3);
        remote.add(sequential);
        return sequential;
    }

    private static FragmentIndex fitting(StoredIndex stored, SegmentSource source) {
        if (stored == null || !stored.fits(source.size())) {
            return null;
        }
        try {
            return FragmentIndex.fromBytes(stored.bytes());
        } catch (PlaybackException e) {
            log.debug("{} - stored fragment index unusable, reading it again: {}", source.name(), e.getMessage());
            return null;
        }
    }

    /** Reads an index: a local file's in one task on the I/O pool, S3's on the calling virtual thread. */
    private FragmentIndex read(SegmentSource source) throws IOException {
        if (source instanceof LocalThenS3 both) {
            try {
                return read(both.inner());
            } catch (NoSuchFileException e) {
                return read(both.s3());
            }
        }
        SegmentSource plain = PlaybackIo.plain(source);
        return plain == source ? index(source) : io.call(() -> index(plain));
    }

    private static FragmentIndex index(SegmentSource source) throws IOException {
        try {
            return FragmentIndex.read(source);
        } catch (PlaybackException e) {
            log.warn("{} - left out of playback: {}", source.name(), e.getMessage());
            return null;
        }
    }

    private void store(List<StoredIndex> fresh) {
        if (fresh.isEmpty()) {
            return;
        }
        try {
            io.call(() -> {
                view.storeFragmentIndexes(fresh);
                return null;
            });
        } catch (IOException | CatalogException e) {
            log.debug("Cannot store {} fragment indexes; they are read again next time: {}", fresh.size(), e.toString());
        }
    }

    /** An uploaded segment's local file, and S3 once the file is gone (retention may delete it at any time). */
    record LocalThenS3(SegmentSource inner, SegmentSource s3) implements ForwardingSource {
        @Override
        public InputStream open(long offset, long length) throws IOException {
            try {
                return inner.open(offset, length);
            } catch (NoSuchFileException e) {
                return s3.open(offset, length);
            }
        }
    }
}
