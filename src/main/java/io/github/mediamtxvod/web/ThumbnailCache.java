package io.github.mediamtxvod.web;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finished thumbnails on disk, least recently used first out, bounded by their total size. One
 * file per key ({@code <key>.jpg}, the key a hex digest); a file appears whole or not at all
 * (written elsewhere, then renamed in). Access order survives restarts through the files'
 * modification times, which a hit refreshes. Losing the folder loses nothing but time: every
 * thumbnail can be made again.
 *
 * <p>Thread-safe (one lock; the file operations under it are a rename or a delete). Its methods
 * touch the disk, so callers run them on platform threads.
 */
final class ThumbnailCache {
    private static final Logger log = LoggerFactory.getLogger(ThumbnailCache.class);
    private static final Pattern KEY = Pattern.compile("[0-9a-f]{16,128}");
    private static final String SUFFIX = ".jpg";

    private final Path dir;
    private final long maxBytes;
    private final LinkedHashMap<String, Long> sizes = new LinkedHashMap<>(64, 0.75f, true);
    private long totalBytes;

    ThumbnailCache(Path dir, long maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        this.dir = dir;
        this.maxBytes = maxBytes;
    }

    /** Creates the folder, drops leftovers of interrupted writes and learns what is there, oldest first. */
    synchronized void open() throws IOException {
        Files.createDirectories(dir);
        record Found(String key, long size, FileTime used) {}
        List<Found> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String key = name.endsWith(SUFFIX) ? name.substring(0, name.length() - SUFFIX.length()) : "";
                if (!KEY.matcher(key).matches()) {
                    Files.deleteIfExists(file); // a temporary file of a run that stopped half-way
                    continue;
                }
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                found.add(new Found(key, attributes.size(), attributes.lastModifiedTime()));
            }
        }
        found.sort(Comparator.comparing(Found::used));
        sizes.clear();
        totalBytes = 0;
        for (Found file : found) {
            sizes.put(file.key(), file.size());
            totalBytes += file.size();
        }
        evict();
    }

    /** A new empty file in the cache folder for a thumbnail being made; not part of the cache. */
    Path temporaryFile(String suffix) throws IOException {
        return Files.createTempFile(dir, "making-", suffix);
    }

    /** The cached thumbnail of {@code key}, now the most recently used; empty when not cached. */
    synchronized Optional<byte[]> get(String key) throws IOException {
        if (sizes.get(key) == null) { // get, not containsKey: a hit moves the key to the young end
            return Optional.empty();
        }
        Path file = file(key);
        try {
            byte[] bytes = Files.readAllBytes(file);
            Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
            return Optional.of(bytes);
        } catch (NoSuchFileException e) {
            totalBytes -= sizes.remove(key); // someone removed it: make it again
            return Optional.empty();
        }
    }

    /** Moves a finished thumbnail in under {@code key}, then evicts the least recently used beyond the bound. */
    synchronized void put(String key, Path made) throws IOException {
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("not a cache key: " + key);
        }
        long size = Files.size(made);
        try {
            Files.move(made, file(key), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(made, file(key), StandardCopyOption.REPLACE_EXISTING);
        }
        Long previous = sizes.put(key, size);
        totalBytes += size - (previous == null ? 0 : previous);
        evict();
    }

    /** Bytes held now. */
    synchronized long totalBytes() {
        return totalBytes;
    }

    /** Keys held now, least recently used first. */
    synchronized List<String> keys() {
        return List.copyOf(sizes.keySet());
    }

    private void evict() {
        Iterator<Map.Entry<String, Long>> oldest = sizes.entrySet().iterator();
        while (totalBytes > maxBytes && oldest.hasNext()) {
            Map.Entry<String, Long> entry = oldest.next();
            try {
                Files.deleteIfExists(file(entry.getKey()));
            } catch (IOException e) {
                log.warn("{} - cannot delete a cached thumbnail: {}", file(entry.getKey()), e.toString());
                continue;
            }
            totalBytes -= entry.getValue();
            oldest.remove();
        }
    }

    private Path file(String key) {
        return dir.resolve(key + SUFFIX);
    }
}
