package io.github.mediamtxvod.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderPrunerTest {
    static final String SESSION = "cam/2026-03-01/20260301_100000";

    @TempDir
    Path dir;

    Path session;
    FolderPruner pruner;

    @BeforeEach
    void layOut() throws Exception {
        session = Files.createDirectories(dir.resolve(SESSION));
        Files.writeString(session.resolve(".session.json"), "{}");
        Files.writeString(session.resolve(".segments.csv"), "");
        pruner = new FolderPruner(dir, Duration.ofMinutes(2));
    }

    @Test
    void aQuietSessionFolderWithOnlyBookkeepingGoesWithItsEmptyParents() throws Exception {
        RetentionFixture.makeAllOld(dir);
        assertThat(pruner.pruneSession(SESSION, Instant.now())).isFalse();
        // removing the session touched the day folder: it goes once it is quiet too
        RetentionFixture.makeAllOld(dir);
        assertThat(pruner.pruneSession(SESSION, Instant.now())).isFalse();
        RetentionFixture.makeAllOld(dir);
        assertThat(pruner.pruneSession(SESSION, Instant.now())).isTrue();
        assertThat(dir.resolve("cam")).doesNotExist();
        assertThat(dir).exists();
    }

    @Test
    void theSessionAndDayPlaylistsGoWithTheirFolders() throws Exception {
        Files.writeString(session.resolve("index.m3u8"), "#EXTM3U\n");
        Files.writeString(session.getParent().resolve("index.m3u8"), "#EXTM3U\n");
        for (int pass = 0; pass < 3; pass++) {
            RetentionFixture.makeAllOld(dir);
            pruner.pruneSession(SESSION, Instant.now());
        }

        assertThat(dir.resolve("cam")).doesNotExist();
    }

    @Test
    void aDayFolderWithAnotherSessionKeepsItsPlaylist() throws Exception {
        Files.writeString(session.getParent().resolve("index.m3u8"), "#EXTM3U\n");
        Files.createDirectories(session.resolveSibling("20260301_120000"));
        for (int pass = 0; pass < 3; pass++) {
            RetentionFixture.makeAllOld(dir);
            pruner.pruneSession(SESSION, Instant.now());
        }

        assertThat(session).doesNotExist();
        assertThat(session.getParent().resolve("index.m3u8")).exists();
    }

    @Test
    void aSessionFolderWithASegmentFileStaysWithItsBookkeeping() throws Exception {
        Files.writeString(session.resolve("segment_004.mp4"), "not uploaded");
        RetentionFixture.makeAllOld(dir);

        assertThat(pruner.pruneSession(SESSION, Instant.now())).isFalse();
        assertThat(session.resolve("segment_004.mp4")).exists();
        assertThat(session.resolve(".session.json")).exists();
        assertThat(session.resolve(".segments.csv")).exists();
    }

    @Test
    void aSessionFolderWithAForeignFileStays() throws Exception {
        Files.writeString(session.resolve("notes.txt"), "mine");
        RetentionFixture.makeAllOld(dir);

        assertThat(pruner.pruneSession(SESSION, Instant.now())).isFalse();
        assertThat(session.resolve("notes.txt")).exists();
    }

    @Test
    void aRecentlyChangedSessionFolderIsLeftAlone() throws Exception {
        Files.writeString(session.resolve(".segments.csv"), "segment_000.mp4,0,1\n");

        assertThat(pruner.pruneSession(SESSION, Instant.now())).isFalse();
        assertThat(session.resolve(".session.json")).exists();
    }

    @Test
    void parentsHoldingOtherSessionsStay() throws Exception {
        Path other = Files.createDirectories(dir.resolve("cam/2026-03-01/20260301_120000"));
        Files.writeString(other.resolve("segment_000.mp4"), "x");
        RetentionFixture.makeAllOld(dir);

        assertThat(pruner.pruneSession(SESSION, Instant.now())).isTrue();
        assertThat(session).doesNotExist();
        assertThat(other.resolve("segment_000.mp4")).exists();
    }

    @Test
    void refusesAPathThatIsNotASessionFolderBelowTheRecordings() {
        assertThatThrownBy(() -> pruner.pruneSession("cam/../../x/y", Instant.now()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> pruner.pruneSession("cam/2026-03-01", Instant.now()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
