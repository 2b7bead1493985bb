package io.github.mediamtxvod.playlist;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.catalog.PlaylistCatalog;
import io.github.mediamtxvod.catalog.PlaylistState;
import io.github.mediamtxvod.upload.S3ObjectWriter;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * One look of the playlist stage at what is out of date: publishes each session playlist and then
 * each day playlist whose {@link PublishSchedule} allows it now, and leaves the others out of date
 * (in the catalogue, durably) for a later look. Session playlists are listed from the catalogue at
 * every look; day playlists only become out of date when a session publish changed a text, so the
 * ones made so in this run are kept in memory, and the catalogue's list is read at the first look
 * and once per {@link #IDLE_LOOK} (the days a past run left, and any this memory missed). A failed
 * publish is noted in the catalogue and thrown: the caller retries it with backoff. Used by the
 * publisher's thread only.
 */
final class DuePlaylists {
    /** Everything that changes a playlist wakes the stage; this only bounds a missed wake-up. */
    static final Duration IDLE_LOOK = Duration.ofMinutes(1);
    private static final int PAGE = 50;

    private final PlaylistCatalog catalog;
    private final PlaylistBuilder builder;
    private final PublishSchedule schedule;
    private final LongSupplier nanoTime;
    private final Instant startedAt;
    private final BooleanSupplier running;
    /** Day playlists a session publish of this run made out of date, with whether to publish them promptly. */
    private final Map<PublishSchedule.Key, Boolean> outOfDateDays = new LinkedHashMap<>();
    private long lastDayScan;
    private boolean daysScanned;

    /**
     * @param startedAt when this run began: a session started before it was cut off by the last run
     * @param running whether the stage goes on (a look ends early when it stops)
     */
    DuePlaylists(PlaylistCatalog catalog, PlaylistBuilder builder, PublishSchedule schedule, LongSupplier nanoTime,
            Instant startedAt, BooleanSupplier running) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.builder = requireNonNull(builder, "builder is null");
        this.schedule = requireNonNull(schedule, "schedule is null");
        this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
        this.startedAt = requireNonNull(startedAt, "startedAt is null");
        this.running = requireNonNull(running, "running is null");
    }

    /**
     * One look: whether anything was published, and how long until a playlist left out of date
     * for now is due ({@link #IDLE_LOOK} when none is).
     */
    record Pass(boolean published, Duration nextDue) {}

    /** Publishes every out-of-date playlist that is due, sessions first. */
    Pass publish() throws IOException {
        boolean published = false;
        Duration next = IDLE_LOOK;
        PlaylistState after = null;
        List<PlaylistState> sessions;
        while (running.getAsBoolean() && !(sessions = catalog.outOfDateSessions(after, PAGE)).isEmpty()) {
            for (PlaylistState session : sessions) {
                // a new playlist and a completion go out at once
                boolean prompt = session.publishedSha256() == null || ended(session);
                Duration wait = schedule.waitFor(PublishSchedule.Key.of(session), prompt);
                if (wait.isZero()) {
                    publishSession(session);
                    published = true;
                } else {
                    next = earlier(next, wait);
                }
            }
            after = sessions.getLast();
        }
        scanDays();
        Iterator<Map.Entry<PublishSchedule.Key, Boolean>> days = outOfDateDays.entrySet().iterator();
        while (running.getAsBoolean() && days.hasNext()) {
            Map.Entry<PublishSchedule.Key, Boolean> day = days.next();
            Duration wait = schedule.waitFor(day.getKey(), day.getValue());
            if (wait.isZero()) {
                publishDay(day.getKey());
                days.remove();
                published = true;
            } else {
                next = earlier(next, wait);
            }
        }
        schedule.prune();
        return new Pass(published, next);
    }

    private static Duration earlier(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** At start and once per idle look: the day playlists the catalogue holds out of date. */
    private void scanDays() {
        long now = nanoTime.getAsLong();
        if (daysScanned && now - lastDayScan < IDLE_LOOK.toNanos()) {
            return;
        }
        PlaylistState after = null;
        List<PlaylistState> page;
        while (running.getAsBoolean() && !(page = catalog.outOfDateDays(after, PAGE)).isEmpty()) {
            for (PlaylistState day : page) {
                outOfDateDays.putIfAbsent(PublishSchedule.Key.of(day), false);
            }
            after = page.getLast();
        }
        daysScanned = true;
        lastDayScan = now;
    }

    private void publishSession(PlaylistState state) throws IOException {
        PlaylistBuilder.Published result;
        try {
            result = builder.publishSession(state, ended(state));
        } catch (IOException | RuntimeException e) {
            noteFailureQuietly(state, e);
            throw e;
        }
        if (result.changed()) {
            schedule.published(PublishSchedule.Key.of(state), result.listed());
            // the same transaction made the day out of date; a new session or a completed one shows there at once
            boolean prompt = state.publishedSha256() == null || result.complete();
            outOfDateDays.merge(new PublishSchedule.Key(state.stream(), state.day(), null), prompt, Boolean::logicalOr);
        }
    }

    private void publishDay(PublishSchedule.Key key) throws IOException {
        Optional<PlaylistState> outOfDate = catalog.outOfDateDay(key.stream(), key.day());
        if (outOfDate.isEmpty()) {
            return;
        }
        PlaylistState state = outOfDate.get();
        try {
            boolean ended = catalog.daySessions(state.stream(), state.day()).stream().allMatch(this::ended);
            PlaylistBuilder.Published result = builder.publishDay(state, ended);
            if (result.changed()) {
                schedule.published(key, result.listed());
            }
        } catch (IOException | RuntimeException e) {
            noteFailureQuietly(state, e);
            throw e;
        }
    }

    /** A session started before this run began was cut off by the end of the last run. */
    private boolean ended(PlaylistState session) {
        return session.ended() || session.sessionStart().isBefore(startedAt);
    }

    private void noteFailureQuietly(PlaylistState state, Exception failure) {
        try {
            catalog.publishFailed(state, S3ObjectWriter.describe(failure));
        } catch (RuntimeException e) {
            // the catalogue itself fails: the loop logs the original failure
        }
    }
}
