package io.github.mediamtxvod.mp4;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * One track of a segment's init section, with what a new file needs to carry the same samples.
 * Immutable: the sample description is copied in and out.
 *
 * @param id                    track id, as fragments name it
 * @param handler               {@code vide}, {@code soun} or another handler type
 * @param timescale             ticks per second of the track's times
 * @param codec                 four-character code of the first sample entry: {@code avc1}, {@code hvc1},
 *                              {@code hev1}, {@code mp4a}, {@code Opus}, ...
 * @param sampleDescription     the whole {@code stsd} box, header included, copied unchanged into outputs
 * @param width                 tkhd width, 16.16 fixed point (0 for audio)
 * @param height                tkhd height, 16.16 fixed point (0 for audio)
 * @param language              mdhd packed ISO-639-2 language code
 * @param defaultSampleDuration trex default, used when a fragment gives none
 * @param defaultSampleSize     trex default
 * @param defaultSampleFlags    trex default
 */
public record TrackInfo(int id, String handler, long timescale, String codec, byte[] sampleDescription,
        int width, int height, int language, long defaultSampleDuration, long defaultSampleSize,
        int defaultSampleFlags) {
    public TrackInfo {
        requireNonNull(handler, "handler is null");
        requireNonNull(codec, "codec is null");
        requireNonNull(sampleDescription, "sampleDescription is null");
        if (timescale <= 0) {
            throw new IllegalArgumentException("track " + id + " has timescale " + timescale + "; it must be positive");
        }
        sampleDescription = sampleDescription.clone();
    }

    @Override
    public byte[] sampleDescription() {
        return sampleDescription.clone();
    }

    public boolean isVideo() {
        return handler.equals("vide");
    }

    public boolean isAudio() {
        return handler.equals("soun");
    }

    /**
     * Whether samples of {@code other} can follow this track's in one output: same id, handler,
     * timescale and byte-identical sample description (codec parameters, resolution).
     */
    public boolean sameLayout(TrackInfo other) {
        return id == other.id && handler.equals(other.handler) && timescale == other.timescale
                && Arrays.equals(sampleDescription, other.sampleDescription);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TrackInfo that && sameLayout(that) && codec.equals(that.codec)
                && width == that.width && height == that.height && language == that.language
                && defaultSampleDuration == that.defaultSampleDuration
                && defaultSampleSize == that.defaultSampleSize && defaultSampleFlags == that.defaultSampleFlags;
    }

    @Override
    public int hashCode() {
        return 31 * Integer.hashCode(id) + Arrays.hashCode(sampleDescription);
    }

    @Override
    public String toString() {
        return "track " + id + " (" + handler + ", " + codec + ", timescale " + timescale + ")";
    }
}
