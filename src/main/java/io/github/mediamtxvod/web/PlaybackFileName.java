package io.github.mediamtxvod.web;

import io.github.mediamtxvod.recording.SegmentLayout;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The file name offered for a {@code format=mp4} download: {@code <stream>_<YYYYMMDD_HHMMSS>_<seconds>s.mp4},
 * the stream name escaped as its folder name is (ASCII letters, digits, {@code _ - . ~} only), so an
 * untrusted name can neither break the header nor name a path. Pure.
 */
final class PlaybackFileName {
    private static final DateTimeFormatter START = DateTimeFormatter.ofPattern("uuuuMMdd_HHmmss").withZone(ZoneOffset.UTC);

    private PlaybackFileName() {}

    static String of(PlaybackRequest.GetQuery query) {
        return SegmentLayout.safeStreamName(query.path()) + "_" + START.format(query.start()) + "_"
                + PlaybackTime.seconds(query.duration()) + "s.mp4";
    }
}
