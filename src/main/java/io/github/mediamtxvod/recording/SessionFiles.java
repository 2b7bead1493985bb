package io.github.mediamtxvod.recording;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mediamtxvod.catalog.SegmentLayout;
import io.github.mediamtxvod.config.OutputFormat;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
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
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of a recording session folder: {@code .session.json} (which stream, when), FFmpeg's
 * {@code .segments.csv} and the {@code segment_NNN.<ext>} files. Creates sessions for the
 * recorder and turns a folder back into {@link FinishedSegment}s for start-up scans. Stateless and
 * thread-safe.
 */
public final class SessionFiles {
    /** Written once, atomically, when a session starts. */
    public static final String SESSION_FILE = ".session.json";

    private static final Logger log = LoggerFactory.getLogger(SessionFiles.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private SessionFiles() {}

    /** A recording session: one FFmpeg run of one stream. */
    public record Session(
            String streamName, Instant sessionStart, Instant startedAt, OutputFormat format, Path dir, String relativeDir) {
        public Session {
            requireNonNull(streamName, "streamName is null");
            requireNonNull(sessionStart, "sessionStart is null");
            requireNonNull(startedAt, "startedAt is null");
            requireNonNull(format, "format is null");
            requireNonNull(dir, "dir is null");
            requireNonNull(relativeDir, "relativeDir is null");
        }
    }

    /**
     * Creates a new session folder for {@code streamName} starting {@code now}, and its {@code
     * .session.json}. Folder names have one-second resolution: when the folder exists already
     * (a restart within the same second), the next free second is taken.
     */
    public static Session create(Path recordingsDir, String streamName, Instant now, OutputFormat format)
            throws IOException {
        Instant sessionStart = SegmentLayout.sessionStart(now);
        for (int attempt = 0; ; attempt++) {
            Path dir = SegmentLayout.sessionDir(recordingsDir, streamName, sessionStart);
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
            Session session = new Session(
                    streamName, sessionStart, now, format, dir, SegmentLayout.sessionPath(streamName, sessionStart));
            writeSessionFile(session);
            return session;
        }
    }

    /**
     * Every segment file of a session folder, in index order, as finished segments: durations from
     * FFmpeg's segment list, else from the MP4 boxes (the file a crash cut off), else unknown.
     * Returns an empty list for a folder without {@code .session.json} or segment files.
     */
    public static List<FinishedSegment> scan(Path recordingsDir, Path sessionDir) throws IOException {
        Optional<Session> session = readSession(recordingsDir, sessionDir);
        if (session.isEmpty()) {
            return List.of();
        }
        Map<String, SegmentList.Entry> listed = new HashMap<>();
        List<SegmentList.Entry> entries = SegmentList.readAll(sessionDir.resolve(FfmpegCommand.SEGMENT_LIST));
        for (SegmentList.Entry entry : entries) {
            listed.put(entry.fileName(), entry);
        }
        double firstStart = entries.isEmpty() ? 0 : entries.get(0).startSeconds();
        List<Path> files;
        try (Stream<Path> children = Files.list(sessionDir)) {
            files = children
                    .filter(path -> SegmentLayout.segmentIndex(path.getFileName().toString()) >= 0)
                    .filter(Files::isRegularFile)
                    .sorted(Comparator.comparingInt(path -> SegmentLayout.segmentIndex(path.getFileName().toString())))
                    .toList();
        }
        List<FinishedSegment> segments = new ArrayList<>(files.size());
        Instant nextStart = session.get().startedAt();
        for (Path file : files) {
            SegmentList.Entry entry = listed.get(file.getFileName().toString());
            if (entry == null && holdsNoMedia(session.get(), file)) {
                log.info("{} - {} holds no media (FFmpeg stopped as it began the file); removed",
                        session.get().streamName(), file);
                Files.delete(file);
                continue;
            }
            FinishedSegment segment = entry != null
                    ? fromListEntry(session.get(), entry, firstStart, Files.size(file))
                    : unlisted(session.get(), file, nextStart);
            segments.add(segment);
            nextStart = segment.duration() == null ? segment.start() : segment.start().plus(segment.duration());
        }
        return segments;
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
            String relative = relativize(recordingsDir, sessionDir);
            return Optional.of(new Session(stream, sessionStart, startedAt, format, sessionDir, relative));
        } catch (java.nio.file.NoSuchFileException | java.io.FileNotFoundException e) {
            return Optional.empty();
        } catch (IOException | DateTimeParseException e) {
            log.warn("{} - cannot read {}: {}; skipped", sessionDir, SESSION_FILE, e.getMessage());
            return Optional.empty();
        }
    }

    /** A segment FFmpeg's list reports as finished. */
    static FinishedSegment fromListEntry(Session session, SegmentList.Entry entry, double firstStart, long size) {
        Instant start = session.startedAt().plus(seconds(entry.startSeconds() - firstStart));
        int index = SegmentLayout.segmentIndex(entry.fileName());
        return new FinishedSegment(
                session.streamName(),
                session.sessionStart(),
                index,
                session.dir().resolve(entry.fileName()),
                session.relativeDir() + "/" + entry.fileName(),
                start,
                seconds(entry.endSeconds() - entry.startSeconds()),
                size);
    }

    /**
     * Whether a segment file FFmpeg did not list holds nothing at all and may be removed: empty,
     * or a fragmented MP4 with only its header (FFmpeg was killed just after it began the file).
     */
    static boolean holdsNoMedia(Session session, Path file) throws IOException {
        if (Files.size(file) == 0) {
            return true;
        }
        return session.format() == OutputFormat.MP4 && FragmentedMp4.headerOnly(file);
    }

    /** A segment file the list does not cover: the one FFmpeg was writing when it stopped. */
    static FinishedSegment unlisted(Session session, Path file, Instant start) throws IOException {
        Duration duration = null;
        if (session.format() == OutputFormat.MP4) {
            duration = FragmentedMp4.duration(file).orElse(null);
        }
        String name = file.getFileName().toString();
        return new FinishedSegment(
                session.streamName(),
                session.sessionStart(),
                SegmentLayout.segmentIndex(name),
                file,
                session.relativeDir() + "/" + name,
                start,
                duration,
                Files.size(file));
    }

    static Duration seconds(double seconds) {
        return Duration.ofNanos(Math.round(Math.max(0, seconds) * 1e9));
    }

    private static void writeSessionFile(Session session) throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("stream", session.streamName());
        node.put("sessionStart", session.sessionStart().toString());
        node.put("startedAt", session.startedAt().toString());
        node.put("format", session.format().extension());
        Path target = session.dir().resolve(SESSION_FILE);
        Path temp = session.dir().resolve(SESSION_FILE + ".tmp");
        // temp file, fsync, atomic rename: a crash leaves either no file or the whole file
        try (FileChannel channel = FileChannel.open(
                temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(JSON.writeValueAsBytes(node)));
            channel.force(true);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String relativize(Path recordingsDir, Path sessionDir) {
        Path relative = recordingsDir.toAbsolutePath().normalize().relativize(sessionDir.toAbsolutePath().normalize());
        return relative.toString().replace(java.io.File.separatorChar, '/');
    }
}
