package io.github.mediamtxvod.recording;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads FFmpeg's CSV segment list ({@code -segment_list_type csv}) as it grows. FFmpeg appends a
 * line {@code name,start,end} when it has closed a segment, so a complete line means the segment
 * file is final. A partial last line is left for the next read. Not thread-safe: one reader per
 * session.
 */
final class SegmentList {
    /** One finished segment as FFmpeg reported it; times in seconds of the input's timeline. */
    record Entry(String fileName, double startSeconds, double endSeconds) {}

    private final Path file;
    private long offset;
    private final StringBuilder partial = new StringBuilder();

    SegmentList(Path file) {
        this.file = file;
    }

    /** The entries completed since the last call; empty when the file does not exist yet. */
    List<Entry> readNew() throws IOException {
        byte[] bytes;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size <= offset) {
                return List.of();
            }
            ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(size - offset));
            while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) > 0) {
                // keep reading until the snapshot of the size is consumed
            }
            bytes = new byte[buffer.position()];
            buffer.flip().get(bytes);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        offset += bytes.length;
        partial.append(new String(bytes, UTF_8));
        List<Entry> entries = new ArrayList<>();
        int newline;
        while ((newline = partial.indexOf("\n")) >= 0) {
            String line = partial.substring(0, newline).strip();
            partial.delete(0, newline + 1);
            parse(line).ifPresent(entries::add);
        }
        return entries;
    }

    /** Every complete entry of a segment list file; for scans of old sessions. */
    static List<Entry> readAll(Path file) throws IOException {
        return new SegmentList(file).readNew();
    }

    /**
     * Parses {@code name,start,end}. The name may be quoted by FFmpeg; the two numbers are taken
     * from the end so a comma inside a quoted name does no harm. Malformed lines are skipped.
     */
    static Optional<Entry> parse(String line) {
        int last = line.lastIndexOf(',');
        int middle = last <= 0 ? -1 : line.lastIndexOf(',', last - 1);
        if (middle <= 0) {
            return Optional.empty();
        }
        String name = line.substring(0, middle);
        if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
            name = name.substring(1, name.length() - 1).replace("\"\"", "\"");
        }
        try {
            double start = Double.parseDouble(line.substring(middle + 1, last));
            double end = Double.parseDouble(line.substring(last + 1));
            if (!Double.isFinite(start) || !Double.isFinite(end) || end < start || name.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Entry(name, start, end));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
