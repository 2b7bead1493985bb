package io.github.mediamtxvod.catalog;

import io.github.mediamtxvod.recording.FinishedSegment;
import io.github.mediamtxvod.recording.SessionFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up scan's view of one session folder: the recorder's {@link SessionFiles#scan}. The
 * recorder skips a folder whose {@code .session.json} is missing or unreadable; the files on
 * disk are the truth, so such a folder's segment files are still returned, with the stream name
 * and session start read back from the folder names (start of each file unknown beyond the
 * session start, duration unknown).
 */
final class SessionFilesAdapter {
    private static final Logger log = LoggerFactory.getLogger(SessionFilesAdapter.class);

    private SessionFilesAdapter() {}

    static List<FinishedSegment> scan(Path recordingsDir, Path sessionDir) throws IOException {
        List<FinishedSegment> segments = SessionFiles.scan(recordingsDir, sessionDir);
        if (!segments.isEmpty() || SessionFiles.readSession(recordingsDir, sessionDir).isPresent()) {
            return segments;
        }
        List<Path> files = segmentFiles(sessionDir);
        if (files.isEmpty()) {
            return List.of();
        }
        String stream = unescape(sessionDir.getParent().getParent().getFileName().toString());
        Instant sessionStart = SegmentLayout.parseSessionName(sessionDir.getFileName().toString());
        log.warn("{} - no readable {}; its {} segment files are queued as stream '{}' from the folder names",
                sessionDir, SessionFiles.SESSION_FILE, files.size(), stream);
        String relativeDir = SegmentLayout.safeStreamName(stream).equals(sessionDir.getParent().getParent()
                .getFileName().toString())
                ? SegmentLayout.sessionPath(stream, sessionStart)
                : recordingsDir.relativize(sessionDir).toString().replace(sessionDir.getFileSystem().getSeparator(), "/");
        List<FinishedSegment> found = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            found.add(new FinishedSegment(stream, sessionStart, SegmentLayout.segmentIndex(name), file.toAbsolutePath(),
                    relativeDir + "/" + name, sessionStart, null, Files.size(file)));
        }
        return found;
    }

    private static List<Path> segmentFiles(Path sessionDir) throws IOException {
        try (Stream<Path> children = Files.list(sessionDir)) {
            return children.filter(path -> SegmentLayout.segmentIndex(path.getFileName().toString()) >= 0)
                    .filter(Files::isRegularFile)
                    .sorted(Comparator.comparingInt(path -> SegmentLayout.segmentIndex(path.getFileName().toString())))
                    .toList();
        }
    }

    /** The inverse of {@link SegmentLayout#safeStreamName} for untruncated names; else the name itself. */
    static String unescape(String safeName) {
        if (safeName.contains("~~")) {
            return safeName;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < safeName.length(); i++) {
            char c = safeName.charAt(i);
            if (c != '~') {
                bytes.write(c);
                continue;
            }
            if (i + 2 >= safeName.length()) {
                return safeName;
            }
            try {
                bytes.write(Integer.parseInt(safeName.substring(i + 1, i + 3), 16));
            } catch (NumberFormatException e) {
                return safeName;
            }
            i += 2;
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
