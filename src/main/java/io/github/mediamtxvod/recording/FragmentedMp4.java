package io.github.mediamtxvod.recording;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the media duration of a fragmented MP4 file from its boxes, in-process: only the box
 * headers, {@code moov} and each {@code moof} are read; media data is skipped. Used for the
 * segment FFmpeg was writing when it died, which FFmpeg's segment list does not cover. A fragment
 * whose {@code mdat} is cut off does not count. Stateless and thread-safe.
 */
final class FragmentedMp4 {
    private static final int MAX_BOX_READ = 16 * 1024 * 1024;
    /** The boxes FFmpeg writes before the first fragment of a fragmented MP4. */
    private static final java.util.Set<String> HEADER_BOXES = java.util.Set.of("moov", "free", "skip", "uuid");

    private FragmentedMp4() {}

    /**
     * Whether the file holds no media at all: only the header FFmpeg writes up front, no fragment
     * even begun. Such a file is what a kill right after a segment started leaves.
     */
    static boolean headerOnly(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            long position = 0;
            ByteBuffer header = ByteBuffer.allocate(16);
            while (position + 8 <= size) {
                header.clear();
                while (header.hasRemaining() && channel.read(header, position + header.position()) > 0) {
                    // fill the header
                }
                long boxSize = Integer.toUnsignedLong(header.getInt(0));
                String type = new String(new byte[] {header.get(4), header.get(5), header.get(6), header.get(7)},
                        java.nio.charset.StandardCharsets.ISO_8859_1);
                if (boxSize == 1 && header.position() >= 16) {
                    boxSize = header.getLong(8);
                }
                boolean headerBox = position == 0 ? type.equals("ftyp") : HEADER_BOXES.contains(type);
                // anything but a complete header box (media, an unknown box, a box cut off or
                // running past the end) means the file may hold something: keep it
                if (!headerBox || boxSize < 8 || boxSize > size - position) {
                    return false;
                }
                position += boxSize;
            }
            return position == size && position > 0;
        }
    }

    /** The duration of the longest track's complete fragments, or empty when there is none. */
    static Optional<Duration> duration(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return new Reader(channel).read();
        }
    }

    private static final class Reader {
        private final FileChannel channel;
        private final Map<Integer, Long> timescales = new HashMap<>();
        private final Map<Integer, Long> trexDefaultDuration = new HashMap<>();
        private final Map<Integer, Long> firstStart = new HashMap<>();
        private final Map<Integer, Long> lastEnd = new HashMap<>();

        Reader(FileChannel channel) {
            this.channel = channel;
        }

        Optional<Duration> read() throws IOException {
            long size = channel.size();
            long position = 0;
            ByteBuffer pendingMoof = null;
            while (position + 8 <= size) {
                ByteBuffer header = readAt(position, 16, size);
                long boxSize = Integer.toUnsignedLong(header.getInt(0));
                String type = type(header, 4);
                int headerLength = 8;
                if (boxSize == 1 && header.limit() >= 16) {
                    boxSize = header.getLong(8);
                    headerLength = 16;
                } else if (boxSize == 0) {
                    boxSize = size - position;
                }
                if (boxSize < headerLength || boxSize > size - position) {
                    break; // cut off: everything before this box is complete
                }
                long body = position + headerLength;
                long bodyLength = boxSize - headerLength;
                try {
                    switch (type) {
                        case "moov" -> parseContainer(readAt(body, bodyLength, size), "moov");
                        case "moof" -> pendingMoof = readAt(body, bodyLength, size);
                        case "mdat" -> {
                            if (pendingMoof != null) {
                                parseContainer(pendingMoof, "moof");
                                pendingMoof = null;
                            }
                        }
                        default -> {
                            // ftyp, free, sidx, mfra: nothing to learn about timing
                        }
                    }
                } catch (IndexOutOfBoundsException e) {
                    break; // a box too short for its own fields: corrupt, keep what came before it
                }
                position += boxSize;
            }
            Duration longest = null;
            for (Map.Entry<Integer, Long> end : lastEnd.entrySet()) {
                Long timescale = timescales.get(end.getKey());
                Long start = firstStart.get(end.getKey());
                if (timescale == null || timescale <= 0 || start == null) {
                    continue;
                }
                long ticks = end.getValue() - start;
                Duration duration = Duration.ofNanos(Math.round(ticks * 1e9 / timescale));
                if (longest == null || duration.compareTo(longest) > 0) {
                    longest = duration;
                }
            }
            return Optional.ofNullable(longest);
        }

        private ByteBuffer readAt(long position, long length, long fileSize) throws IOException {
            int wanted = (int) Math.min(Math.min(length, MAX_BOX_READ), fileSize - position);
            ByteBuffer buffer = ByteBuffer.allocate(Math.max(wanted, 0));
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, position + buffer.position()) < 0) {
                    break;
                }
            }
            return buffer.flip();
        }

        /** Walks the children of a container box body and parses the ones that carry timing. */
        private void parseContainer(ByteBuffer body, String parent) {
            int trackId = -1;
            long baseTime = -1;
            long defaultDuration = -1;
            int position = body.position();
            while (position + 8 <= body.limit()) {
                long childSize = Integer.toUnsignedLong(body.getInt(position));
                String type = type(body, position + 4);
                if (childSize < 8 || position + childSize > body.limit()) {
                    return;
                }
                ByteBuffer child = body.duplicate().position(position + 8).limit((int) (position + childSize));
                switch (type) {
                    case "trak", "mdia", "mvex", "traf" -> parseContainer(child.slice(), type);
                    case "tkhd" -> currentTrack = child.get(child.position()) == 1
                            ? child.getInt(child.position() + 4 + 16)
                            : child.getInt(child.position() + 4 + 8);
                    case "mdhd" -> timescales.put(currentTrack, Integer.toUnsignedLong(child.get(child.position()) == 1
                            ? child.getInt(child.position() + 4 + 16)
                            : child.getInt(child.position() + 4 + 8)));
                    case "trex" -> trexDefaultDuration.put(
                            child.getInt(child.position() + 4),
                            Integer.toUnsignedLong(child.getInt(child.position() + 12)));
                    case "tfhd" -> {
                        int flags = child.getInt(child.position()) & 0xffffff;
                        trackId = child.getInt(child.position() + 4);
                        int offset = child.position() + 8;
                        if ((flags & 0x01) != 0) {
                            offset += 8; // base data offset
                        }
                        if ((flags & 0x02) != 0) {
                            offset += 4; // sample description index
                        }
                        if ((flags & 0x08) != 0) {
                            defaultDuration = Integer.toUnsignedLong(child.getInt(offset));
                        }
                    }
                    case "tfdt" -> baseTime = child.get(child.position()) == 1
                            ? child.getLong(child.position() + 4)
                            : Integer.toUnsignedLong(child.getInt(child.position() + 4));
                    case "trun" -> {
                        if (trackId >= 0 && baseTime >= 0) {
                            long fallback = defaultDuration >= 0
                                    ? defaultDuration
                                    : trexDefaultDuration.getOrDefault(trackId, 0L);
                            long runDuration = runDuration(child, fallback);
                            firstStart.merge(trackId, baseTime, Math::min);
                            lastEnd.merge(trackId, baseTime + runDuration, Math::max);
                            baseTime += runDuration;
                        }
                    }
                    default -> {
                        // boxes without timing
                    }
                }
                position += (int) childSize;
            }
            if ("moof".equals(parent)) {
                currentTrack = -1;
            }
        }

        private int currentTrack = -1;

        private static long runDuration(ByteBuffer trun, long defaultDuration) {
            int start = trun.position();
            int flags = trun.getInt(start) & 0xffffff;
            long count = Integer.toUnsignedLong(trun.getInt(start + 4));
            int offset = start + 8;
            if ((flags & 0x001) != 0) {
                offset += 4; // data offset
            }
            if ((flags & 0x004) != 0) {
                offset += 4; // first sample flags
            }
            if ((flags & 0x100) == 0) {
                return count * defaultDuration;
            }
            int sampleSize = 4 * Integer.bitCount(flags & 0xf00);
            long total = 0;
            for (long i = 0; i < count && offset + 4 <= trun.limit(); i++) {
                total += Integer.toUnsignedLong(trun.getInt(offset));
                offset += sampleSize;
            }
            return total;
        }

        private static String type(ByteBuffer buffer, int index) {
            if (index + 4 > buffer.limit()) {
                return "";
            }
            char[] chars = new char[4];
            for (int i = 0; i < 4; i++) {
                chars[i] = (char) (buffer.get(index + i) & 0xff);
            }
            return new String(chars);
        }
    }
}
