package io.github.mediamtxvod.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThumbnailCacheTest {
    private static final String A = "aaaaaaaaaaaaaaaa";
    private static final String B = "bbbbbbbbbbbbbbbb";
    private static final String C = "cccccccccccccccc";

    @TempDir
    Path dir;

    private Path made(ThumbnailCache cache, int size) throws IOException {
        Path file = cache.temporaryFile(".jpg");
        Files.write(file, new byte[size]);
        return file;
    }

    @Test
    void theLeastRecentlyUsedGoWhenTheBoundIsPassed() throws IOException {
        ThumbnailCache cache = new ThumbnailCache(dir.resolve("thumbnails"), 250);
        cache.open();
        cache.put(A, made(cache, 100));
        cache.put(B, made(cache, 100));
        assertThat(cache.get(A)).as("a hit makes A the most recently used").isPresent();

        cache.put(C, made(cache, 100));

        assertThat(cache.keys()).containsExactly(A, C);
        assertThat(cache.totalBytes()).isEqualTo(200);
        assertThat(cache.get(B)).isEmpty();
        assertThat(jpegs()).containsExactlyInAnyOrder(A + ".jpg", C + ".jpg");
    }

    @Test
    void theFolderIsReadBackInOrderOfLastUseAndLeftoversOfInterruptedWritesAreDropped() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("thumbnails"));
        Files.write(folder.resolve(A + ".jpg"), new byte[100]);
        Files.write(folder.resolve(B + ".jpg"), new byte[100]);
        Files.write(folder.resolve("making-123.jpg"), new byte[100]);
        Files.setLastModifiedTime(folder.resolve(A + ".jpg"), FileTime.from(Instant.parse("2024-05-01T10:00:00Z")));
        Files.setLastModifiedTime(folder.resolve(B + ".jpg"), FileTime.from(Instant.parse("2024-05-01T09:00:00Z")));

        ThumbnailCache cache = new ThumbnailCache(folder, 150);
        cache.open();

        assertThat(cache.keys()).as("B was used longer ago and no longer fits").containsExactly(A);
        assertThat(jpegs()).containsExactly(A + ".jpg");
        assertThat(cache.get(A)).hasValueSatisfying(bytes -> assertThat(bytes).hasSize(100));
    }

    @Test
    void aThumbnailPutAgainReplacesItsSize() throws IOException {
        ThumbnailCache cache = new ThumbnailCache(dir, 1000);
        cache.open();
        cache.put(A, made(cache, 100));

        cache.put(A, made(cache, 40));

        assertThat(cache.totalBytes()).isEqualTo(40);
        assertThat(cache.get(A)).hasValueSatisfying(bytes -> assertThat(bytes).hasSize(40));
    }

    @Test
    void aFileRemovedBehindItsBackIsAMissNotAnError() throws IOException {
        ThumbnailCache cache = new ThumbnailCache(dir, 1000);
        cache.open();
        cache.put(A, made(cache, 100));
        Files.delete(dir.resolve(A + ".jpg"));

        assertThat(cache.get(A)).isEmpty();
        assertThat(cache.totalBytes()).isZero();
    }

    @Test
    void keysMustBeHexDigests() throws IOException {
        ThumbnailCache cache = new ThumbnailCache(dir, 1000);
        cache.open();
        Path file = made(cache, 1);

        assertThatThrownBy(() -> cache.put("../escape", file)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ThumbnailMaker.key("cam1/2024-05-01/20240501_100000/segment_000.mp4",
                Instant.parse("2024-05-01T10:00:00Z"), 320)).matches("[0-9a-f]{40}");
    }

    private java.util.List<String> jpegs() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".jpg")).toList();
        }
    }
}
