package io.github.mediamtxvod.recording;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * A finished segment file: FFmpeg closed it and moved on, or exited (cleanly, crashed or killed)
 * while writing it, and will not write it again. The one description of a segment that the
 * recorder hands on, the catalogue stores and the web shows. Immutable.
 *
 * @param stream the MediaMTX path name, as MediaMTX spells it (untrusted: escape before display,
 *     map through {@link SegmentLayout} before it names a file)
 * @param sessionStart UTC start of its recording session (one FFmpeg run), as the folder name says
 * @param index the segment number within the session, from 0
 * @param relativePath the file below RECORDINGS_DIR with '/' separators; also the S3 key below
 *     S3_PREFIX
 * @param start when its first frame was recorded (best estimate)
 * @param duration its real media duration, or null when it could not be determined
 * @param sizeBytes the file size when it was finished
 */
public record Segment(
        String stream,
        Instant sessionStart,
        int index,
        String relativePath,
        Instant start,
        Duration duration,
        long sizeBytes) {

    public Segment {
        requireNonNull(stream, "stream is null");
        requireNonNull(sessionStart, "sessionStart is null");
        requireNonNull(relativePath, "relativePath is null");
        requireNonNull(start, "start is null");
    }

    /** The session folder below RECORDINGS_DIR, '/' separated. */
    public String sessionPath() {
        int slash = relativePath.lastIndexOf('/');
        return slash < 0 ? "" : relativePath.substring(0, slash);
    }

    /** The file name, such as {@code segment_004.mp4}. */
    public String fileName() {
        return relativePath.substring(relativePath.lastIndexOf('/') + 1);
    }

    /** The local file below {@code recordingsDir}. */
    public Path file(Path recordingsDir) {
        return recordingsDir.resolve(relativePath);
    }

    /** When the segment ends: its start plus its duration, or its start when the duration is unknown. */
    public Instant end() {
        return duration == null ? start : start.plus(duration);
    }
}
