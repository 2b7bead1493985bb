package io.github.mediamtxvod.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mediamtxvod.recording.OutputFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TimeZone;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SegmentLayoutTest {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._~-]+");
    private static final String LONG_A = "a".repeat(300);

    static List<String> hostileNames() {
        return List.of(
                "../x",
                "a/../../b",
                "..",
                ".",
                "...",
                "./",
                "/",
                "/etc/passwd",
                ".hidden",
                "front door",
                " ",
                "café",
                "cafe\u0301",
                "\uD83D\uDCF7 cam",
                "\u202Egnp.exe",
                "\u05E9\u05DC\u05D5\u05DD/\u0645\u0631\u062D\u0628\u0627",
                LONG_A,
                "é".repeat(300),
                "\uD83D\uDE00".repeat(100),
                "line\nbreak",
                "nul\0byte",
                "esc\u001b[31m",
                "back\\slash",
                "..\\..\\windows",
                "%2e%2e",
                "%2e%2e%2fetc",
                "",
                "~",
                "~~empty",
                "a~2Fb",
                "a/b",
                "C:",
                "con",
                "*?<>|\"'`$(){}[];&");
    }

    @ParameterizedTest
    @MethodSource("hostileNames")
    void safeStreamNameIsOneHarmlessPathSegment(String name) {
        String safe = SegmentLayout.safeStreamName(name);

        assertThat(safe).matches(SAFE);
        assertThat(safe).isNotEqualTo(".").isNotEqualTo("..");
        assertThat(safe).doesNotStartWith(".");
        assertThat(safe.length()).isLessThanOrEqualTo(SegmentLayout.MAX_SEGMENT_LENGTH);
        assertThat(SegmentLayout.safeStreamName(name)).isEqualTo(safe);
    }

    @ParameterizedTest
    @MethodSource("hostileNames")
    void safeStreamNameNeverLeavesTheRoot(String name, @TempDir Path root) throws IOException {
        String safe = SegmentLayout.safeStreamName(name);
        Path resolved = root.resolve(safe).normalize();

        assertThat(resolved.startsWith(root)).as("%s stays under %s", resolved, root).isTrue();
        assertThat(resolved.getParent()).isEqualTo(root);
        assertThat(resolved.getFileName().toString()).isEqualTo(safe);
        // the file system accepts it as a folder name
        Files.createDirectory(resolved);
        try (Stream<Path> children = Files.list(root)) {
            assertThat(children.toList()).containsExactly(resolved);
        }
    }

    @Test
    void loneSurrogatesDoNotCollideWithQuestionMarks() {
        List<String> names = List.of("a?", "a\uD83D", "a\uDE00", "a\uDE00\uD83D", "a\uD83D\uDE00");
        assertThat(names.stream().map(SegmentLayout::safeStreamName).distinct()).hasSize(names.size());
        String shared = "w".repeat(200);
        assertThat(SegmentLayout.safeStreamName(shared + "?"))
                .isNotEqualTo(SegmentLayout.safeStreamName(shared + "\uD83D"));
    }

    @Test
    void wellFormedNamesAreEscapedFromTheirStandardUtf8Bytes() {
        assertThat(SegmentLayout.safeStreamName("\uD83D\uDE00")).isEqualTo("~F0~9F~98~80");
        assertThat(SegmentLayout.safeStreamName("\u20AC\u00A2")).isEqualTo("~E2~82~AC~C2~A2");
    }

    @Test
    void aSessionsDayEndsAtTheNextUtcMidnightWhateverTheLocalZone() {
        TimeZone saved = TimeZone.getDefault();
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Kiritimati"));
            assertThat(SegmentLayout.dayEnd(Instant.parse("2026-12-06T23:59:59Z")))
                    .isEqualTo(Instant.parse("2026-12-07T00:00:00Z"));
            assertThat(SegmentLayout.dayEnd(Instant.parse("2026-12-07T00:00:00Z")))
                    .isEqualTo(Instant.parse("2026-12-08T00:00:00Z"));
            assertThat(SegmentLayout.dayEnd(Instant.parse("2024-02-28T10:00:00Z")))
                    .isEqualTo(Instant.parse("2024-02-29T00:00:00Z"));
            Instant start = Instant.parse("2026-12-06T10:15:30Z");
            assertThat(SegmentLayout.day(SegmentLayout.dayEnd(start))).isEqualTo("2026-12-07");
            assertThat(SegmentLayout.day(SegmentLayout.dayEnd(start).minusMillis(1))).isEqualTo(SegmentLayout.day(start));
        } finally {
            TimeZone.setDefault(saved);
        }
    }

    @Test
    void plainNamesStayReadable() {
        assertThat(SegmentLayout.safeStreamName("cam_1-north.v2")).isEqualTo("cam_1-north.v2");
        assertThat(SegmentLayout.safeStreamName("cams/front door")).isEqualTo("cams~2Ffront~20door");
        assertThat(SegmentLayout.safeStreamName(".hidden")).isEqualTo("~2Ehidden");
        assertThat(SegmentLayout.safeStreamName("..")).isEqualTo("~2E.");
        assertThat(SegmentLayout.safeStreamName("café")).isEqualTo("caf~C3~A9");
        assertThat(SegmentLayout.safeStreamName("")).isEqualTo("~~empty");
    }

    @Test
    void trickySimilarNamesNeverCollide() {
        String longPrefix = "x".repeat(SegmentLayout.MAX_SEGMENT_LENGTH);
        List<String> corpus = new ArrayList<>(hostileNames());
        corpus.addAll(List.of(
                "Cam", "cam", "CAM", "cAm",
                "a~2Fb", "a/b", "a~2fb", "a%2Fb", "a~7E2Fb",
                ".a", "~2Ea", "a.", "a..", "a.b", "a~2Eb",
                "~~empty", "", "~", "~~",
                longPrefix + "1", longPrefix + "2", longPrefix + "/", longPrefix,
                "y".repeat(300), "y".repeat(301), "y".repeat(299)));
        // an untruncated name that looks like the truncated form of a long one
        String truncated = SegmentLayout.safeStreamName(longPrefix + "1");
        corpus.add(truncated);
        corpus.add(truncated.replace("~~", "~"));
        // names around the cut point: an escape that would straddle character 100
        for (int pad = 95; pad <= 101; pad++) {
            corpus.add("p".repeat(pad) + "/" + "q".repeat(40));
            corpus.add("p".repeat(pad) + "é" + "q".repeat(40));
            corpus.add("p".repeat(pad) + "/" + "r".repeat(40));
        }
        Random random = new Random(42);
        for (int i = 0; i < 2000; i++) {
            corpus.add(randomName(random));
        }

        Map<String, String> seen = new HashMap<>();
        for (String name : corpus) {
            String safe = SegmentLayout.safeStreamName(name);
            assertThat(safe).matches(SAFE).doesNotStartWith(".");
            assertThat(safe.length()).isLessThanOrEqualTo(SegmentLayout.MAX_SEGMENT_LENGTH);
            String previous = seen.putIfAbsent(safe, name);
            if (previous != null) {
                assertThat(previous).as("two names map to %s", safe).isEqualTo(name);
            }
        }
    }

    @Test
    void longNamesSharingTheirFirst120CharactersStayApart() {
        String shared = "s".repeat(SegmentLayout.MAX_SEGMENT_LENGTH);
        String one = SegmentLayout.safeStreamName(shared + "-one");
        String two = SegmentLayout.safeStreamName(shared + "-two");

        assertThat(one).isNotEqualTo(two);
        assertThat(one).contains("~~").hasSizeLessThanOrEqualTo(SegmentLayout.MAX_SEGMENT_LENGTH);
        assertThat(one).startsWith("s".repeat(SegmentLayout.TRUNCATED_PREFIX_LENGTH));
    }

    @Test
    void aNameOfExactlyTheLimitIsNotTruncated() {
        String exact = "e".repeat(SegmentLayout.MAX_SEGMENT_LENGTH);
        assertThat(SegmentLayout.safeStreamName(exact)).isEqualTo(exact);
        assertThat(SegmentLayout.safeStreamName(exact + "e")).contains("~~");
    }

    @Test
    void truncationNeverCutsAnEscapeInHalf() {
        for (int pad = 95; pad <= 101; pad++) {
            String safe = SegmentLayout.safeStreamName("p".repeat(pad) + "/" + "q".repeat(40));
            String prefix = safe.substring(0, safe.indexOf("~~"));
            assertThat(prefix).as("pad %d", pad).matches("([A-Za-z0-9._-]|~[0-9A-F]{2})*");
        }
    }

    @Test
    void dayAndSessionNameAreUtcWhateverTheDefaultZone() {
        Instant instant = Instant.parse("2024-03-09T23:30:05.750Z");
        TimeZone saved = TimeZone.getDefault();
        try {
            for (String zone : List.of("Pacific/Kiritimati", "America/Los_Angeles", "Asia/Kolkata", "UTC")) {
                TimeZone.setDefault(TimeZone.getTimeZone(zone));
                assertThat(SegmentLayout.day(instant)).as(zone).isEqualTo("2024-03-09");
                assertThat(SegmentLayout.sessionName(instant)).as(zone).isEqualTo("20240309_233005");
                assertThat(SegmentLayout.parseSessionName("20240309_233005"))
                        .as(zone)
                        .isEqualTo(Instant.parse("2024-03-09T23:30:05Z"));
            }
        } finally {
            TimeZone.setDefault(saved);
        }
    }

    @Test
    void parseSessionNameIsTheInverseOfSessionName() {
        for (Instant start : List.of(
                Instant.parse("1970-01-01T00:00:00Z"),
                Instant.parse("2000-02-29T12:00:00Z"),
                Instant.parse("2038-01-19T03:14:08Z"),
                Instant.parse("2099-12-31T23:59:59Z"))) {
            assertThat(SegmentLayout.parseSessionName(SegmentLayout.sessionName(start))).isEqualTo(start);
        }
        assertThatThrownBy(() -> SegmentLayout.parseSessionName("2024-03-09"))
                .isInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> SegmentLayout.parseSessionName("20241309_000000"))
                .isInstanceOf(DateTimeParseException.class);
    }

    @Test
    void sessionStartDropsFractionsOfASecond() {
        assertThat(SegmentLayout.sessionStart(Instant.parse("2024-03-09T23:30:05.999Z")))
                .isEqualTo(Instant.parse("2024-03-09T23:30:05Z"));
    }

    @Test
    void sessionPathAndDirUseTheSafeName(@TempDir Path root) {
        Instant start = Instant.parse("2024-03-09T23:30:05Z");

        assertThat(SegmentLayout.sessionPath("../up", start)).isEqualTo("~2E.~2Fup/2024-03-09/20240309_233005");
        assertThat(SegmentLayout.sessionDir(root, "../up", start))
                .isEqualTo(root.resolve("~2E.~2Fup").resolve("2024-03-09").resolve("20240309_233005"));
    }

    @Test
    void segmentFileNameHasAtLeastThreeDigits() {
        assertThat(SegmentLayout.segmentFileName(0, OutputFormat.MP4)).isEqualTo("segment_000.mp4");
        assertThat(SegmentLayout.segmentFileName(7, OutputFormat.MKV)).isEqualTo("segment_007.mkv");
        assertThat(SegmentLayout.segmentFileName(1000, OutputFormat.TS)).isEqualTo("segment_1000.ts");
        assertThat(SegmentLayout.segmentFilePattern(OutputFormat.TS)).isEqualTo("segment_%03d.ts");
        assertThatThrownBy(() -> SegmentLayout.segmentFileName(-1, OutputFormat.MP4))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void segmentIndexReadsOurNamesOnly() {
        assertThat(SegmentLayout.segmentIndex("segment_000.mp4")).isZero();
        assertThat(SegmentLayout.segmentIndex("segment_042.mkv")).isEqualTo(42);
        assertThat(SegmentLayout.segmentIndex("segment_1000.ts")).isEqualTo(1000);
        for (String foreign : List.of(
                "segment_00.mp4",
                "segment_000.txt",
                "segment_000.MP4",
                "segment_000.mp4.tmp",
                "segment_000",
                "xsegment_000.mp4",
                "segment_-01.mp4",
                "segment_99999999999999999999.mp4",
                "segment_\u0661\u0662\u0663.mp4",
                ".segments.csv",
                ".session.json",
                "")) {
            assertThat(SegmentLayout.segmentIndex(foreign)).as(foreign).isEqualTo(-1);
        }
        for (int index : new int[] {0, 1, 999, 1000, 123456}) {
            for (OutputFormat format : OutputFormat.values()) {
                assertThat(SegmentLayout.segmentIndex(SegmentLayout.segmentFileName(index, format))).isEqualTo(index);
            }
        }
    }

    @Test
    void s3KeyPutsThePrefixInFront() {
        String relative = "cam~2Ffront/2024-03-09/20240309_233005/segment_000.mp4";
        assertThat(SegmentLayout.s3Key("", relative)).isEqualTo(relative);
        assertThat(SegmentLayout.s3Key("recordings", relative)).isEqualTo("recordings/" + relative);
        assertThat(SegmentLayout.s3Key("site/a", relative)).isEqualTo("site/a/" + relative);
    }

    private static String randomName(Random random) {
        String alphabet = "aA.~/%2Ff_- é\u00e9\uD83D\uDE00\n\\";
        int length = random.nextInt(8);
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < length; i++) {
            name.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return name.toString();
    }
}
