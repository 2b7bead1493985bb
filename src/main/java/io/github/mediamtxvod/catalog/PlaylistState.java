package io.github.mediamtxvod.catalog;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.LocalDate;

/**
 * Where one playlist stands: a session's or a stream's UTC day's. It is out of date while {@code
 * generation} is above the generation last published; publishing records the generation it was
 * built from, so a change during the build makes it out of date again. Immutable.
 *
 * @param stream the MediaMTX path name
 * @param day the UTC day of the folder the playlist lies in
 * @param sessionStart the session's start for a session playlist; null for a day playlist
 * @param ended for a session playlist, whether the session's FFmpeg is gone; false for a day
 *     playlist (whether a day is over follows from its sessions and the date)
 * @param generation the generation to publish
 * @param publishedSha256 hex SHA-256 of the text last published, or null
 * @param finalPlaylist whether the text last published was complete ({@code #EXT-X-ENDLIST})
 * @param finishedLogged for a session: whether its end was logged (the session.finished event)
 */
public record PlaylistState(
        String stream,
        LocalDate day,
        Instant sessionStart,
        boolean ended,
        long generation,
        String publishedSha256,
        boolean finalPlaylist,
        boolean finishedLogged) {
    public PlaylistState {
        requireNonNull(stream, "stream is null");
        requireNonNull(day, "day is null");
    }

    public boolean isSession() {
        return sessionStart != null;
    }
}
