package io.github.mediamtxvod.catalog;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

/**
 * The webhook outbox in the catalogue: every event waits in the table {@code webhook_event} until
 * the receiver accepted it, across restarts and outages, and is read in pages, so a receiver that
 * is down for a week costs disk, not memory.
 *
 * <p>Events are logged in the transaction that makes them true: {@code segment.uploaded} by a
 * trigger on the catalogue's confirmation of an upload (installed by {@link #start} when webhooks
 * are on), {@code session.finished} with the session's last playlist ({@link PlaylistCatalog}).
 * Delivery is at least once and in order per stream: only the oldest event of each stream is
 * due, and an event leaves the outbox only once delivered.
 *
 * <p>Threading: thread-safe; one connection for writes, one for reads. The creator calls {@link
 * #start} after the catalogue started, and {@link #close()}.
 */
public final class WebhookOutbox implements AutoCloseable {
    private static final String TRIGGER = "webhook_segment_uploaded";
    private static final String COLUMNS = "seq, id, type, stream, session_start, relative_path, segment_index,"
            + " start_ms, end_ms, duration_ms, segments, missing, size_bytes, s3_key, etag, checksum, playlist,"
            + " created_at_ms, body, attempts";

    private final InstantSource clock;
    private final CatalogConnections connections;
    private final CatalogWriter writer;
    private volatile boolean enabled;
    /** The trigger still has to go into a database that replaced a damaged one. */
    private volatile boolean triggerWanted;

    public WebhookOutbox(Path recordingsDir, InstantSource clock) {
        this.connections = new CatalogConnections(requireNonNull(recordingsDir, "recordingsDir is null"));
        this.clock = requireNonNull(clock, "clock is null");
        this.writer = connections.writer();
    }

    /**
     * Opens the outbox. With {@code enabled}, every upload the catalogue confirms from now on logs
     * a {@code segment.uploaded} event; without, none does, and events still waiting from a run
     * with webhooks are dropped. Returns how many were dropped.
     */
    public int start(boolean enabled) {
        connections.open("webhooks");
        this.enabled = enabled;
        if (enabled) {
            installTrigger();
            return 0;
        }
        return writer.inTransaction("turn webhooks off", (connection, upsert) -> {
            CatalogWriter.execute(connection, "DROP TRIGGER IF EXISTS " + TRIGGER);
            return CatalogWriter.execute(connection, "DELETE FROM webhook_event");
        });
    }

    /**
     * The catalogue's damaged database was replaced by a new one ({@link Catalog#whenReplaced}):
     * with webhooks on, the trigger goes into it before the catalogue writes on. Events still
     * waiting in the old file are lost with it.
     */
    public void databaseReplaced() {
        if (enabled && !connections.isClosed()) {
            triggerWanted = true;
            ensureTrigger();
        }
    }

    /** Installs the trigger a replaced database still lacks; a failure leaves it wanted for the next call. */
    private void ensureTrigger() {
        if (triggerWanted) {
            installTrigger();
            triggerWanted = false;
        }
    }

    private void installTrigger() {
        // made again at every start, so that a catalogue of an older version gets this one
        writer.update("replace the webhook trigger", "DROP TRIGGER IF EXISTS " + TRIGGER);
        writer.update("install the webhook trigger", "CREATE TRIGGER " + TRIGGER
                + " AFTER UPDATE OF state ON segment WHEN NEW.state = 'UPLOADED' AND OLD.state = 'UPLOADING'"
                + " BEGIN INSERT INTO webhook_event (id, type, stream, session_start, relative_path, segment_index,"
                + " start_ms, duration_ms, size_bytes, s3_key, etag, checksum, created_at_ms)"
                + " VALUES ('segment.uploaded ' || NEW.relative_path, 'segment.uploaded', NEW.stream,"
                + " NEW.session_start,"
                + " NEW.relative_path, NEW.segment_index, NEW.start_ms, NEW.duration_ms, NEW.confirmed_size,"
                + " NEW.s3_key, NEW.etag, NEW.checksum, NEW.confirmed_at_ms); END");
    }

    /** The oldest undelivered event of each stream whose retry time has come, oldest first. */
    public List<WebhookEvent> due(int limit) {
        ensureTrigger();
        return connections.reader().query("list due webhook events", "SELECT " + COLUMNS + " FROM webhook_event"
                        + " WHERE seq IN (SELECT min(seq) FROM webhook_event GROUP BY stream) AND retry_at_ms <= ?"
                        + " ORDER BY seq LIMIT ?",
                List.<Object>of(clock.millis(), limit), WebhookOutbox::read);
    }

    /** When the next retry of a stream's oldest event is due, if any event waits. */
    public Optional<Instant> nextRetryAt() {
        return connections.reader().query("find the next webhook retry", "SELECT min(retry_at_ms) FROM webhook_event"
                        + " WHERE seq IN (SELECT min(seq) FROM webhook_event GROUP BY stream)", List.<Object>of(),
                rs -> {
                    long at = rs.getLong(1);
                    return rs.wasNull() ? null : Instant.ofEpochMilli(at);
                }).stream().filter(java.util.Objects::nonNull).findFirst();
    }

    /** Events waiting for delivery. */
    public long waiting() {
        return connections.reader().query("count webhook events", "SELECT count(*) FROM webhook_event", List.<Object>of(),
                rs -> rs.getLong(1)).getFirst();
    }

    /** Keeps the body of the first attempt, so that every later attempt sends the same bytes. */
    public void keepBody(WebhookEvent event, String body) {
        writer.update("keep the body of webhook event " + event.id(),
                "UPDATE webhook_event SET body = ? WHERE seq = ? AND body IS NULL", body, event.seq());
    }

    /** The receiver accepted the event: it leaves the outbox. */
    public void delivered(WebhookEvent event) {
        writer.update("remove delivered webhook event " + event.id(), "DELETE FROM webhook_event WHERE seq = ?",
                event.seq());
    }

    /** A failed attempt: the event is due again at {@code retryAt}; its stream waits for it. */
    public void failed(WebhookEvent event, String error, Instant retryAt) {
        writer.update("note a failed webhook delivery", "UPDATE webhook_event SET attempts = attempts + 1,"
                + " last_error = ?, retry_at_ms = ? WHERE seq = ?", error, retryAt.toEpochMilli(), event.seq());
    }

    /** Logs a session.finished event inside the caller's transaction. */
    static void insertSessionFinished(Connection connection, SessionSummary session, long now) throws SQLException {
        CatalogWriter.execute(connection, "INSERT INTO webhook_event (id, type, stream, session_start, relative_path,"
                        + " start_ms, end_ms, segments, missing, size_bytes, s3_key, playlist, created_at_ms)"
                        + " VALUES (?, 'session.finished', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                "session.finished " + session.folder(), session.stream(), session.sessionStart().toEpochMilli(),
                session.folder(), session.start().toEpochMilli(), session.end().toEpochMilli(), session.segments(),
                session.missing(), session.sizeBytes(), session.key(), session.playlist(), now);
    }

    /** Closes both connections; idempotent. */
    @Override
    public void close() {
        connections.close();
    }

    private static WebhookEvent read(ResultSet rs) throws SQLException {
        return new WebhookEvent(rs.getLong("seq"), WebhookEvent.idOf(rs.getString("id")),
                WebhookEvent.Type.of(rs.getString("type")),
                rs.getString("stream"), Instant.ofEpochMilli(rs.getLong("session_start")),
                rs.getString("relative_path"), integer(rs, "segment_index"),
                Instant.ofEpochMilli(rs.getLong("start_ms")), instant(rs, "end_ms"), duration(rs, "duration_ms"),
                integer(rs, "segments"), integer(rs, "missing"), number(rs, "size_bytes"), rs.getString("s3_key"),
                rs.getString("etag"),
                rs.getString("checksum"), rs.getString("playlist"), Instant.ofEpochMilli(rs.getLong("created_at_ms")),
                rs.getString("body"), rs.getInt("attempts"));
    }

    private static Long number(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static Integer integer(ResultSet rs, String column) throws SQLException {
        Long value = number(rs, column);
        return value == null ? null : Math.toIntExact(value);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Long millis = number(rs, column);
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }

    private static Duration duration(ResultSet rs, String column) throws SQLException {
        Long millis = number(rs, column);
        return millis == null ? null : Duration.ofMillis(millis);
    }
}
