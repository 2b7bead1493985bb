package io.github.mediamtxvod.recording;

import static java.util.Objects.requireNonNull;

import io.github.mediamtxvod.recording.OutputFormat;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A recording session: one FFmpeg run of one stream, one folder {@code
 * <stream>/<YYYY-MM-DD>/<YYYYMMDD_HHMMSS>} holding its segments. Immutable.
 *
 * @param stream the MediaMTX path name (untrusted)
 * @param start the session start as its folder name says (whole seconds, UTC)
 * @param startedAt the wall-clock start of its first segment: when FFmpeg was started, to the
 *     millisecond, until FFmpeg's progress tells when its media began ({@link #withStartedAt})
 * @param format the container of its segment files
 * @param relativePath the folder below RECORDINGS_DIR, '/' separated
 */
public record Session(String stream, Instant start, Instant startedAt, OutputFormat format,
        String relativePath) {
    public Session {
        requireNonNull(stream, "stream is null");
        requireNonNull(start, "start is null");
        requireNonNull(startedAt, "startedAt is null");
        requireNonNull(format, "format is null");
        requireNonNull(relativePath, "relativePath is null");
    }

    /** The same session with its first segment starting at {@code startedAt}. */
    public Session withStartedAt(Instant startedAt) {
        return new Session(stream, start, startedAt, format, relativePath);
    }

    /** The session folder below {@code recordingsDir}. */
    public Path dir(Path recordingsDir) {
        return recordingsDir.resolve(relativePath);
    }
}
