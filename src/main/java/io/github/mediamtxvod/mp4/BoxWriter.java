package io.github.mediamtxvod.mp4;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds ISO BMFF boxes in memory: {@link #begin} reserves the 32-bit size, {@link #end} fills it
 * in. Used for headers only (ftyp, moov, moof); media bytes never pass through it. Not thread-safe.
 */
final class BoxWriter {
    private byte[] data = new byte[4096];
    private int length;
    private int[] open = new int[16];
    private int depth;

    BoxWriter begin(String type) {
        if (depth == open.length) {
            open = Arrays.copyOf(open, depth * 2);
        }
        open[depth++] = length;
        u32(0);
        return fourcc(type);
    }

    /** A full box: type, then one byte of version and three of flags. */
    BoxWriter beginFull(String type, int version, int flags) {
        begin(type);
        return u32(((long) version << 24) | (flags & 0xffffff));
    }

    BoxWriter end() {
        int start = open[--depth];
        setU32(start, length - start);
        return this;
    }

    BoxWriter u8(int value) {
        ensure(1);
        data[length++] = (byte) value;
        return this;
    }

    BoxWriter u16(int value) {
        return u8(value >>> 8).u8(value);
    }

    BoxWriter u32(long value) {
        ensure(4);
        setU32(length, value);
        length += 4;
        return this;
    }

    BoxWriter u64(long value) {
        return u32(value >>> 32).u32(value & 0xffffffffL);
    }

    BoxWriter fourcc(String code) {
        return bytes(code.getBytes(StandardCharsets.ISO_8859_1));
    }

    BoxWriter zeros(int count) {
        ensure(count);
        length += count; // the array is zero-filled and never reused
        return this;
    }

    BoxWriter bytes(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, data, length, bytes.length);
        length += bytes.length;
        return this;
    }

    /** Overwrites four bytes already written, for values known only later (data offsets). */
    void setU32(int at, long value) {
        data[at] = (byte) (value >>> 24);
        data[at + 1] = (byte) (value >>> 16);
        data[at + 2] = (byte) (value >>> 8);
        data[at + 3] = (byte) value;
    }

    int length() {
        return length;
    }

    void writeTo(OutputStream out) throws IOException {
        if (depth != 0) {
            throw new IllegalStateException("box left open at depth " + depth);
        }
        out.write(data, 0, length);
    }

    byte[] toByteArray() {
        return Arrays.copyOf(data, length);
    }

    private void ensure(int more) {
        if (length + more > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, length + more));
        }
    }
}
