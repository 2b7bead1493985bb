package io.github.mediamtxvod.recording;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * MPEG-TS files are a run of 188-byte packets, each starting with the sync byte 0x47. FFmpeg
 * writes whole packets, so only an interrupted write (a full disk) leaves part of one at the end;
 * that part is cut off. Stateless and thread-safe; never call it for a file FFmpeg still writes.
 */
final class TsPackets {
    static final int PACKET = 188;
    private static final byte SYNC = 0x47;

    private TsPackets() {}

    /**
     * Cuts a partial last packet off a file that starts with a sync byte, durably; returns the
     * bytes removed. A file that does not start like MPEG-TS is left alone.
     */
    static long trimToWholePackets(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            long partial = size % PACKET;
            if (partial == 0) {
                return 0;
            }
            ByteBuffer first = ByteBuffer.allocate(1);
            if (channel.read(first, 0) != 1 || first.get(0) != SYNC) {
                return 0;
            }
            channel.truncate(size - partial);
            channel.force(true);
            return partial;
        }
    }
}
