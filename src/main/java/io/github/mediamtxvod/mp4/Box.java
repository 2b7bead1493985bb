package io.github.mediamtxvod.mp4;

import java.util.ArrayList;
import java.util.List;

/**
 * One ISO BMFF box inside a byte array: its type and where its body and end are. Pure.
 *
 * @param type      four-character type
 * @param start     index of the size field
 * @param bodyStart index of the first byte after the header (size, type, optional 64-bit size)
 * @param end       index just past the box
 */
record Box(String type, int start, int bodyStart, int end) {
    /** The boxes that tile {@code [from, to)}; a size that runs past {@code to} or below 8 is malformed. */
    static List<Box> children(byte[] data, int from, int to, String where) throws PlaybackException {
        List<Box> boxes = new ArrayList<>();
        int position = from;
        while (position + 8 <= to) {
            long size = Bytes.u32(data, position);
            int header = 8;
            if (size == 1) {
                if (position + 16 > to) {
                    throw malformed(where, position, "a 64-bit size cut off");
                }
                size = Bytes.i64(data, position + 8);
                header = 16;
            } else if (size == 0) {
                size = to - position; // "extends to the end of its container"
            }
            if (size < header || size > to - position) {
                throw malformed(where, position, "size " + size + " does not fit in " + (to - position) + " bytes");
            }
            boxes.add(new Box(Bytes.fourcc(data, position + 4), position, position + header,
                    (int) (position + size)));
            position += (int) size;
        }
        return boxes;
    }

    /** The children of this box's body, skipping {@code skip} bytes of fields first. */
    List<Box> children(byte[] data, int skip, String where) throws PlaybackException {
        return children(data, bodyStart + skip, end, where);
    }

    /** The first child of the given type, or null. */
    static Box find(List<Box> boxes, String type) {
        for (Box box : boxes) {
            if (box.type.equals(type)) {
                return box;
            }
        }
        return null;
    }

    /** The first child of the given type; absent is malformed. */
    static Box require(List<Box> boxes, String type, String where) throws PlaybackException {
        Box box = find(boxes, type);
        if (box == null) {
            throw new PlaybackException(PlaybackException.Reason.UNSUPPORTED_INPUT,
                    where + " has no " + type + " box; it is not a fragmented MP4 written by FFmpeg");
        }
        return box;
    }

    /** Fails as malformed when the body is shorter than the fields about to be read. */
    void requireBody(int length, String where) throws PlaybackException {
        if (bodyLength() < length) {
            throw malformed(where, start, type + " is " + bodyLength() + " bytes, shorter than the " + length
                    + " its fields need");
        }
    }

    int bodyLength() {
        return end - bodyStart;
    }

    static PlaybackException malformed(String where, long offset, String what) {
        return new PlaybackException(PlaybackException.Reason.UNSUPPORTED_INPUT,
                where + " has a malformed box at byte " + offset + ": " + what);
    }
}
