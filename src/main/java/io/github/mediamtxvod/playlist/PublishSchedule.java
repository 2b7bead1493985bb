package io.github.mediamtxvod.playlist;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.catalog.PlaylistState;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * When an out-of-date playlist may be published again, so that a burst of changes (a backlog of
 * confirmations after an S3 outage, a thousand streams finishing segments) costs one publish per
 * playlist and interval instead of one per change. A playlist is published at once when its last
 * publish in this run is at least its interval ago (or there was none: the first change after a
 * quiet spell is never delayed), else when that interval has passed. A prompt publish (a new
 * playlist, a completion) is never delayed.
 *
 * <p>Intervals: a session playlist's is half the segment duration, at least 2 s and at most 30 s:
 * a session changes once per segment in the steady state, so each segment is still published as
 * soon as it is in place, and a change that follows another closely waits at most half a segment;
 * a live viewer, who reloads the playlist about once per target duration, sees each segment within
 * about one segment duration. A day playlist's is 30 s per started 1,000 segments it lists, at
 * most 5 minutes: it is rendered whole (a day of 10 s segments lists 8,640), so its cost grows
 * through the day, and this keeps it at about 1,000 listed segments per 30 s per stream; it is for
 * browsing a day (a new session and the day's end still show at once), and the session playlist
 * is the one that follows the live edge. It keeps its interval however long the session runs:
 * an open playlist's next version is due within 1.5 target durations of the last (RFC 8216,
 * 6.2.1), or live players stall, so a long session's cost is not cut by publishing it less often.
 *
 * <p>Time is monotonic ({@code System::nanoTime} in production, injected in tests). Only the
 * publishes of the last interval are remembered: an older one is no reason to wait. Not
 * thread-safe: used by the publisher's thread only.
 */
final class PublishSchedule {
    static final Duration DAY_INTERVAL = Duration.ofSeconds(30);
    static final int DAY_SEGMENTS_PER_INTERVAL = 1000;
    static final Duration DAY_INTERVAL_MAX = Duration.ofMinutes(5);
    private static final Duration SESSION_MIN = Duration.ofSeconds(2);

    /** One playlist: a session's ({@code sessionStart} set) or a stream's day's. */
    record Key(String stream, LocalDate day, Instant sessionStart) {
        Key {
            requireNonNull(stream, "stream is null");
            requireNonNull(day, "day is null");
        }

        static Key of(PlaylistState state) {
            return new Key(state.stream(), state.day(), state.sessionStart());
        }

        boolean isSession() {
            return sessionStart != null;
        }
    }

    private final long sessionIntervalNanos;
    private final long dayIntervalNanos;
    private final LongSupplier nanoTime;
    /** When each playlist was last published, and how long it waits after that. */
    private final Map<Key, Publish> lastPublished = new HashMap<>();

    private record Publish(long atNanos, long intervalNanos) {}

    PublishSchedule(Duration sessionInterval, Duration dayInterval, LongSupplier nanoTime) {
        this.sessionIntervalNanos = requireNonNull(sessionInterval, "sessionInterval is null").toNanos();
        this.dayIntervalNanos = requireNonNull(dayInterval, "dayInterval is null").toNanos();
        this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
    }

    /** The schedule of production for SEGMENT_DURATION {@code segmentDuration}. */
    static PublishSchedule forSegments(Duration segmentDuration, LongSupplier nanoTime) {
        return new PublishSchedule(sessionInterval(segmentDuration), DAY_INTERVAL, nanoTime);
    }

    /** Half the segment duration, within [2 s, 30 s]. */
    static Duration sessionInterval(Duration segmentDuration) {
        Duration half = segmentDuration.dividedBy(2);
        if (half.compareTo(SESSION_MIN) < 0) {
            return SESSION_MIN;
        }
        return half.compareTo(DAY_INTERVAL) > 0 ? DAY_INTERVAL : half;
    }

    /**
     * How long until the playlist may be published: zero when it may be now.
     *
     * @param prompt whether this publish must not wait (a new playlist, a completion)
     */
    Duration waitFor(Key key, boolean prompt) {
        Publish last = lastPublished.get(key);
        if (prompt || last == null) {
            return Duration.ZERO;
        }
        long left = last.atNanos() + last.intervalNanos() - nanoTime.getAsLong();
        return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
    }

    /** The playlist was published (its text changed) now, listing {@code listed} segments. */
    void published(Key key, int listed) {
        lastPublished.put(key, new Publish(nanoTime.getAsLong(), interval(key, listed)));
    }

    /** Forgets the publishes older than their interval (they no longer delay anything). */
    void prune() {
        long now = nanoTime.getAsLong();
        lastPublished.values().removeIf(last -> now - last.atNanos() >= last.intervalNanos());
    }

    /** How many publishes are remembered (for tests: the memory stays bounded). */
    int remembered() {
        return lastPublished.size();
    }

    private long interval(Key key, int listed) {
        if (key.isSession()) {
            return sessionIntervalNanos;
        }
        long thousands = Math.max(1, (listed + DAY_SEGMENTS_PER_INTERVAL - 1) / DAY_SEGMENTS_PER_INTERVAL);
        return Math.min(DAY_INTERVAL_MAX.toNanos(), dayIntervalNanos * thousands);
    }
}
