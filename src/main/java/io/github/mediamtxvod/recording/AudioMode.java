package io.github.mediamtxvod.recording;

/**
 * How a recording treats audio. A stream starts in {@link #COPY} or {@link #TRANSCODE} (chosen
 * from the codecs MediaMTX reports) and steps down when FFmpeg keeps failing at start with a
 * codec or muxer error, so that a bad audio track never costs the video.
 */
enum AudioMode {
    /** Audio copied as it arrives. */
    COPY,
    /** Audio transcoded to AAC, for codecs the container cannot hold (G.711 in MP4, ...). */
    TRANSCODE,
    /** No audio at all: the last resort. */
    NONE;

    AudioMode fallback() {
        return switch (this) {
            case COPY -> TRANSCODE;
            case TRANSCODE, NONE -> NONE;
        };
    }
}
