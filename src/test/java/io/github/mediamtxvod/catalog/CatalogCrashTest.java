package io.github.mediamtxvod.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalogue survives a SIGKILL at any instant: a child JVM writes as fast as it can and is
 * killed; every commit it acknowledged is there after reopening, nothing twice, and a
 * transaction cut off by the kill (or by a torn write-ahead log) is all or nothing.
 */
class CatalogCrashTest {
    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedCommitSurvivesSigkillAndNothingIsDuplicated() throws Exception {
        List<Integer> acknowledged = killWriterAfter("single", 200);

        try (Catalog catalog = reopen(dir)) {
            List<Integer> stored = indexes(catalog);
            assertThat(stored).doesNotHaveDuplicates();
            assertThat(stored).containsAll(acknowledged);
            // at most the commit in flight at the kill is there beyond the acknowledged ones
            assertThat(stored.size()).isBetween(acknowledged.size(), acknowledged.size() + 1);
            assertThat(stored).isEqualTo(range(stored.size()));
        }
        assertThat(integrityCheck(dir)).isEqualTo("ok");
    }

    @Test
    void aTransactionCutOffBySigkillIsAllOrNothing() throws Exception {
        List<Integer> acknowledged = killWriterAfter("batch", 4);

        try (Catalog catalog = reopen(dir)) {
            List<Integer> stored = indexes(catalog);
            assertThat(stored).doesNotHaveDuplicates();
            assertThat(stored.size() % CatalogWriterProcess.BATCH).isZero();
            assertThat(stored.size()).isGreaterThanOrEqualTo(acknowledged.size() * CatalogWriterProcess.BATCH);
            assertThat(stored).isEqualTo(range(stored.size()));
        }
    }

    @Test
    void aTornWriteAheadLogLosesOnlyWholeTransactionsAndNeverCorruptsTheCatalogue() throws Exception {
        int acknowledged = killWriterAfter("single", 100).size();
        Path db = CatalogSchema.databaseFile(dir);
        Path wal = db.resolveSibling("catalog.db-wal");
        assertThat(wal).exists();
        long walSize = Files.size(wal);

        for (long cut : new long[] {walSize - 1, walSize - 3000, walSize / 2}) {
            Path copy = Files.createDirectories(dir.resolve("copy-" + cut).resolve(".vod-recorder"));
            Files.copy(db, copy.resolve("catalog.db"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(wal, copy.resolve("catalog.db-wal"), StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel channel = FileChannel.open(copy.resolve("catalog.db-wal"), StandardOpenOption.WRITE)) {
                channel.truncate(Math.max(0, cut));
            }
            Path recordings = copy.getParent();
            try (Catalog catalog = reopen(recordings)) {
                List<Integer> stored = indexes(catalog);
                assertThat(stored).doesNotHaveDuplicates();
                assertThat(stored).isEqualTo(range(stored.size()));
                if (cut == walSize / 2) {
                    // the cut really removed commits: the test sees a torn log, not an intact one
                    assertThat(stored.size()).isLessThan(acknowledged);
                }
            }
            assertThat(integrityCheck(recordings)).isEqualTo("ok");
        }
    }

    private List<Integer> killWriterAfter(String mode, int commits) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                CatalogWriterProcess.class.getName(), dir.toString(), mode)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        List<Integer> acknowledged = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                acknowledged.add(Integer.parseInt(line.substring("committed ".length())));
                if (acknowledged.size() == commits) {
                    // SIGKILL through the handle: Process.destroyForcibly would also close our end of the pipe
                    child.toHandle().destroyForcibly();
                }
            }
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(commits);
        return acknowledged;
    }

    private static Catalog reopen(Path recordings) {
        Catalog catalog = new Catalog(recordings, InstantSource.fixed(Instant.parse("2026-03-01T11:00:00Z")));
        catalog.start();
        return catalog;
    }

    private static List<Integer> indexes(Catalog catalog) {
        return catalog.allSegments().stream().map(entry -> entry.segment().index()).sorted().toList();
    }

    private static List<Integer> range(int size) {
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            expected.add(i);
        }
        return expected;
    }

    private static String integrityCheck(Path recordings) throws SQLException {
        try (Connection connection = CatalogSchema.open(CatalogSchema.databaseFile(recordings));
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("PRAGMA integrity_check")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
