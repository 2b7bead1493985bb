package io.github.mediamtxvod.recording;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import io.github.mediamtxvod.mp4.FileSegmentSource;
import io.github.mediamtxvod.mp4.FragmentIndex;
import io.github.mediamtxvod.mp4.LeadingTiming;
import io.github.mediamtxvod.mp4.PlaybackException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Makes a fragmented-MP4 segment file that FFmpeg no longer writes decode cleanly: a file FFmpeg
 * did not finish (it crashed, was killed, or ran out of space) is cut back to the end of its last
 * complete {@code moof}+{@code mdat}, which {@link FragmentIndex#completeLength()} knows. A file
 * that ends with a complete {@code mfra} was finished by FFmpeg and stays as it is.
 *
 * <p>Only box headers and {@code moof} boxes are read; media data is skipped. Never call it for a
 * file FFmpeg may still write. Stateless and thread-safe.
 */
final class FragmentedMp4 {
    /** What {@link #settle} found. */
    enum Kind {
        /** FFmpeg finished the file (its trailer, {@code mfra}, is complete): left as it is. */
        FINISHED,
        /** No trailer, but it ends exactly after a complete fragment: left as it is. */
        COMPLETE,
        /** A torn tail was cut off. */
        TRIMMED,
        /** Not one complete fragment: the file holds no media (the caller deletes it). */
        NO_MEDIA,
        /** Starts like no MP4 FFmpeg writes, or a complete box in it is malformed: left as it is. */
        UNREADABLE
    }

    /**
     * @param kind         what was found and done
     * @param sizeBytes    the file's size now
     * @param removedBytes bytes cut off the end
     * @param duration     media duration of the complete fragments, null when unknown
     */
    record Settled(Kind kind, long sizeBytes, long removedBytes, Duration duration) {}

    /** The boxes FFmpeg may write between {@code ftyp} and {@code moov}. */
    private static final Set<String> BEFORE_MOOV = Set.of("free", "skip", "uuid");
    private static final int MFRO_SIZE = 16;

    private FragmentedMp4() {}

    /** Whether FFmpeg finished the file: it ends with a complete {@code mfra}. Two small reads. */
    static boolean finished(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < MFRO_SIZE + 8) {
                return false;
            }
            // the mfra ends with an mfro box: size 16, 'mfro', version and flags, the mfra's size
            ByteBuffer mfro = read(channel, size - MFRO_SIZE, MFRO_SIZE);
            if (mfro.getInt(0) != MFRO_SIZE || !type(mfro, 4).equals("mfro")) {
                return false;
            }
            long mfraSize = Integer.toUnsignedLong(mfro.getInt(12));
            return mfraSize >= MFRO_SIZE + 8 && mfraSize <= size && isBox(channel, size - mfraSize, "mfra", mfraSize);
        }
    }

    /**
     * Cuts a file FFmpeg no longer writes back to its last complete fragment, durably (truncate,
     * then fsync); a finished one is only measured.
     */
    static Settled settle(Path file) throws IOException {
        long size = Files.size(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Kind header = header(channel, size);
            if (header != null) {
                return new Settled(header, size, 0, null);
            }
        }
        FragmentIndex index;
        try {
            index = FragmentIndex.read(FileSegmentSource.of(file, Instant.EPOCH));
        } catch (PlaybackException e) {
            return new Settled(Kind.UNREADABLE, size, 0, null);
        }
        if (index.fragments().isEmpty()) {
            return new Settled(Kind.NO_MEDIA, size, 0, null);
        }
        long keep = index.completeLength();
        Duration duration = index.duration();
        if (keep == size) {
            return new Settled(Kind.COMPLETE, size, 0, duration);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (isBox(channel, keep, "mfra", size - keep)) {
                return new Settled(Kind.FINISHED, size, 0, duration);
            }
            channel.truncate(keep);
            channel.force(true);
        }
        return new Settled(Kind.TRIMMED, keep, size - keep, duration);
    }

    /**
     * Repairs the timestamps in place where the source's were broken (samples squeezed after a
     * jump back, the first video frames), so that every frame decodes in order without two frames
     * in one slot ({@link LeadingTiming}). A file
     * that is not a fragmented MP4 the recorder can read is left as it is. Never call it for a
     * file FFmpeg may still write.
     */
    static Optional<LeadingTiming.Repair> steadyLeadingTiming(Path file) throws IOException {
        try {
            return LeadingTiming.repair(file);
        } catch (PlaybackException e) {
            return Optional.empty();
        }
    }

    /**
     * NO_MEDIA when the header is cut off (less than a complete {@code ftyp} and {@code moov}),
     * UNREADABLE when the file does not start with an {@code ftyp}, null when the header is whole.
     */
    private static Kind header(FileChannel channel, long size) throws IOException {
        if (size < 8) {
            return Kind.NO_MEDIA;
        }
        long position = 0;
        boolean first = true;
        while (position + 8 <= size) {
            ByteBuffer header = read(channel, position, 8);
            String type = type(header, 4);
            long boxSize = Integer.toUnsignedLong(header.getInt(0));
            if (first && !type.equals("ftyp")) {
                return Kind.UNREADABLE;
            }
            if (boxSize == 1 && position + 16 <= size) {
                boxSize = read(channel, position + 8, 8).getLong(0);
            }
            // size 0 ("to the end of the file") cannot be told from a cut-off box: incomplete
            if (boxSize < 8 || boxSize > size - position) {
                return Kind.NO_MEDIA;
            }
            if (type.equals("moov")) {
                return null;
            }
            if (!first && !BEFORE_MOOV.contains(type)) {
                return Kind.UNREADABLE;
            }
            first = false;
            position += boxSize;
        }
        return Kind.NO_MEDIA;
    }

    private static boolean isBox(FileChannel channel, long position, String wanted, long wantedSize) throws IOException {
        if (position < 0 || wantedSize < 8 || position + 8 > channel.size()) {
            return false;
        }
        ByteBuffer header = read(channel, position, 8);
        return Integer.toUnsignedLong(header.getInt(0)) == wantedSize && type(header, 4).equals(wanted);
    }

    private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new java.io.EOFException("file ended at " + (position + buffer.position()));
            }
        }
        return buffer.flip();
    }

    private static String type(ByteBuffer buffer, int index) {
        return new String(new byte[] {buffer.get(index), buffer.get(index + 1), buffer.get(index + 2),
            buffer.get(index + 3)}, ISO_8859_1);
    }
}
