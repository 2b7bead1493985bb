package io.github.mediamtxvod.recording;

import java.util.Locale;

/** The container FFmpeg writes each segment in; the setting {@code OUTPUT_FORMAT}. */
public enum OutputFormat {
    /** Fragmented MP4: a file cut off by a crash stays playable up to its last fragment. */
    MP4("mp4", "mp4", "video/mp4"),
    MKV("mkv", "matroska", "video/x-matroska"),
    TS("ts", "mpegts", "video/mp2t");

    private final String extension;
    private final String ffmpegMuxer;
    private final String contentType;

    OutputFormat(String extension, String ffmpegMuxer, String contentType) {
        this.extension = extension;
        this.ffmpegMuxer = ffmpegMuxer;
        this.contentType = contentType;
    }

    /** File name extension without the dot, also the value users write in OUTPUT_FORMAT. */
    public String extension() {
        return extension;
    }

    /** The name of FFmpeg's muxer for {@code -segment_format}. */
    public String ffmpegMuxer() {
        return ffmpegMuxer;
    }

    public String contentType() {
        return contentType;
    }

    /** The format whose extension is {@code value} (case-insensitive), or null. */
    public static OutputFormat fromSetting(String value) {
        String wanted = value.trim().toLowerCase(Locale.ROOT);
        for (OutputFormat format : values()) {
            if (format.extension.equals(wanted)) {
                return format;
            }
        }
        return null;
    }

    /** The file extension a segment file of any format may have, used by directory scans. */
    public static OutputFormat fromFileName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot < 0 ? null : fromSetting(fileName.substring(dot + 1));
    }
}
