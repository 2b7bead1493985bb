package io.github.mediamtxvod.recording;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.recording.OutputFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SessionFilesTest {
    private static final Instant NOW = Instant.parse("2024-05-06T07:08:09.250Z");
    private static final Instant SESSION_START = Instant.parse("2024-05-06T07:08:09Z");

    @TempDir
    Path recordings;

    @Test
    void createMakesTheFolderAndASessionFileThatReadsBack() throws IOException {
        Session session = SessionFiles.create(recordings, "cams/front door", NOW, OutputFormat.MP4);

        assertThat(session.dir(recordings)).isEqualTo(recordings.resolve("cams~2Ffront~20door/2024-05-06/20240506_070809"));
        assertThat(session.dir(recordings)).isDirectory();
        assertThat(session.relativePath()).isEqualTo("cams~2Ffront~20door/2024-05-06/20240506_070809");
        assertThat(session.stream()).isEqualTo("cams/front door");
        assertThat(session.start()).isEqualTo(SESSION_START);
        assertThat(session.startedAt()).isEqualTo(NOW);
        assertThat(session.format()).isEqualTo(OutputFormat.MP4);
        try (Stream<Path> files = Files.list(session.dir(recordings))) {
            assertThat(files.map(path -> path.getFileName().toString())).containsExactly(".session.json");
        }

        assertThat(SessionFiles.readSession(recordings, session.dir(recordings))).contains(session);
    }

    @Test
    void aSecondCreateInTheSameSecondTakesTheNextSecond() throws IOException {
        Session first = SessionFiles.create(recordings, "cam", NOW, OutputFormat.MP4);
        Session second = SessionFiles.create(recordings, "cam", NOW.plusMillis(500), OutputFormat.MP4);
        Session third = SessionFiles.create(recordings, "cam", NOW.plusMillis(600), OutputFormat.TS);

        assertThat(first.start()).isEqualTo(SESSION_START);
        assertThat(second.start()).isEqualTo(SESSION_START.plusSeconds(1));
        assertThat(third.start()).isEqualTo(SESSION_START.plusSeconds(2));
        assertThat(second.dir(recordings).getFileName()).hasToString("20240506_070810");
        assertThat(second.startedAt()).isEqualTo(NOW.plusMillis(500));
        assertThat(SessionFiles.readSession(recordings, third.dir(recordings))).contains(third);
        assertThat(SessionFiles.readSession(recordings, first.dir(recordings))).contains(first);
    }

    @Test
    void otherStreamsInTheSameSecondGetTheirOwnFolders() throws IOException {
        Session one = SessionFiles.create(recordings, "a", NOW, OutputFormat.MP4);
        Session two = SessionFiles.create(recordings, "b", NOW, OutputFormat.MP4);

        assertThat(one.start()).isEqualTo(two.start());
        assertThat(one.dir(recordings)).isNotEqualTo(two.dir(recordings));
    }

    @Test
    void aHostileStreamNameStaysInsideTheRecordingsFolder() throws IOException {
        for (String name : List.of("../../escape", "..", "/etc", ".hidden", "a\0b")) {
            Session session = SessionFiles.create(recordings, name, NOW, OutputFormat.MP4);

            assertThat(session.dir(recordings).normalize().startsWith(recordings)).as(name).isTrue();
            assertThat(session.relativePath().split("/")).as(name).hasSize(3);
            assertThat(SessionFiles.readSession(recordings, session.dir(recordings)).orElseThrow().stream()).isEqualTo(name);
        }
    }

    @Test
    void scanReportsListedAndUnlistedSegmentsInOrder() throws IOException {
        byte[] mp4 = FragmentedMp4Test.fixtureBytes();
        Session session = SessionFiles.create(recordings, "cam", NOW, OutputFormat.MP4);
        Files.write(session.dir(recordings).resolve("segment_000.mp4"), mp4);
        Files.write(session.dir(recordings).resolve("segment_001.mp4"), mp4);
        Files.writeString(session.dir(recordings).resolve(".segments.csv"), "segment_000.mp4,0.500000,2.750000\n", UTF_8);
        Files.writeString(session.dir(recordings).resolve("notes.txt"), "not a segment", UTF_8);
        Files.createDirectory(session.dir(recordings).resolve("segment_002.mp4"));

        List<Segment> segments = SessionFiles.scan(recordings, session.dir(recordings));

        assertThat(segments).hasSize(2);
        Segment first = segments.get(0);
        Segment second = segments.get(1);
        assertThat(first.index()).isZero();
        assertThat(first.stream()).isEqualTo("cam");
        assertThat(first.sessionStart()).isEqualTo(SESSION_START);
        assertThat(first.file(recordings)).isEqualTo(session.dir(recordings).resolve("segment_000.mp4"));
        assertThat(first.relativePath()).isEqualTo("cam/2024-05-06/20240506_070809/segment_000.mp4");
        assertThat(first.start()).isEqualTo(NOW);
        assertThat(first.duration()).isEqualTo(Duration.ofMillis(2250));
        assertThat(first.sizeBytes()).isEqualTo(mp4.length);

        assertThat(second.index()).isEqualTo(1);
        assertThat(second.relativePath()).isEqualTo("cam/2024-05-06/20240506_070809/segment_001.mp4");
        assertThat(second.start()).isEqualTo(NOW.plusMillis(2250));
        assertThat(second.duration()).isNotNull();
        assertThat(second.duration().toMillis()).isBetween(2900L, 3100L);
        assertThat(second.sizeBytes()).isEqualTo(mp4.length);
    }

    @Test
    void scanTrimsATornSegmentEvenWhenTheListNamesIt() throws IOException {
        // a full disk: FFmpeg lists the segment it failed to end, and its last fragment is cut off
        byte[] mp4 = FragmentedMp4Test.fixtureBytes();
        Session session = SessionFiles.create(recordings, "cam", NOW, OutputFormat.MP4);
        Path dir = session.dir(recordings);
        Files.write(dir.resolve("segment_000.mp4"), mp4);
        Files.write(dir.resolve("segment_001.mp4"), java.util.Arrays.copyOf(mp4, 31379 + 500));
        Files.writeString(dir.resolve(".segments.csv"),
                "segment_000.mp4,0.000000,3.000000\nsegment_001.mp4,3.000000,6.000000\n", UTF_8);

        List<Segment> segments = SessionFiles.scan(recordings, dir);

        assertThat(segments).hasSize(2);
        assertThat(Files.size(dir.resolve("segment_000.mp4"))).isEqualTo(mp4.length);
        assertThat(Files.size(dir.resolve("segment_001.mp4"))).isEqualTo(31379);
        assertThat(segments.get(1).sizeBytes()).isEqualTo(31379);
        assertThat(segments.get(1).start()).isEqualTo(NOW.plusSeconds(3));
        assertThat(segments.get(1).duration().toMillis()).as("what is left, not what the list says")
                .isBetween(1900L, 2100L);
    }

    @Test
    void scanRemovesAnUnlistedFileWithoutAFragmentAndTrimsTheOneBeforeIt() throws IOException {
        byte[] mp4 = FragmentedMp4Test.fixtureBytes();
        Session session = SessionFiles.create(recordings, "cam", NOW, OutputFormat.MP4);
        Path dir = session.dir(recordings);
        Files.write(dir.resolve("segment_000.mp4"), java.util.Arrays.copyOf(mp4, 20000));
        Files.write(dir.resolve("segment_001.mp4"), java.util.Arrays.copyOf(mp4, 1252 + 100));

        List<Segment> segments = SessionFiles.scan(recordings, dir);

        assertThat(segments).singleElement().satisfies(segment -> {
            assertThat(segment.index()).isZero();
            assertThat(segment.sizeBytes()).isEqualTo(16352);
            assertThat(segment.duration().toMillis()).isBetween(900L, 1100L);
        });
        assertThat(dir.resolve("segment_001.mp4")).doesNotExist();
        assertThat(Files.size(dir.resolve("segment_000.mp4"))).isEqualTo(16352);
    }

    @Test
    void scanCutsAPartialTsPacketOffAndLeavesOtherFilesAlone() throws IOException {
        Session session = SessionFiles.create(recordings, "cam", NOW, OutputFormat.TS);
        Path dir = session.dir(recordings);
        byte[] ts = new byte[188 * 10 + 77];
        for (int i = 0; i < ts.length; i += 188) {
            ts[i] = 0x47;
        }
        Files.write(dir.resolve("segment_000.ts"), ts);
        Files.write(dir.resolve("segment_001.ts"), new byte[100]);

        List<Segment> segments = SessionFiles.scan(recordings, dir);

        assertThat(segments).extracting(Segment::sizeBytes).containsExactly(1880L, 100L);
        assertThat(Files.size(dir.resolve("segment_000.ts"))).isEqualTo(1880);
    }

    @Test
    void scanOrdersByIndexNotByName() throws IOException {
        Session session = SessionFiles.create(recordings, "cam", NOW, OutputFormat.TS);
        StringBuilder list = new StringBuilder();
        for (int index : new int[] {0, 1, 999, 1000}) {
            String name = SegmentLayout.segmentFileName(index, OutputFormat.TS);
            Files.write(session.dir(recordings).resolve(name), new byte[10]);
            list.append(name).append(',').append(index * 10).append(',').append(index * 10 + 10).append('\n');
        }
        Files.writeString(session.dir(recordings).resolve(".segments.csv"), list.toString(), UTF_8);

        List<Segment> segments = SessionFiles.scan(recordings, session.dir(recordings));

        assertThat(segments).extracting(Segment::index).containsExactly(0, 1, 999, 1000);
        assertThat(segments).extracting(Segment::start).isSorted();
        assertThat(segments.get(3).start()).isEqualTo(NOW.plusSeconds(10000));
    }

    @Test
    void anUnlistedSegmentOfAnotherFormatHasNoDuration() throws IOException {
        Session session = SessionFiles.create(recordings, "cam", NOW, OutputFormat.MKV);
        Files.write(session.dir(recordings).resolve("segment_000.mkv"), new byte[100]);

        List<Segment> segments = SessionFiles.scan(recordings, session.dir(recordings));

        assertThat(segments).singleElement().satisfies(segment -> {
            assertThat(segment.duration()).isNull();
            assertThat(segment.start()).isEqualTo(NOW);
            assertThat(segment.sizeBytes()).isEqualTo(100);
        });
    }

    @Test
    void aFolderWithoutSessionFileIsScannedFromItsFolderNames() throws IOException {
        Path dir = Files.createDirectories(recordings.resolve("cam~20one/2024-05-06/20240506_070809"));
        Files.write(dir.resolve("segment_000.mp4"), FragmentedMp4Test.fixtureBytes());
        Files.writeString(dir.resolve(".segments.csv"), "segment_000.mp4,0,3\n", UTF_8);

        assertThat(SessionFiles.readSession(recordings, dir)).isEmpty();
        assertThat(SessionFiles.scan(recordings, dir)).singleElement().satisfies(segment -> {
            assertThat(segment.stream()).isEqualTo("cam one");
            assertThat(segment.sessionStart()).isEqualTo(SESSION_START);
            assertThat(segment.relativePath()).isEqualTo("cam~20one/2024-05-06/20240506_070809/segment_000.mp4");
            assertThat(segment.duration()).isEqualTo(Duration.ofSeconds(3));
        });
    }

    @Test
    void aFolderWithoutSegmentFilesScansAsEmpty() throws IOException {
        Path dir = Files.createDirectories(recordings.resolve("cam/2024-05-06/20240506_070809"));
        Files.writeString(dir.resolve(".session.json"), "{", UTF_8);

        assertThat(SessionFiles.scan(recordings, dir)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "{",
        "null",
        "[]",
        "42",
        "\"text\"",
        "{}",
        "{\"stream\":\"cam\"}",
        "{\"stream\":\"cam\",\"sessionStart\":\"yesterday\"}",
        "{\"stream\":\"cam\",\"sessionStart\":20240506}",
        "{\"sessionStart\":\"2024-05-06T07:08:09Z\",\"format\":\"mp4\"}",
        "{\"stream\":null,\"sessionStart\":\"2024-05-06T07:08:09Z\"}",
        "{\"stream\":\"cam\",\"sessionStart\":\"2024-05-06T07:08:09Z\",\"format\":\"avi\"}",
        "{\"stream\":\"cam\",\"sessionStart\":\"2024-05-06T07:08:09Z\",\"startedAt\":\"soon\"}",
        "\u0000\u0001\u0002garbage"
    })
    void aCorruptSessionFileReadsAsEmptyAndItsSegmentsStillCount(String content) throws IOException {
        Path dir = Files.createDirectories(recordings.resolve("cam/2024-05-06/20240506_070809"));
        Files.writeString(dir.resolve(".session.json"), content, UTF_8);
        Files.write(dir.resolve("segment_000.mp4"), new byte[10]);

        assertThat(SessionFiles.readSession(recordings, dir)).isEmpty();
        assertThat(SessionFiles.scan(recordings, dir)).singleElement()
                .satisfies(segment -> assertThat(segment.stream()).isEqualTo("cam"));
    }

    @Test
    void aSessionFileThatIsAFolderReadsAsEmpty() throws IOException {
        Path dir = Files.createDirectories(recordings.resolve("cam/2024-05-06/20240506_070809/.session.json"))
                .getParent();

        assertThat(SessionFiles.readSession(recordings, dir)).isEmpty();
    }

    @Test
    void aSessionFileWithoutStartedAtStartsAtTheSessionStart() throws IOException {
        Path dir = Files.createDirectories(recordings.resolve("cam/2024-05-06/20240506_070809"));
        Files.writeString(
                dir.resolve(".session.json"), "{\"stream\":\"cam\",\"sessionStart\":\"2024-05-06T07:08:09Z\"}", UTF_8);

        Optional<Session> session = SessionFiles.readSession(recordings, dir);

        assertThat(session).isPresent();
        assertThat(session.get().startedAt()).isEqualTo(SESSION_START);
        assertThat(session.get().format()).isEqualTo(OutputFormat.MP4);
        assertThat(session.get().relativePath()).isEqualTo("cam/2024-05-06/20240506_070809");
    }

    @Test
    void secondsClampsNegativeAndRoundsToNanoseconds() {
        assertThat(SessionFiles.seconds(-1.5)).isZero();
        assertThat(SessionFiles.seconds(2.25)).isEqualTo(Duration.ofMillis(2250));
        assertThat(SessionFiles.seconds(1e-10)).isZero();
    }
}
