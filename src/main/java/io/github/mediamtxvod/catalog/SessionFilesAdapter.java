package io.github.mediamtxvod.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mediamtxvod.recording.FinishedSegment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the segment files of one session folder as {@link FinishedSegment}s: the stream name
 * and session start from {@code .session.json} (else from the folder names), start and duration
 * of each file from FFmpeg's {@code .segments.csv} when it lists the file (else the start is the
 * end of the previous listed segment, the duration unknown).
 *
 * <p>This is the start-up scan's single entry point into the recorder's file conventions, with
 * the same signature as the recorder's {@code SessionFiles.scan}, so it can delegate there.
 */
final class SessionFilesAdapter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SessionFilesAdapter() {}

    static List<FinishedSegment> scan(Path recordingsDir, Path sessionDir) throws IOException {
        SessionInfo session = readSession(sessionDir);
        Map<String, double[]> listed = readSegmentList(sessionDir.resolve(".segments.csv"));
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(sessionDir)) {
            for (Path entry : entries) {
                if (SegmentLayout.segmentIndex(entry.getFileName().toString()) >= 0 && Files.isRegularFile(entry)) {
                    files.add(entry);
                }
            }
        }
        files.sort((a, b) -> Integer.compare(
                SegmentLayout.segmentIndex(a.getFileName().toString()),
                SegmentLayout.segmentIndex(b.getFileName().toString())));
        List<FinishedSegment> segments = new ArrayList<>();
        Instant nextStart = session.start();
        for (Path file : files) {
            String name = file.getFileName().toString();
            double[] times = listed.get(name);
            Instant start = times == null ? nextStart : session.start().plusNanos((long) (times[0] * 1e9));
            Duration duration = times == null ? null : Duration.ofNanos((long) ((times[1] - times[0]) * 1e9));
            if (duration != null) {
                nextStart = start.plus(duration);
            }
            String relative = recordingsDir.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
            segments.add(new FinishedSegment(session.stream(), session.start(), SegmentLayout.segmentIndex(name),
                    file.toAbsolutePath(), relative, start, duration, Files.size(file)));
        }
        return segments;
    }

    private record SessionInfo(String stream, Instant start) {}

    private static SessionInfo readSession(Path sessionDir) throws IOException {
        Path json = sessionDir.resolve(".session.json");
        if (Files.isRegularFile(json)) {
            try {
                JsonNode node = JSON.readTree(json.toFile());
                String stream = node.path("stream").asText(null);
                String start = node.path("sessionStart").asText(null);
                if (stream != null && start != null) {
                    return new SessionInfo(stream, Instant.parse(start));
                }
            } catch (IOException | RuntimeException e) {
                // fall through to the folder names: a torn or hand-edited file must not hide the segments
            }
        }
        Instant start = SegmentLayout.parseSessionName(sessionDir.getFileName().toString());
        return new SessionInfo(unescape(sessionDir.getParent().getParent().getFileName().toString()), start);
    }

    /** The inverse of {@link SegmentLayout#safeStreamName} for untruncated names; else the name itself. */
    static String unescape(String safeName) {
        if (safeName.contains("~~")) {
            return safeName;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
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

    /** {@code name,start,end} lines of FFmpeg's CSV segment list; unreadable lines are skipped. */
    private static Map<String, double[]> readSegmentList(Path csv) {
        Map<String, double[]> listed = new HashMap<>();
        if (!Files.isRegularFile(csv)) {
            return listed;
        }
        try {
            for (String line : Files.readAllLines(csv, StandardCharsets.UTF_8)) {
                int last = line.lastIndexOf(',');
                int middle = last < 0 ? -1 : line.lastIndexOf(',', last - 1);
                if (middle <= 0) {
                    continue;
                }
                String name = line.substring(0, middle).replace("\"", "");
                try {
                    listed.put(name, new double[] {
                        Double.parseDouble(line.substring(middle + 1, last)), Double.parseDouble(line.substring(last + 1))
                    });
                } catch (NumberFormatException e) {
                    // a line cut off by a crash: the file's duration stays unknown
                }
            }
        } catch (IOException e) {
            return listed;
        }
        return listed;
    }
}
