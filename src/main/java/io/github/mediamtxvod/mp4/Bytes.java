package io.github.mediamtxvod.mp4;

import java.nio.charset.StandardCharsets;

/** Big-endian field reads from a byte array, as ISO BMFF stores every number. Pure and stateless. */
final class Bytes {
    private Bytes() {}

    static int u8(byte[] data, int at) {
        return data[at] & 0xff;
    }

    static int u16(byte[] data, int at) {
        return (u8(data, at) << 8) | u8(data, at + 1);
    }

    static int i32(byte[] data, int at) {
        return (u8(data, at) << 24) | (u8(data, at + 1) << 16) | (u8(data, at + 2) << 8) | u8(data, at + 3);
    }

    static long u32(byte[] data, int at) {
        return Integer.toUnsignedLong(i32(data, at));
    }

    static long i64(byte[] data, int at) {
        return (u32(data, at) << 32) | u32(data, at + 4);
    }

    /** The four-character code at {@code at}, bytes taken as ISO-8859-1 so any byte value survives. */
    static String fourcc(byte[] data, int at) {
        return new String(data, at, 4, StandardCharsets.ISO_8859_1);
    }
}
