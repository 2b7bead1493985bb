package io.github.mediamtxvod.mediamtx;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/**
 * One path as MediaMTX's Control API lists it, reduced to what the recorder needs. Immutable.
 *
 * <p>{@code name} is MediaMTX's path name as sent, already checked to be non-blank and free of
 * control characters; it is still untrusted (it may contain {@code /}, {@code ..} or be very
 * long), so it must go through {@code SegmentLayout} before it touches a file name or an S3 key,
 * and be escaped before it reaches HTML.
 *
 * @param name the path name, e.g. {@code cam1} or {@code live/front}
 * @param live whether a stream is being published right now: MediaMTX reports it available
 *     (or, before v1.16, ready) and not merely served by its always-available filler
 * @param trackCodecs codec names of the tracks, e.g. {@code H264}, {@code MPEG-4 Audio}; empty
 *     when unknown
 * @param liveSince when the stream became available; null when not live or not reported
 * @param sourceType MediaMTX's source type, e.g. {@code rtspSession}, {@code rtmpConn}; null when
 *     the path has no source
 */
public record MediaMtxPath(
        String name, boolean live, List<String> trackCodecs, Instant liveSince, String sourceType) {

    public MediaMtxPath {
        requireNonNull(name, "name is null");
        trackCodecs = List.copyOf(requireNonNull(trackCodecs, "trackCodecs is null"));
    }
}
