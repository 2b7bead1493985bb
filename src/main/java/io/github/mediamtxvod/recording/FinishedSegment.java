package io.github.mediamtxvod.recording;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * A segment file FFmpeg will not write again: it closed it and moved on, or it exited (cleanly,
 * crashed or killed) while writing it.
 *
 * @param streamName the MediaMTX path name, as MediaMTX spells it (untrusted)
 * @param sessionStart UTC start of the recording session (one FFmpeg run); names the folder
 * @param index the segment number within the session, from 0
 * @param file the absolute local path of the segment file
 * @param relativePath the path relative to RECORDINGS_DIR with '/' separators; also the S3 key
 *     below S3_PREFIX
 * @param start when the segment's first frame was recorded (best estimate)
 * @param duration the real media duration, or null when it could not be determined
 * @param sizeBytes the file size when the segment finished
 */
public record FinishedSegment(
        String streamName,
        Instant sessionStart,
        int index,
        Path file,
        String relativePath,
        Instant start,
        Duration duration,
        long sizeBytes) {

    public FinishedSegment {
        requireNonNull(streamName, "streamName is null");
        requireNonNull(sessionStart, "sessionStart is null");
        requireNonNull(file, "file is null");
        requireNonNull(relativePath, "relativePath is null");
        requireNonNull(start, "start is null");
    }
}
