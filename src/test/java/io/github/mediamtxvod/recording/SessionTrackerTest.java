package io.github.mediamtxvod.recording;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.mp4.TimingFixtures;
import io.github.mediamtxvod.testing.Ffprobe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionTrackerTest {
    private static final Instant NOW = Instant.parse("2024-05-06T07:08:09.250Z");
    private static final int SECOND_FRAGMENT_END = 31379;

    @TempDir
    Path recordings;

    private byte[] mp4;
    private Session session;
    private Path dir;
    private final List<Segment> handedOn = new ArrayList<>();

    @BeforeEach
    void createSession() throws IOException {
        mp4 = FragmentedMp4Test.fixtureBytes();
        session = SessionFiles.create(recordings, "cam", NOW, OutputFormat.MP4);
        dir = session.dir(recordings);
    }

    @Test
    void handsOnAListedSegmentOnceFfmpegFinishedIt() throws IOException {
        try (SessionTracker tracker = new SessionTracker(session, recordings, handedOn::add)) {
            tracker.poll();
            assertThat(handedOn).isEmpty();

            Files.write(dir.resolve("segment_000.mp4"), mp4);
            Files.write(dir.resolve("segment_001.mp4"), Arrays.copyOf(mp4, 20000));
            list("segment_000.mp4,0.000000,3.000000\n");
            tracker.poll();
            tracker.poll();

            assertThat(handedOn).singleElement().satisfies(segment -> {
                assertThat(segment.index()).isZero();
                assertThat(segment.sizeBytes()).isEqualTo(mp4.length);
            });
            assertThat(tracker.handedOn()).isEqualTo(1);
        }
    }

    @Test
    void segmentsAreDatedFromTheEarliestTimeFfmpegsProgressPutsItsOutputStartAtAndTheSessionFileKeepsIt()
            throws IOException {
        try (SessionTracker tracker = new SessionTracker(session, recordings, handedOn::add)) {
            // connecting and probing: the output lags the stream most at first, then keeps up
            tracker.anchor(NOW.plusMillis(3_000), 21_333);
            tracker.anchor(NOW.plusMillis(4_000), 2_421_333);
            tracker.anchor(NOW.plusMillis(5_000), 3_430_000);
            Files.write(dir.resolve("segment_000.mp4"), mp4);
            Files.write(dir.resolve("segment_001.mp4"), Arrays.copyOf(mp4, 20000));
            list("segment_000.mp4,0.500000,3.500000\n");

            tracker.poll();
            // listed: later progress no longer moves the dates
            tracker.anchor(NOW.plusMillis(6_000), 5_000_000);

            // time 0 at NOW + 1.570 s, so the first segment (0.5 s in) began at NOW + 2.070 s
            Instant began = NOW.plusMillis(2_070);
            assertThat(handedOn).singleElement().satisfies(segment -> assertThat(segment.start()).isEqualTo(began));
            assertThat(tracker.session().startedAt()).isEqualTo(began);
            assertThat(SessionFiles.readSession(recordings, dir).orElseThrow().startedAt()).isEqualTo(began);
        }
    }

    @Test
    void progressThatWouldDateTheMediaBeforeFfmpegStartedIsNotBelieved() throws IOException {
        try (SessionTracker tracker = new SessionTracker(session, recordings, handedOn::add)) {
            tracker.anchor(NOW.plusMillis(500), 2_000_000);
            Files.write(dir.resolve("segment_000.mp4"), mp4);
            Files.write(dir.resolve("segment_001.mp4"), Arrays.copyOf(mp4, 20000));
            list("segment_000.mp4,0.000000,3.000000\n");

            tracker.poll();

            assertThat(handedOn).singleElement().satisfies(segment -> assertThat(segment.start()).isEqualTo(NOW));
            assertThat(SessionFiles.readSession(recordings, dir).orElseThrow().startedAt()).isEqualTo(NOW);
        }
    }

    @Test
    void aSegmentHandedOnWhileFfmpegRunsHasItsStartUpTimingRepaired() throws Exception {
        Path broken = TimingFixtures.segment(recordings, "libx264", true, true, TimingFixtures.FAST_FIRST_GOP);
        assertThat(Ffprobe.decodeErrors(broken)).as("as FFmpeg wrote it").isNotEmpty();
        try (SessionTracker tracker = new SessionTracker(session, recordings, handedOn::add)) {
            Files.copy(broken, dir.resolve("segment_000.mp4"));
            Files.write(dir.resolve("segment_001.mp4"), Arrays.copyOf(mp4, 20000));
            list("segment_000.mp4,0.000000,4.000000\n");

            tracker.poll();

            assertThat(handedOn).singleElement().satisfies(segment -> assertThat(segment.index()).isZero());
            assertThat(Ffprobe.decodeErrors(dir.resolve("segment_000.mp4"))).isEmpty();
        }
    }

    @Test
    void aSegmentWhoseAudioWasSqueezedAfterAJumpBackBeginsAsMuchEarlierAsItsRepairMovedIt() throws Exception {
        Path squeezed = TimingFixtures.segment(recordings, "libx264", false, true, null,
                TimingFixtures.AUDIO_JUMPS_BACK);
        try (SessionTracker tracker = new SessionTracker(session, recordings, handedOn::add)) {
            Files.copy(squeezed, dir.resolve("segment_000.mp4"));
            Files.write(dir.resolve("segment_001.mp4"), Arrays.copyOf(mp4, 20000));
            list("segment_000.mp4,0.000000,4.000000\n");

            tracker.poll();

            // the audio before the jump moved 1.2 s back, so every track 1.2 s later in the file:
            // the media begins 1.2 s before the list's start and ends where the next segment begins
            assertThat(handedOn).singleElement().satisfies(segment -> {
                assertThat(segment.start()).isEqualTo(NOW.minusMillis(1200));
                assertThat(segment.duration()).isEqualTo(Duration.ofMillis(5200));
                assertThat(segment.end()).isEqualTo(NOW.plusSeconds(4));
            });
            assertThat(Ffprobe.decodeErrors(dir.resolve("segment_000.mp4"))).isEmpty();
        }
    }

    @Test
    void aListedSegmentWithoutItsTrailerWaitsForTheExitAndIsTrimmedThen() throws IOException {
        try (SessionTracker tracker = new SessionTracker(session, recordings, handedOn::add)) {
            Files.write(dir.resolve("segment_000.mp4"), Arrays.copyOf(mp4, SECOND_FRAGMENT_END + 300));
            list("segment_000.mp4,0.000000,3.000000\n");
            tracker.poll();
            assertThat(handedOn).as("FFmpeg may still close it").isEmpty();

            tracker.finish();

            assertThat(handedOn).singleElement().satisfies(segment -> {
                assertThat(segment.sizeBytes()).isEqualTo(SECOND_FRAGMENT_END);
                assertThat(segment.start()).isEqualTo(NOW);
            });
            assertThat(Files.size(dir.resolve("segment_000.mp4"))).isEqualTo(SECOND_FRAGMENT_END);
        }
    }

    @Test
    void afterTheExitTheUnlistedFileIsTrimmedAndAnEmptyOneRemoved() throws IOException {
        try (SessionTracker tracker = new SessionTracker(session, recordings, handedOn::add)) {
            Files.write(dir.resolve("segment_000.mp4"), mp4);
            list("segment_000.mp4,0.500000,3.500000\n");
            tracker.poll();
            Files.write(dir.resolve("segment_001.mp4"), Arrays.copyOf(mp4, SECOND_FRAGMENT_END + 10));
            Files.write(dir.resolve("segment_002.mp4"), Arrays.copyOf(mp4, 1252));

            tracker.finish();

            assertThat(handedOn).extracting(Segment::index).containsExactly(0, 1);
            assertThat(handedOn.get(1).start()).isEqualTo(NOW.plusSeconds(3));
            assertThat(handedOn.get(1).sizeBytes()).isEqualTo(SECOND_FRAGMENT_END);
            assertThat(dir.resolve("segment_002.mp4")).doesNotExist();
        }
    }

    @Test
    void aSessionThatLeftNothingIsRemoved() throws IOException {
        try (SessionTracker tracker = new SessionTracker(session, recordings, handedOn::add)) {
            Files.write(dir.resolve("segment_000.mp4"), Arrays.copyOf(mp4, 28));
            tracker.finish();
            tracker.removeFolderIfEmpty(recordings);
        }

        assertThat(handedOn).isEmpty();
        assertThat(recordings.resolve("cam")).doesNotExist();
        assertThat(recordings).isDirectory();
    }

    private void list(String lines) throws IOException {
        Files.writeString(dir.resolve(".segments.csv"), lines, UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }
}
