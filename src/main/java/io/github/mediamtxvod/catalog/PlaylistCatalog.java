package io.github.mediamtxvod.catalog;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.recording.SegmentLayout;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The catalogue's side of HLS playlists: which session and day playlists are out of date, the
 * segments and media facts they are built from, and the record of what was published. See
 * {@link PublicationSchema} for the tables.
 *
 * <p>Durability: every change is one transaction, committed before the method returns. A
 * playlist is out of date from the moment a segment of it is finished, confirmed in S3 or
 * quarantined (the confirmation marks it in the same transaction, by a trigger) until a publish
 * of that generation is recorded, so a kill at any instant leaves it out of date, never
 * forgotten. Publishing the day playlist follows from publishing a session playlist, in the same
 * transaction; so does the {@code session.finished} webhook event.
 *
 * <p>Threading: thread-safe. Writes use one connection of their own (serialised with the
 * catalogue's writes by SQLite), reads another. The creator calls {@link #start()} after the
 * catalogue started, and {@link #close()}.
 */
public final class PlaylistCatalog implements AutoCloseable {
    private static final String SEGMENTS = "SELECT "
            + Arrays.stream(SegmentRows.COLUMNS.split(",")).map(column -> "s." + column.trim())
                    .collect(Collectors.joining(", "))
            + ", m.size_bytes AS media_size, m.init_length, m.media_length, m.duration_us"
            + " FROM segment s LEFT JOIN segment_media m ON m.relative_path = s.relative_path";
    private static final String STATE_COLUMNS = "stream, ended, generation, published_sha256, final";
    private static final String DAY_COLUMNS = "stream, day, 0 AS ended, generation, published_sha256, final";

    /** How long a playlist file written without fsync may be lost to a power loss (the kernel's writeback is 30 s). */
    static final Duration RECENT = Duration.ofMinutes(10);

    private final InstantSource clock;
    private final CatalogConnections connections;
    private final CatalogWriter writer;

    public PlaylistCatalog(Path recordingsDir, InstantSource clock) {
        this.connections = new CatalogConnections(requireNonNull(recordingsDir, "recordingsDir is null"));
        this.clock = requireNonNull(clock, "clock is null");
        this.writer = connections.writer();
    }

    /**
     * Opens both connections (the schema is brought up to date first). The writes are not fsynced
     * one by one: a power loss can roll back the last ones, in order, and each is recovered. A lost
     * publish record leaves its playlist out of date (rebuilt; its {@code session.finished} event
     * is in the same transaction, so it is logged once); a lost note of a finished segment or an
     * ended session is made again at the next start ({@link #endSessionsAtStart}); media facts are
     * synced by the upload confirmation that follows them, before retention may delete the file.
     * The confirmation's trigger, which makes most playlists out of date, commits with the
     * uploader's fsync.
     */
    public void start() {
        connections.open("playlists", false);
    }

    /** Keeps what a playlist needs to know of a segment file (replacing older facts). */
    public void recordMedia(String relativePath, SegmentMedia media) {
        writer.update("record media of " + relativePath,
                "INSERT INTO segment_media (relative_path, size_bytes, init_length, media_length, duration_us)"
                        + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (relative_path) DO UPDATE SET size_bytes = excluded.size_bytes,"
                        + " init_length = excluded.init_length, media_length = excluded.media_length,"
                        + " duration_us = excluded.duration_us",
                relativePath, media.sizeBytes(), media.initLength(), media.mediaLength(), media.duration().toNanos() / 1000);
    }

    /** A segment of the session was finished: the session is known and its playlist out of date. */
    public void segmentFinished(String stream, Instant sessionStart) {
        segmentFinished(stream, sessionStart, true);
    }

    /**
     * A segment of the session was finished: the session is known (a new one's playlist is out of
     * date). {@code listedNow} says whether the segment can be listed already (it is on disk and
     * nothing is uploaded); when it waits for S3 instead, the playlist of a known session is left as
     * it is: the confirmation makes it out of date (trigger {@code playlist_segment_settled}), and
     * publishing it now would give the same text.
     */
    public void segmentFinished(String stream, Instant sessionStart, boolean listedNow) {
        writer.update("note a segment of " + stream + " " + sessionStart,
                "INSERT INTO recording_session (stream, session_start, updated_at_ms) VALUES (?, ?, ?)"
                        + " ON CONFLICT (stream, session_start) DO "
                        + (listedNow ? "UPDATE SET generation = generation + 1, updated_at_ms = excluded.updated_at_ms"
                                : "NOTHING"),
                stream, sessionStart.toEpochMilli(), clock.millis());
    }

    /** The session's FFmpeg is gone: its playlist may now be completed. */
    public void sessionEnded(String stream, Instant sessionStart) {
        writer.update("end session " + stream + " " + sessionStart,
                "INSERT INTO recording_session (stream, session_start, ended, updated_at_ms) VALUES (?, ?, 1, ?)"
                        + " ON CONFLICT (stream, session_start) DO UPDATE SET ended = 1, generation = generation + 1,"
                        + " updated_at_ms = excluded.updated_at_ms WHERE ended = 0",
                stream, sessionStart.toEpochMilli(), clock.millis());
    }

    /**
     * Call at start, before any FFmpeg runs: every session is over (the ones a crash cut off
     * included), every session with a segment file on disk has a playlist, and every playlist
     * published in the last {@link #RECENT} is out of date, so that its local file, written without
     * fsync, is checked (a power loss may have undone it). Returns how many sessions were still open.
     */
    public int endSessionsAtStart() {
        long now = clock.millis();
        long recent = now - RECENT.toMillis();
        return writer.inTransaction("end the sessions found at start", (connection, upsert) -> {
            int open = CatalogWriter.execute(connection, "UPDATE recording_session SET ended = 1,"
                    + " generation = generation + 1, updated_at_ms = ? WHERE ended = 0", now);
            CatalogWriter.execute(connection, "UPDATE recording_session SET generation = generation + 1"
                    + " WHERE updated_at_ms >= ? AND generation <= published_generation", recent);
            CatalogWriter.execute(connection, "UPDATE day_playlist SET generation = generation + 1"
                    + " WHERE updated_at_ms >= ? AND generation <= published_generation", recent);
            // "WHERE true" resolves the parsing ambiguity of an upsert whose rows come from a SELECT
            CatalogWriter.execute(connection, "INSERT INTO recording_session (stream, session_start, ended, updated_at_ms)"
                    + " SELECT DISTINCT stream, session_start, 1, ? FROM segment WHERE local_present = 1 AND true"
                    + " ON CONFLICT (stream, session_start) DO NOTHING", now);
            return open;
        });
    }

    /**
     * MP4 segments with a local file and no current media facts, not yet confirmed in S3, after
     * {@code afterPath} in path order: the ones a playlist may still need when retention deletes
     * them right after their upload.
     */
    public List<Entry> unconfirmedWithoutMedia(String afterPath, int limit) {
        return connections.reader().query("list segments without media facts", SEGMENTS
                        + " WHERE s.state IN ('PENDING', 'UPLOADING') AND s.local_present = 1 AND s.relative_path > ?"
                        + " AND s.relative_path LIKE '%.mp4' AND (m.size_bytes IS NULL OR m.size_bytes <> s.size_bytes)"
                        + " ORDER BY s.relative_path LIMIT ?",
                List.<Object>of(afterPath, limit), SegmentRows::read);
    }

    /** Session playlists that are out of date, oldest session first. */
    public List<PlaylistState> outOfDateSessions(int limit) {
        return outOfDateSessions(null, limit);
    }

    /**
     * Session playlists that are out of date, oldest session first, after {@code after} (a session
     * of an earlier page; null for the first page), so that a caller that leaves some out of date
     * for now still pages through the rest.
     */
    public List<PlaylistState> outOfDateSessions(PlaylistState after, int limit) {
        String where = after == null ? "" : " AND (session_start, stream) > (?, ?)";
        List<Object> parameters = after == null ? List.of(limit)
                : List.of(after.sessionStart().toEpochMilli(), after.stream(), limit);
        return connections.reader().query("list out-of-date session playlists", "SELECT " + STATE_COLUMNS
                        + ", session_start, finished_logged FROM recording_session"
                        + " WHERE generation > published_generation" + where + " ORDER BY session_start, stream LIMIT ?",
                parameters, PlaylistCatalog::session);
    }

    /** Day playlists that are out of date, oldest day first. */
    public List<PlaylistState> outOfDateDays(int limit) {
        return outOfDateDays(null, limit);
    }

    /** Day playlists that are out of date, oldest day first, after {@code after} (null: from the first). */
    public List<PlaylistState> outOfDateDays(PlaylistState after, int limit) {
        String where = after == null ? "" : " AND (day, stream) > (?, ?)";
        List<Object> parameters = after == null ? List.of(limit) : List.of(after.day().toString(), after.stream(), limit);
        return connections.reader().query("list out-of-date day playlists", "SELECT " + DAY_COLUMNS + " FROM day_playlist"
                + " WHERE generation > published_generation" + where + " ORDER BY day, stream LIMIT ?", parameters,
                PlaylistCatalog::day);
    }

    /** The day playlist of a stream's UTC day, if it is out of date. */
    public Optional<PlaylistState> outOfDateDay(String stream, LocalDate day) {
        return connections.reader().query("read the day playlist of " + stream + " " + day, "SELECT " + DAY_COLUMNS
                + " FROM day_playlist WHERE stream = ? AND day = ? AND generation > published_generation",
                List.<Object>of(stream, day.toString()), PlaylistCatalog::day).stream().findFirst();
    }

    /** The sessions of a stream's UTC day that are known to the playlists, in order. */
    public List<PlaylistState> daySessions(String stream, LocalDate day) {
        return connections.reader().query("list sessions of " + stream + " " + day, "SELECT " + STATE_COLUMNS
                        + ", session_start, finished_logged FROM recording_session WHERE stream = ?"
                        + " AND session_start >= ? AND session_start < ? ORDER BY session_start",
                List.<Object>of(stream, dayStart(day), dayStart(day.plusDays(1))), PlaylistCatalog::session);
    }

    /** Every segment of a session, in index order. */
    public List<PlaylistSegment> sessionSegments(String stream, Instant sessionStart) {
        return sessionSegments(stream, sessionStart, Integer.MIN_VALUE);
    }

    /** The segments of a session after index {@code afterIndex}, in index order. */
    public List<PlaylistSegment> sessionSegments(String stream, Instant sessionStart, int afterIndex) {
        return connections.reader().query("list segments of " + stream + " " + sessionStart, SEGMENTS
                        + " WHERE s.stream = ? AND s.session_start = ? AND s.segment_index > ? ORDER BY s.segment_index",
                List.<Object>of(stream, sessionStart.toEpochMilli(), afterIndex), PlaylistCatalog::segment);
    }

    /** Every segment of the sessions of a stream's UTC day, in recording order. */
    public List<PlaylistSegment> daySegments(String stream, LocalDate day) {
        return connections.reader().query("list segments of " + stream + " " + day, SEGMENTS
                        + " WHERE s.stream = ? AND s.session_start >= ? AND s.session_start < ?"
                        + " ORDER BY s.session_start, s.segment_index",
                List.<Object>of(stream, dayStart(day), dayStart(day.plusDays(1))), PlaylistCatalog::segment);
    }

    /**
     * Records that a session playlist of {@code state}'s generation was published (or that there
     * was nothing to publish: {@code sha256} null), makes its day playlist out of date, and, when
     * {@code finished} is given, logs the session's end: once, with the webhook event when
     * {@code webhooks} is on. One transaction.
     */
    public void sessionPublished(PlaylistState state, String sha256, boolean finalPlaylist, SessionSummary finished,
            boolean webhooks) {
        long now = clock.millis();
        writer.inTransaction("record the playlist of " + state.stream() + " " + state.sessionStart(), (connection, upsert) -> {
            int changed = CatalogWriter.execute(connection, "UPDATE recording_session SET published_generation = max(published_generation, ?),"
                            + " published_sha256 = COALESCE(?, published_sha256), final = ?,"
                            + " finished_logged = finished_logged OR ?, last_error = NULL, updated_at_ms = ?"
                            + " WHERE stream = ? AND session_start = ?",
                    state.generation(), sha256, finalPlaylist ? 1 : 0, finished != null ? 1 : 0, now, state.stream(),
                    state.sessionStart().toEpochMilli());
            if (sha256 != null && !sha256.equals(state.publishedSha256())) {
                CatalogWriter.execute(connection, "INSERT INTO day_playlist (stream, day, updated_at_ms) VALUES (?, ?, ?)"
                        + " ON CONFLICT (stream, day) DO UPDATE SET generation = generation + 1,"
                        + " updated_at_ms = excluded.updated_at_ms", state.stream(), state.day().toString(), now);
            }
            if (changed == 1 && finished != null && !state.finishedLogged() && webhooks) {
                WebhookOutbox.insertSessionFinished(connection, finished, now);
            }
            return null;
        });
    }

    /** Records that a day playlist of {@code state}'s generation was published. */
    public void dayPublished(PlaylistState state, String sha256, boolean finalPlaylist) {
        writer.update("record the playlist of " + state.stream() + " " + state.day(),
                "UPDATE day_playlist SET published_generation = max(published_generation, ?),"
                        + " published_sha256 = COALESCE(?, published_sha256), final = ?, last_error = NULL,"
                        + " updated_at_ms = ? WHERE stream = ? AND day = ?",
                state.generation(), sha256, finalPlaylist ? 1 : 0, clock.millis(), state.stream(), state.day().toString());
    }

    /** Notes why publishing a playlist failed; it stays out of date and is tried again. */
    public void publishFailed(PlaylistState state, String error) {
        if (state.isSession()) {
            writer.update("note a playlist failure", "UPDATE recording_session SET last_error = ?, updated_at_ms = ?"
                    + " WHERE stream = ? AND session_start = ?", error, clock.millis(), state.stream(),
                    state.sessionStart().toEpochMilli());
        } else {
            writer.update("note a playlist failure", "UPDATE day_playlist SET last_error = ?, updated_at_ms = ?"
                    + " WHERE stream = ? AND day = ?", error, clock.millis(), state.stream(), state.day().toString());
        }
    }

    /** Closes both connections; idempotent. */
    @Override
    public void close() {
        connections.close();
    }

    private static long dayStart(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    private static PlaylistState session(ResultSet rs) throws SQLException {
        Instant sessionStart = Instant.ofEpochMilli(rs.getLong("session_start"));
        return new PlaylistState(rs.getString("stream"), LocalDate.parse(SegmentLayout.day(sessionStart)), sessionStart,
                rs.getInt("ended") != 0, rs.getLong("generation"), rs.getString("published_sha256"),
                rs.getInt("final") != 0, rs.getInt("finished_logged") != 0);
    }

    private static PlaylistState day(ResultSet rs) throws SQLException {
        return new PlaylistState(rs.getString("stream"), LocalDate.parse(rs.getString("day")), null,
                rs.getInt("ended") != 0, rs.getLong("generation"), rs.getString("published_sha256"),
                rs.getInt("final") != 0, false);
    }

    private static PlaylistSegment segment(ResultSet rs) throws SQLException {
        Entry entry = SegmentRows.read(rs);
        long mediaSize = rs.getLong("media_size");
        if (rs.wasNull()) {
            return new PlaylistSegment(entry, null);
        }
        return new PlaylistSegment(entry, new SegmentMedia(mediaSize, rs.getLong("init_length"),
                rs.getLong("media_length"), Duration.ofNanos(rs.getLong("duration_us") * 1000)));
    }
}
