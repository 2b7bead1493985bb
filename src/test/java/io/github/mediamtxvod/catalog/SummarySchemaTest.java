package io.github.mediamtxvod.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The running totals equal what the segment rows add up to, after any mix of the changes the
 * recorder makes, and the queries read regularly never read every segment row.
 */
class SummarySchemaTest {
    /** What the totals must equal: the aggregates over every row. */
    private static final String STATES_FROM_ROWS = "SELECT state, count(*) FROM segment GROUP BY state ORDER BY state";
    private static final String STATES_FROM_TOTALS = "SELECT state, segments FROM state_total WHERE segments <> 0 ORDER BY state";
    private static final String SESSIONS_FROM_ROWS = "SELECT s.stream, s.session_start, count(*), sum(s.size_bytes),"
            + " min(s.start_ms), (SELECT relative_path FROM segment WHERE stream = s.stream AND session_start = s.session_start"
            + " ORDER BY start_ms, relative_path LIMIT 1) FROM segment s GROUP BY s.stream, s.session_start"
            + " ORDER BY s.stream, s.session_start";
    private static final String SESSIONS_FROM_TOTALS = "SELECT stream, session_start, segments, size_bytes, first_start_ms,"
            + " first_path FROM session_total ORDER BY stream, session_start";
    private static final List<String> STATES = List.of("PENDING", "UPLOADING", "UPLOADED", "LOCAL_DELETED", "QUARANTINED");

    @TempDir
    Path dir;

    Connection connection;
    final Random random = new Random(20261207);

    @BeforeEach
    void open() throws SQLException {
        connection = CatalogSchema.openMigrated(dir.resolve("catalog.db"), CatalogSchema.BUSY_TIMEOUT, 100, true);
    }

    @AfterEach
    void close() throws SQLException {
        connection.close();
    }

    @Test
    void totalsFollowEveryInsertUpdateAndDelete() throws SQLException {
        List<String> paths = new ArrayList<>();
        for (int step = 0; step < 3000; step++) {
            int kind = random.nextInt(10);
            if (paths.isEmpty() || kind < 4) {
                paths.add(insert(step));
            } else if (kind < 6) {
                update(paths, "state = ?", STATES.get(random.nextInt(STATES.size())));
            } else if (kind == 6) {
                // a later or earlier start, also ties with another segment of the session
                update(paths, "start_ms = ?", (long) random.nextInt(8) * 1000);
            } else if (kind == 7) {
                update(paths, "size_bytes = ?", (long) random.nextInt(5000));
            } else if (kind == 8) {
                // the requeue writes the same values again; now and then another session
                update(paths, "session_start = ?, stream = ?, size_bytes = size_bytes, start_ms = start_ms",
                        (long) random.nextInt(3), "cam" + random.nextInt(3));
            } else {
                String path = paths.remove(random.nextInt(paths.size()));
                execute("DELETE FROM segment WHERE relative_path = ?", path);
            }
            if (step % 100 == 0) {
                assertTotalsMatchTheRows();
            }
        }
        assertTotalsMatchTheRows();
    }

    @Test
    void aVersionTwoCatalogueGetsItsTotalsFromItsRowsAtTheNextOpen() throws SQLException {
        for (int i = 0; i < 50; i++) {
            insert(i);
        }
        try (Statement statement = connection.createStatement()) {
            for (String trigger : List.of("segment_added", "segment_removed", "segment_state_changed", "segment_moved")) {
                statement.executeUpdate("DROP TRIGGER " + trigger);
            }
            statement.executeUpdate("DROP TABLE state_total");
            statement.executeUpdate("DROP TABLE session_total");
            statement.executeUpdate("PRAGMA user_version = 2");
        }
        for (int i = 50; i < 60; i++) {
            insert(i);
        }
        close();

        open();

        assertThat(rows(STATES_FROM_TOTALS)).isNotEmpty();
        assertTotalsMatchTheRows();
        insert(60);
        assertTotalsMatchTheRows();
        assertThat(rows("PRAGMA user_version")).containsExactly(List.of(3L));
    }

    @Test
    void totalsThatDisagreeWithTheRowsAreComputedAgainAtTheNextCheckedOpen() throws SQLException {
        for (int i = 0; i < 30; i++) {
            insert(i);
        }
        execute("UPDATE state_total SET segments = segments + 5 WHERE state = 'PENDING'");
        execute("DELETE FROM session_total WHERE stream = 'cam1'");
        close();

        connection = CatalogSchema.openMigrated(dir.resolve("catalog.db"), CatalogSchema.BUSY_TIMEOUT, 100, false);
        assertThat(rows(STATES_FROM_TOTALS)).isNotEqualTo(rows(STATES_FROM_ROWS));
        close();
        open();

        assertTotalsMatchTheRows();
    }

    @Test
    void theStatusAndStreamQueriesReadNoSegmentRow() throws SQLException {
        for (String sql : List.of(CatalogQueries.COUNT_BY_STATE, CatalogQueries.COUNT_ALL, CatalogQueries.LIST_DAYS,
                CatalogQueries.LIST_STREAMS)) {
            assertThat(rows("EXPLAIN QUERY PLAN " + sql)).as(sql).allSatisfy(row -> assertThat(row.toString())
                    .doesNotContainIgnoringCase(" segment"));
        }
    }

    @Test
    void theSegmentsWithALocalFileAreFoundWithoutReadingTheOthers() throws SQLException {
        for (String sql : List.of(CatalogQueries.LOCAL, CatalogQueries.COUNT_LOCAL, CatalogQueries.WITHOUT_FRAGMENT_INDEX)) {
            List<List<Object>> plan = rows("EXPLAIN QUERY PLAN " + sql);
            assertThat(plan).as(sql).anySatisfy(row -> assertThat(row.toString()).contains("INDEX segment_local"))
                    .filteredOn(row -> row.toString().matches(".*(SCAN|SEARCH) segment\\b.*"))
                    .allSatisfy(row -> assertThat(row.toString()).contains("INDEX segment_local"));
        }
    }

    private String insert(int number) throws SQLException {
        String stream = "cam" + random.nextInt(3);
        long sessionStart = random.nextInt(3);
        String path = stream + "/" + sessionStart + "/segment_" + number + ".mp4";
        execute("INSERT INTO segment (relative_path, stream, session_start, segment_index, start_ms, size_bytes, state,"
                + " queued_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0)", path, stream, sessionStart, number,
                (long) random.nextInt(8) * 1000, (long) random.nextInt(5000), STATES.get(random.nextInt(STATES.size())));
        return path;
    }

    private void update(List<String> paths, String assignments, Object... values) throws SQLException {
        Object[] parameters = new Object[values.length + 1];
        System.arraycopy(values, 0, parameters, 0, values.length);
        parameters[values.length] = paths.get(random.nextInt(paths.size()));
        execute("UPDATE segment SET " + assignments + " WHERE relative_path = ?", parameters);
    }

    private void assertTotalsMatchTheRows() throws SQLException {
        assertThat(rows(STATES_FROM_TOTALS)).isEqualTo(rows(STATES_FROM_ROWS));
        assertThat(rows(SESSIONS_FROM_TOTALS)).isEqualTo(rows(SESSIONS_FROM_ROWS));
    }

    private void execute(String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        }
    }

    private List<List<Object>> rows(String sql) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>(columns);
                for (int i = 1; i <= columns; i++) {
                    Object value = rs.getObject(i);
                    row.add(value instanceof Integer number ? Long.valueOf(number) : value);
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
