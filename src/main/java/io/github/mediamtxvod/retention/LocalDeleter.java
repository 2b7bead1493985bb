package io.github.mediamtxvod.retention;

import io.github.mediamtxvod.catalog.Catalog;
import io.github.mediamtxvod.catalog.Entry;
import io.github.mediamtxvod.catalog.SegmentState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the local file of a segment S3 confirmed, and only then: the entry must be UPLOADED
 * and the file's size must still equal the confirmed size (a file that changed after the upload
 * is unconfirmed data: it goes back to PENDING instead). The file is deleted first and the entry
 * marked LOCAL_DELETED after, so a crash in between leaves a confirmed entry without a file,
 * which the start-up scan marks LOCAL_DELETED. Thread-safe.
 */
final class LocalDeleter {
    private static final Logger log = LoggerFactory.getLogger(LocalDeleter.class);

    private final Catalog catalog;

    LocalDeleter(Catalog catalog) {
        this.catalog = catalog;
    }

    /** Bytes freed; 0 when nothing was deleted. */
    long deleteConfirmed(Entry segment) throws IOException {
        if (segment.state() != SegmentState.UPLOADED || segment.confirmation() == null) {
            throw new IllegalArgumentException(segment.relativePath() + " is " + segment.state()
                    + ", not confirmed in S3: its local file must not be deleted");
        }
        Path file = catalog.localFile(segment);
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            catalog.markLocalDeleted(segment);
            return 0;
        }
        long confirmed = segment.confirmation().sizeBytes();
        if (size != confirmed) {
            log.warn("{} - local file has {} bytes but S3 confirmed {}; not deleted, uploaded again",
                    segment.relativePath(), size, confirmed);
            catalog.requeueChanged(segment, size);
            return 0;
        }
        Files.deleteIfExists(file);
        catalog.markLocalDeleted(segment);
        return size;
    }

    /** Deletes a file S3 has not confirmed; only for an explicit request (clean --include-unuploaded). */
    long deleteUnconfirmed(Entry segment) throws IOException {
        Path file = catalog.localFile(segment);
        // forget first: a crash in between leaves an unknown file, which the next scan queues again
        catalog.forget(segment);
        long size = Files.exists(file) ? Files.size(file) : 0;
        Files.deleteIfExists(file);
        return size;
    }
}
