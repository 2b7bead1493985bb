package io.github.mediamtxvod.recording;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads FFmpeg's CSV segment list ({@code -segment_list_type csv}) as it grows. FFmpeg appends a
 * line {@code name,start,end} when it has ended a segment; a partial last line is left for the
 * next read. A listed segment is one FFmpeg has moved on from, not proof of a complete file: when
 * the disk is full, FFmpeg lists the segment it failed to end.
 *
 * <p>The file is opened once, when it exists, and stays open; {@link #readNew()} costs one
 * {@code fstat} while nothing was added. Not thread-safe: one reader per session; close it.
 */
final class SegmentList implements AutoCloseable {
    /** One segment as FFmpeg reported it; times in seconds of the input's timeline. */
    record Entry(String fileName, double startSeconds, double endSeconds) {}

    private final Path file;
    private FileChannel channel;
    private long offset;
    private ByteBuffer buffer = ByteBuffer.allocate(256);
    private final StringBuilder partial = new StringBuilder();

    SegmentList(Path file) {
        this.file = file;
    }

    /** The entries completed since the last call; empty while the file does not exist yet. */
    List<Entry> readNew() throws IOException {
        if (channel == null) {
            if (!Files.exists(file)) {
                return List.of();
            }
            try {
                channel = FileChannel.open(file, StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                return List.of();
            }
        }
        long size = channel.size();
        if (size <= offset) {
            return List.of();
        }
        int wanted = Math.toIntExact(size - offset);
        if (buffer.capacity() < wanted) {
            buffer = ByteBuffer.allocate(wanted);
        }
        buffer.clear().limit(wanted);
        while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) > 0) {
            // keep reading until the snapshot of the size is consumed
        }
        buffer.flip();
        offset += buffer.remaining();
        partial.append(UTF_8.decode(buffer));
        List<Entry> entries = new ArrayList<>(1);
        int newline;
        while ((newline = partial.indexOf("\n")) >= 0) {
            String line = partial.substring(0, newline).strip();
            partial.delete(0, newline + 1);
            parse(line).ifPresent(entries::add);
        }
        return entries;
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    /** Every complete entry of a segment list file; for scans of old sessions. */
    static List<Entry> readAll(Path file) throws IOException {
        try (SegmentList list = new SegmentList(file)) {
            return list.readNew();
        }
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
