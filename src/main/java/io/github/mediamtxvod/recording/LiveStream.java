package io.github.mediamtxvod.recording;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A stream that should be recorded now.
 *
 * @param name the MediaMTX path name (untrusted: only ever used through {@code SegmentLayout} and
 *     {@code FfmpegCommand.inputUrl})
 * @param trackCodecs MediaMTX's codec names of its tracks, empty when unknown
 */
public record LiveStream(String name, List<String> trackCodecs) {
    public LiveStream {
        requireNonNull(name, "name is null");
        trackCodecs = List.copyOf(requireNonNull(trackCodecs, "trackCodecs is null"));
    }
}
