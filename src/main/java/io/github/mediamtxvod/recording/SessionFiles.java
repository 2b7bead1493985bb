package io.github.mediamtxvod.recording;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mediamtxvod.mp4.LeadingTiming;
import io.github.mediamtxvod.recording.OutputFormat;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of a recording session folder: {@code .session.json} (which stream, when), FFmpeg's
 * {@code .segments.csv} and the {@code segment_NNN.<ext>} files. Creates sessions for the
 * recorder and turns a folder back into {@link Segment}s for scans of the disk, which is the
 * truth the catalogue is rebuilt from. Stateless and thread-safe.
 */
public final class SessionFiles {
    /**
     * Written atomically when a session starts, and once more when FFmpeg's progress dates its
     * media ({@code startedAt}).
     */
    public static final String SESSION_FILE = ".session.json";

    private static final Logger log = LoggerFactory.getLogger(SessionFiles.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private SessionFiles() {}

    /**
     * Creates a new session folder for {@code stream} starting {@code now}, and its {@code
     * .session.json}. Folder names have one-second resolution: when the folder exists already
     * (a restart within the same second), the next free second is taken.
     */
    public static Session create(Path recordingsDir, String stream, Instant now, OutputFormat format)
            throws IOException {
        Instant sessionStart = SegmentLayout.sessionStart(now);
        for (int attempt = 0; ; attempt++) {
            Path dir = SegmentLayout.sessionDir(recordingsDir, stream, sessionStart);
            Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(dir);
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 3600) {
                    throw e;
                }
                sessionStart = sessionStart.plusSeconds(1);
                continue;
            }
            Session session = new Session(stream, sessionStart, now, format, SegmentLayout.sessionPath(stream, sessionStart));
            writeSessionFile(session, dir);
            return session;
        }
    }

    /**
     * Every segment file of a session folder, in index order, each made to decode cleanly first
     * ({@link #settle}): durations from FFmpeg's segment list, else from the MP4 boxes, else
     * unknown. A folder whose {@code .session.json} is missing or unreadable still counts, because
     * its files are recordings: stream and session start are then read back from the folder names.
     * Trims files, so it must only be called for a folder no FFmpeg writes: at start-up, before
     * recording starts, or for a session that {@code RecordingSupervisor.isActiveSession} denies.
     */
    public static List<Segment> scan(Path recordingsDir, Path sessionDir) throws IOException {
        return scan(recordingsDir, sessionDir, (relativePath, size) -> false);
    }

    /**
     * As {@link #scan(Path, Path)}, leaving every file that {@code handedOn} names (relative path
     * and size) exactly as it is: it was settled before it was handed on, and its copy in S3 must
     * stay byte for byte what the file holds, whatever a later repair would make of it.
     */
    public static List<Segment> scan(Path recordingsDir, Path sessionDir, BiPredicate<String, Long> handedOn)
            throws IOException {
        List<Path> files = segmentFiles(sessionDir);
        if (files.isEmpty()) {
            return List.of();
        }
        Optional<Session> described = readSession(recordingsDir, sessionDir);
        Session session = described.isPresent() ? described.get() : fromFolderNames(recordingsDir, sessionDir, files);
        Map<String, SegmentList.Entry> listed = new HashMap<>();
        List<SegmentList.Entry> entries = SegmentList.readAll(sessionDir.resolve(FfmpegCommand.SEGMENT_LIST));
        for (SegmentList.Entry entry : entries) {
            listed.put(entry.fileName(), entry);
        }
        double firstStart = entries.isEmpty() ? 0 : entries.get(0).startSeconds();
        List<Segment> segments = new ArrayList<>(files.size());
        Instant nextStart = session.startedAt();
        for (Path file : files) {
            SegmentList.Entry entry = listed.get(file.getFileName().toString());
            long size = Files.size(file);
            String relativePath = session.relativePath() + "/" + file.getFileName();
            Optional<Segment> segment = handedOn.test(relativePath, size)
                    ? Optional.of(entry != null ? fromListEntry(session, entry, firstStart, size)
                            : unlisted(session, file, nextStart, null, size))
                    : settle(session, file, entry, firstStart, nextStart);
            if (segment.isPresent()) {
                segments.add(segment.get());
                nextStart = segment.get().end();
            }
        }
        return segments;
    }

    /**
     * Turns a segment file FFmpeg will not write again into the {@link Segment} to hand on, after
     * making it decode cleanly: an MP4 that FFmpeg did not finish is cut back to its last complete
     * fragment ({@link FragmentedMp4#settle}), whether or not the segment list names it (a full
     * disk lists the torn file), and broken timestamps of its first video frames are made steady
     * ({@link FragmentedMp4#steadyLeadingTiming}); a TS file is cut back to whole 188-byte packets. A file with no
     * media at all is deleted, and the answer is empty. Never call it while FFmpeg may still
     * write the file.
     *
     * @param listed     the file's line in the segment list, null when it has none
     * @param firstStart the start of the list's first line, where the session's time begins
     * @param nextStart  where the previous segment ended: the start of an unlisted one
     */
    static Optional<Segment> settle(Session session, Path file, SegmentList.Entry listed, double firstStart,
            Instant nextStart) throws IOException {
        OutputFormat format = OutputFormat.fromFileName(file.getFileName().toString());
        Duration measured = null;
        boolean trimmed = false;
        if (format == OutputFormat.MP4 && !(listed != null && FragmentedMp4.finished(file))) {
            FragmentedMp4.Settled settled = FragmentedMp4.settle(file);
            switch (settled.kind()) {
                case NO_MEDIA -> {
                    return deleteEmpty(session, file);
                }
                case TRIMMED -> log.info("{} - {} was not finished by FFmpeg: cut {} bytes of a torn fragment off "
                        + "its end, {} bytes kept", session.stream(), file, settled.removedBytes(), settled.sizeBytes());
                case UNREADABLE -> log.warn("{} - {} is not a fragmented MP4 the recorder can read; kept as it is",
                        session.stream(), file);
                case FINISHED, COMPLETE -> {
                    // nothing to cut
                }
            }
            measured = settled.duration();
            trimmed = settled.kind() == FragmentedMp4.Kind.TRIMMED;
        }
        Duration earlier = Duration.ZERO;
        if (format == OutputFormat.MP4) {
            earlier = steadyLeadingTiming(session, file);
        } else if (format == OutputFormat.TS) {
            TsPackets.trimToWholePackets(file);
        }
        long size = Files.size(file);
        if (size == 0) {
            return deleteEmpty(session, file);
        }
        if (listed == null) {
            return Optional.of(beginningEarlier(unlisted(session, file, nextStart, measured, size), earlier));
        }
        Segment fromList = fromListEntry(session, listed, firstStart, size);
        if (trimmed && measured != null) {
            // the list's end time covers what was cut off; the fragments say what is left
            fromList = new Segment(fromList.stream(), fromList.sessionStart(), fromList.index(),
                    fromList.relativePath(), fromList.start(), measured, size);
        }
        return Optional.of(beginningEarlier(fromList, earlier));
    }

    /**
     * The segment with its media beginning {@code earlier} before it did, and lasting as much
     * longer: the timing repair moved samples that FFmpeg's times had put too late back before
     * the file's start, and so every track later in the file ({@link LeadingTiming.Repair#earlier});
     * the end, where the next segment goes on, stays.
     */
    static Segment beginningEarlier(Segment segment, Duration earlier) {
        if (earlier.isZero()) {
            return segment;
        }
        return new Segment(segment.stream(), segment.sessionStart(), segment.index(), segment.relativePath(),
                segment.start().minus(earlier), segment.duration() == null ? null : segment.duration().plus(earlier),
                segment.sizeBytes());
    }

    /**
     * Repairs a finished MP4 segment's timestamps where the source's were broken
     * ({@link FragmentedMp4#steadyLeadingTiming}), and says so. Never call it while FFmpeg may
     * still write the file.
     *
     * @return how much earlier the file's media now begins ({@link #beginningEarlier}); zero mostly
     */
    static Duration steadyLeadingTiming(Session session, Path file) throws IOException {
        Optional<LeadingTiming.Repair> repaired = FragmentedMp4.steadyLeadingTiming(file);
        if (repaired.isEmpty()) {
            return Duration.ZERO;
        }
        LeadingTiming.Repair repair = repaired.get();
        if (repair.squeezed() > 0) {
            log.info("{} - {}: spread out {} samples that FFmpeg had squeezed one tick apart after the source's "
                    + "times jumped back, and moved the samples before them up to {} s back (the file's media "
                    + "begins {} s earlier)", session.stream(), file, repair.squeezed(), repair.jump().toNanos() / 1e9,
                    repair.earlier().toNanos() / 1e9);
        }
        if (repair.samples() > 0 || !repair.shift().isZero() || repair.runs() > 0 || repair.swapped() > 0
                || repair.evened() > 0 || repair.squeezed() == 0) {
            log.info("{} - {}: gave {} leading video frames with broken timestamps a steady {} s each, showed "
                    + "the frames after them {} s later, put {} later runs of frames back on the frame grid, showed "
                    + "{} frames in the bitstream's order and spaced {} evenly, so that every frame decodes in order",
                    session.stream(), file, repair.samples(), repair.frame().toNanos() / 1e9,
                    repair.shift().toNanos() / 1e9, repair.runs(), repair.swapped(), repair.evened());
        }
        return repair.earlier();
    }

    /** The session a folder holds, read from its {@code .session.json}; empty when absent or bad. */
    public static Optional<Session> readSession(Path recordingsDir, Path sessionDir) {
        Path file = sessionDir.resolve(SESSION_FILE);
        try {
            JsonNode node = JSON.readTree(file.toFile());
            String stream = node.path("stream").asText(null);
            Instant sessionStart = Instant.parse(node.path("sessionStart").asText(""));
            Instant startedAt = node.hasNonNull("startedAt")
                    ? Instant.parse(node.path("startedAt").asText(""))
                    : sessionStart;
            OutputFormat format = OutputFormat.fromSetting(node.path("format").asText("mp4"));
            if (stream == null || format == null) {
                log.warn("{} - {} lacks the stream name or has an unknown format; skipped", sessionDir, SESSION_FILE);
                return Optional.empty();
            }
            return Optional.of(new Session(stream, sessionStart, startedAt, format, relativize(recordingsDir, sessionDir)));
        } catch (NoSuchFileException | FileNotFoundException e) {
            return Optional.empty();
        } catch (IOException | DateTimeParseException e) {
            log.warn("{} - cannot read {}: {}", sessionDir, SESSION_FILE, e.getMessage());
            return Optional.empty();
        }
    }

    /** A session without a readable {@code .session.json}, described by its folder names. */
    private static Session fromFolderNames(Path recordingsDir, Path sessionDir, List<Path> files) {
        String stream = SegmentLayout.streamName(sessionDir.getParent().getParent().getFileName().toString());
        Instant sessionStart = SegmentLayout.parseSessionName(sessionDir.getFileName().toString());
        OutputFormat format = OutputFormat.fromFileName(files.getFirst().getFileName().toString());
        log.warn("{} - no readable {}; its {} segment files are queued as stream '{}' from the folder names",
                sessionDir, SESSION_FILE, files.size(), stream);
        return new Session(stream, sessionStart, sessionStart, format, relativize(recordingsDir, sessionDir));
    }

    /** A segment FFmpeg's list reports as finished. */
    static Segment fromListEntry(Session session, SegmentList.Entry entry, double firstStart, long size) {
        Instant start = session.startedAt().plus(seconds(entry.startSeconds() - firstStart));
        return new Segment(
                session.stream(),
                session.start(),
                SegmentLayout.segmentIndex(entry.fileName()),
                session.relativePath() + "/" + entry.fileName(),
                start,
                seconds(entry.endSeconds() - entry.startSeconds()),
                size);
    }

    /** A segment file the list does not cover: the one FFmpeg was writing when it stopped. */
    private static Segment unlisted(Session session, Path file, Instant start, Duration duration, long size) {
        String name = file.getFileName().toString();
        return new Segment(
                session.stream(),
                session.start(),
                SegmentLayout.segmentIndex(name),
                session.relativePath() + "/" + name,
                start,
                duration,
                size);
    }

    private static Optional<Segment> deleteEmpty(Session session, Path file) throws IOException {
        log.info("{} - {} holds no media (FFmpeg stopped as it began the file); removed", session.stream(), file);
        Files.delete(file);
        return Optional.empty();
    }

    /** The segment files of a folder, in index order. */
    static List<Path> segmentFiles(Path sessionDir) throws IOException {
        try (Stream<Path> children = Files.list(sessionDir)) {
            return children
                    .filter(path -> SegmentLayout.segmentIndex(path.getFileName().toString()) >= 0)
                    .filter(Files::isRegularFile)
                    .sorted(Comparator.comparingInt(path -> SegmentLayout.segmentIndex(path.getFileName().toString())))
                    .toList();
        }
    }

    static Duration seconds(double seconds) {
        return Duration.ofNanos(Math.round(Math.max(0, seconds) * 1e9));
    }

    /** Rewrites the session's {@code .session.json} (atomically, fsynced), e.g. with a better {@code startedAt}. */
    static void rewriteSessionFile(Session session, Path recordingsDir) throws IOException {
        writeSessionFile(session, session.dir(recordingsDir));
    }

    private static void writeSessionFile(Session session, Path dir) throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("stream", session.stream());
        node.put("sessionStart", session.start().toString());
        node.put("startedAt", session.startedAt().toString());
        node.put("format", session.format().extension());
        Path target = dir.resolve(SESSION_FILE);
        Path temp = dir.resolve(SESSION_FILE + ".tmp");
        // temp file, fsync, atomic rename: a crash leaves either no file or the whole file
        try (FileChannel channel = FileChannel.open(
                temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(JSON.writeValueAsBytes(node)));
            channel.force(true);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String relativize(Path recordingsDir, Path sessionDir) {
        Path relative = recordingsDir.toAbsolutePath().normalize().relativize(sessionDir.toAbsolutePath().normalize());
        return relative.toString().replace(java.io.File.separatorChar, '/');
    }
}
