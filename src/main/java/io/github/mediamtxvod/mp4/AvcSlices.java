package io.github.mediamtxvod.mp4;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the display order of an H.264 video track's samples from a fragmented MP4
 * ({@link AvcPictureOrder}): the track's {@code avcC} from its sample description, and the start
 * of each sample's first slice from the media data. Reads only a few dozen bytes per sample.
 * Stateless.
 */
final class AvcSlices {
    /** Enough of a slice NAL unit for its header up to pic_order_cnt_lsb. */
    private static final int SLICE_HEAD = 64;
    /** VisualSampleEntry fields before its child boxes. */
    private static final int VISUAL_ENTRY_FIELDS = 78;

    private AvcSlices() {}

    /**
     * The display rank of each of the track's samples, in decode order (0 for the first shown).
     *
     * @return empty when the track is not H.264 or its order cannot be read from the bitstream
     */
    static Optional<int[]> displayRanks(FileChannel channel, FragmentIndex index, TrackInfo video, String name)
            throws IOException, PlaybackException {
        if (!video.codec().equals("avc1") && !video.codec().equals("avc3")) {
            return Optional.empty();
        }
        Optional<AvcPictureOrder.Config> config = avcC(video.sampleDescription(), name)
                .flatMap(AvcPictureOrder::config);
        if (config.isEmpty()) {
            return Optional.empty();
        }
        Map<Integer, TrackInfo> tracks = new HashMap<>();
        for (TrackInfo track : index.tracks()) {
            tracks.put(track.id(), track);
        }
        List<AvcPictureOrder.Slice> slices = new ArrayList<>();
        for (FragmentIndex.Fragment fragment : index.fragments()) {
            if (fragment.run(video.id()).isEmpty()) {
                continue;
            }
            byte[] moof = TimingFields.read(channel, fragment.moofOffset(), Math.toIntExact(fragment.moofSize()));
            for (TrackSamples samples : MoofParser.parse(moof, fragment.moofOffset(), tracks,
                    name + " (moof at byte " + fragment.moofOffset() + ")")) {
                if (samples.track.id() != video.id()) {
                    continue;
                }
                for (int i = 0; i < samples.count(); i++) {
                    Optional<byte[]> slice = firstSlice(channel, samples.offset(i), samples.size(i),
                            config.get().lengthSize());
                    if (slice.isEmpty()) {
                        return Optional.empty();
                    }
                    slices.add(new AvcPictureOrder.Slice(slice.get()));
                }
            }
        }
        return AvcPictureOrder.displayRanks(config.get().sps(), slices);
    }

    /** The first slice NAL unit of a sample, cut to its head; empty when the sample has none. */
    private static Optional<byte[]> firstSlice(FileChannel channel, long offset, int size, int lengthSize)
            throws IOException {
        long at = offset;
        long end = offset + size;
        while (at + lengthSize + 1 <= end) {
            byte[] prefix = TimingFields.read(channel, at, lengthSize + 1);
            long length = 0;
            for (int b = 0; b < lengthSize; b++) {
                length = (length << 8) | (prefix[b] & 0xff);
            }
            int type = prefix[lengthSize] & 0x1f;
            if (length == 0 || at + lengthSize + length > end) {
                return Optional.empty();
            }
            if (type == 1 || type == 5) {
                return Optional.of(TimingFields.read(channel, at + lengthSize, (int) Math.min(length, SLICE_HEAD)));
            }
            at += lengthSize + length;
        }
        return Optional.empty();
    }

    /** The body of the {@code avcC} box in the first sample entry of an {@code stsd}. */
    private static Optional<byte[]> avcC(byte[] stsd, String name) throws PlaybackException {
        String where = name + " (stsd)";
        List<Box> top = Box.children(stsd, 0, stsd.length, where);
        if (top.size() != 1 || top.get(0).bodyLength() < 8) {
            return Optional.empty();
        }
        List<Box> entries = Box.children(stsd, top.get(0).bodyStart() + 8, top.get(0).end(), where);
        if (entries.isEmpty() || entries.get(0).bodyLength() < VISUAL_ENTRY_FIELDS) {
            return Optional.empty();
        }
        Box entry = entries.get(0);
        Box avcC = Box.find(Box.children(stsd, entry.bodyStart() + VISUAL_ENTRY_FIELDS, entry.end(), where), "avcC");
        return avcC == null ? Optional.empty() : Optional.of(Arrays.copyOfRange(stsd, avcC.bodyStart(), avcC.end()));
    }
}
