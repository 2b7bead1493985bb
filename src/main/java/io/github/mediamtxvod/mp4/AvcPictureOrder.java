package io.github.mediamtxvod.mp4;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The order in which an H.264 decoder shows a track's pictures, from the bitstream: each
 * picture's order count (POC) from its first slice header, under the sequence parameter set of
 * the track's {@code avcC}. Pure.
 *
 * <p>Why: a decoder shows the pictures in POC order and gives each the time its sample carries. A
 * source's timestamp jitter or stall can give a B-frame a time after the picture it is shown
 * before; the decoder then emits times out of order and two frames land in one output slot. Only
 * the bitstream tells which order is right.
 *
 * <p>Handles {@code pic_order_cnt_type} 0 (what x264 and most encoders with B-frames write) and 2
 * (output in decode order). Type 1, field pictures, several SPS or a slice that cannot be read
 * give no order: the caller keeps the timestamps' order.
 */
final class AvcPictureOrder {
    private static final int NAL_SLICE = 1;
    private static final int NAL_IDR = 5;
    /** profile_idc values whose SPS carries chroma format, bit depths and scaling lists. */
    private static final int[] HIGH_PROFILES = {100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135};

    /** What the slice headers need from the sequence parameter set. */
    record Sps(int log2MaxFrameNum, int pocType, int log2MaxPocLsb, boolean frameMbsOnly,
            boolean separateColourPlane) {}

    /**
     * The first slice of one picture: its NAL unit, header byte included, at least its slice
     * header (the first few dozen bytes are enough).
     */
    record Slice(byte[] nal) {}

    private AvcPictureOrder() {}

    /**
     * The NAL length size and SPS of an {@code avcC} record.
     *
     * @param avcC the record's body (configurationVersion first)
     * @return empty when the record is not one this reads (none or several SPS, unknown layout)
     */
    static Optional<Config> config(byte[] avcC) {
        if (avcC.length < 8 || avcC[0] != 1) {
            return Optional.empty();
        }
        int lengthSize = (avcC[4] & 3) + 1;
        int spsCount = avcC[5] & 0x1f;
        if (spsCount != 1) {
            return Optional.empty();
        }
        int spsLength = Bytes.u16(avcC, 6);
        if (8 + spsLength > avcC.length) {
            return Optional.empty();
        }
        byte[] sps = new byte[spsLength];
        System.arraycopy(avcC, 8, sps, 0, spsLength);
        return sps(sps).map(parsed -> new Config(lengthSize, parsed));
    }

    /** @param lengthSize bytes of each NAL unit's length prefix in a sample */
    record Config(int lengthSize, Sps sps) {}

    /** Reads what the slice headers need from an SPS NAL unit (header byte included). */
    static Optional<Sps> sps(byte[] nal) {
        try {
            BitReader bits = new BitReader(nal);
            bits.skip(8);
            int profile = bits.bits(8);
            bits.skip(16); // constraint flags, level
            bits.ue(); // seq_parameter_set_id
            boolean separateColourPlane = false;
            if (isHighProfile(profile)) {
                int chromaFormat = bits.ue();
                if (chromaFormat == 3) {
                    separateColourPlane = bits.bit();
                }
                bits.ue(); // bit_depth_luma_minus8
                bits.ue(); // bit_depth_chroma_minus8
                bits.skip(1); // qpprime_y_zero_transform_bypass_flag
                if (bits.bit()) {
                    skipScalingLists(bits, chromaFormat != 3 ? 8 : 12);
                }
            }
            int log2MaxFrameNum = bits.ue() + 4;
            int pocType = bits.ue();
            int log2MaxPocLsb = 0;
            if (pocType == 0) {
                log2MaxPocLsb = bits.ue() + 4;
            } else if (pocType == 1) {
                return Optional.empty();
            }
            bits.ue(); // max_num_ref_frames
            bits.skip(1); // gaps_in_frame_num_value_allowed_flag
            bits.ue(); // pic_width_in_mbs_minus1
            bits.ue(); // pic_height_in_map_units_minus1
            boolean frameMbsOnly = bits.bit();
            if (log2MaxFrameNum > 16 || log2MaxPocLsb > 16 || pocType > 2) {
                return Optional.empty();
            }
            return Optional.of(new Sps(log2MaxFrameNum, pocType, log2MaxPocLsb, frameMbsOnly, separateColourPlane));
        } catch (IndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

    /**
     * The display rank of each picture: 0 for the first shown, in decode order of the slices given.
     * Pictures after an IDR are shown after every picture before it.
     *
     * @return empty when a slice cannot be read or the SPS's order is not one this handles
     */
    static Optional<int[]> displayRanks(Sps sps, List<Slice> slices) {
        int count = slices.size();
        long[] keys = new long[count];
        long epoch = 0;
        int previousMsb = 0;
        int previousLsb = 0;
        int maxLsb = 1 << sps.log2MaxPocLsb();
        for (int i = 0; i < count; i++) {
            byte[] nal = slices.get(i).nal();
            if (nal.length < 2) {
                return Optional.empty();
            }
            int type = nal[0] & 0x1f;
            boolean reference = (nal[0] & 0x60) != 0;
            if (type != NAL_SLICE && type != NAL_IDR) {
                return Optional.empty();
            }
            if (type == NAL_IDR) {
                epoch++;
                previousMsb = 0;
                previousLsb = 0;
            }
            if (sps.pocType() == 2) {
                keys[i] = i;
                continue;
            }
            Optional<Integer> lsb = pocLsb(sps, nal, type == NAL_IDR);
            if (lsb.isEmpty()) {
                return Optional.empty();
            }
            int msb = previousMsb;
            if (lsb.get() < previousLsb && previousLsb - lsb.get() >= maxLsb / 2) {
                msb += maxLsb;
            } else if (lsb.get() > previousLsb && lsb.get() - previousLsb > maxLsb / 2) {
                msb -= maxLsb;
            }
            if (reference) {
                previousMsb = msb;
                previousLsb = lsb.get();
            }
            keys[i] = (epoch << 40) + (1L << 39) + msb + lsb.get();
        }
        return Optional.of(ranks(keys));
    }

    /** The slice's pic_order_cnt_lsb; empty for a field picture or a header that ends early. */
    private static Optional<Integer> pocLsb(Sps sps, byte[] nal, boolean idr) {
        try {
            BitReader bits = new BitReader(nal);
            bits.skip(8);
            bits.ue(); // first_mb_in_slice
            bits.ue(); // slice_type
            bits.ue(); // pic_parameter_set_id
            if (sps.separateColourPlane()) {
                bits.skip(2);
            }
            bits.skip(sps.log2MaxFrameNum()); // frame_num
            if (!sps.frameMbsOnly() && bits.bit()) {
                return Optional.empty(); // a field: not handled
            }
            if (idr) {
                bits.ue(); // idr_pic_id
            }
            return Optional.of(bits.bits(sps.log2MaxPocLsb()));
        } catch (IndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

    private static int[] ranks(long[] keys) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < keys.length; i++) {
            order.add(i);
        }
        order.sort((a, b) -> keys[a] != keys[b] ? Long.compare(keys[a], keys[b]) : Integer.compare(a, b));
        int[] rank = new int[keys.length];
        for (int k = 0; k < keys.length; k++) {
            rank[order.get(k)] = k;
        }
        return rank;
    }

    private static boolean isHighProfile(int profile) {
        for (int high : HIGH_PROFILES) {
            if (high == profile) {
                return true;
            }
        }
        return false;
    }

    private static void skipScalingLists(BitReader bits, int lists) {
        for (int list = 0; list < lists; list++) {
            if (!bits.bit()) {
                continue;
            }
            int size = list < 6 ? 16 : 64;
            int last = 8;
            int next = 8;
            for (int j = 0; j < size; j++) {
                if (next != 0) {
                    next = (last + bits.se() + 256) % 256;
                }
                last = next == 0 ? last : next;
            }
        }
    }

    /**
     * Reads bits of a NAL unit's payload, skipping its emulation prevention bytes (a 3 after two
     * zero bytes). Throws {@link IndexOutOfBoundsException} past the end.
     */
    private static final class BitReader {
        private final byte[] data;
        private int bytePosition;
        private int bitPosition;
        private int zeros;

        BitReader(byte[] data) {
            this.data = data;
        }

        boolean bit() {
            if (bitPosition == 0) {
                if (zeros >= 2 && data[bytePosition] == 3) {
                    bytePosition++;
                    zeros = 0;
                }
                zeros = data[bytePosition] == 0 ? zeros + 1 : 0;
            }
            boolean bit = ((data[bytePosition] >> (7 - bitPosition)) & 1) != 0;
            if (++bitPosition == 8) {
                bitPosition = 0;
                bytePosition++;
            }
            return bit;
        }

        int bits(int count) {
            int value = 0;
            for (int i = 0; i < count; i++) {
                value = (value << 1) | (bit() ? 1 : 0);
            }
            return value;
        }

        void skip(int count) {
            bits(count);
        }

        /** An unsigned Exp-Golomb code. */
        int ue() {
            int leadingZeros = 0;
            while (!bit()) {
                if (++leadingZeros > 31) {
                    throw new IndexOutOfBoundsException("Exp-Golomb code longer than 32 bits");
                }
            }
            return (int) ((1L << leadingZeros) - 1 + Integer.toUnsignedLong(bits(leadingZeros)));
        }

        /** A signed Exp-Golomb code. */
        int se() {
            int code = ue();
            return (code & 1) != 0 ? (code + 1) / 2 : -(code / 2);
        }
    }
}
