package io.github.mediamtxvod.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.github.mediamtxvod.testing.Ffprobe;
import io.github.mediamtxvod.testing.LogCapture;
import io.github.mediamtxvod.testing.RtspTestServer;
import io.github.mediamtxvod.testing.SharedRtspServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream that records through UTC midnight: the recording stage with real FFmpeg and the
 * GStreamer RTSP server, on a clock set so that the day ends a few seconds into the recording.
 * The session is cut there without a gap, and each day's session is whole and decodes cleanly.
 */
class DayEndIT {
    private static final Duration BEFORE_MIDNIGHT = Duration.ofSeconds(6);

    @RegisterExtension
    static final SharedRtspServer RTSP = new SharedRtspServer();

    @TempDir
    Path recordings;

    private final List<Segment> segments = new CopyOnWriteArrayList<>();
    private final List<Session> ended = new CopyOnWriteArrayList<>();
    private Instant midnight;

    @Test
    void aRecordingThroughMidnightBecomesTwoOverlappingSessionsInTheirOwnDays() throws Exception {
        Clock clock = dayEndingSoon();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RtspTestServer.Publisher publisher = RTSP.server().publish("day/end", RtspTestServer.Shape.AUDIO_VIDEO,
                Duration.ofSeconds(20));
        try (LogCapture recorderLog = LogCapture.of(StreamRecorder.class);
                LogCapture supervisorLog = LogCapture.of(RecordingSupervisor.class);
                RecordingSupervisor supervisor = supervisor(clock, registry)) {
            supervisor.updateLiveStreams(List.of(new LiveStream("day/end", List.of())));

            await("both sessions end with the stream").atMost(Duration.ofSeconds(90))
                    .until(() -> ended.size() == 2 && supervisor.status().recording().isEmpty());

            assertThat(publisher.waitForExit(Duration.ofSeconds(5))).isTrue();
            Session before = ended.get(0);
            Session after = ended.get(1);
            assertThat(before.start()).isBefore(midnight);
            assertThat(after.start()).isAfterOrEqualTo(midnight).isBefore(midnight.plusSeconds(5));
            assertThat(before.relativePath()).startsWith("day~2Fend/" + SegmentLayout.day(before.start()) + "/");
            assertThat(after.relativePath()).startsWith("day~2Fend/" + SegmentLayout.day(midnight) + "/");
            assertThat(SegmentLayout.day(before.start())).isNotEqualTo(SegmentLayout.day(midnight));

            List<Segment> first = of(before);
            List<Segment> second = of(after);
            assertThat(first).isNotEmpty();
            assertThat(second).hasSizeGreaterThan(2);
            Segment last = first.get(first.size() - 1);
            // the previous day's FFmpeg is stopped only once the next one records: they overlap
            assertThat(last.end()).isAfter(second.get(0).start());
            assertThat(last.end()).isBefore(second.get(0).start().plusSeconds(5));
            for (Segment segment : segments) {
                assertThat(Ffprobe.decodeErrors(segment.file(recordings))).as("%s", segment).isEmpty();
            }
            assertThat(registry.get("vodrecorder.ffmpeg.restarts").counter().count()).isZero();
            assertThat(recorderLog.messages(Level.WARN)).isEmpty();
            assertThat(supervisorLog.messages(Level.WARN)).isEmpty();
            assertThat(recorderLog.messages(Level.INFO)).anyMatch(line -> line.contains("the UTC day ended"));
        }
    }

    @Test
    void whenTheNextDaysFfmpegIsRefusedThePreviousSessionGoesOnUntilARetryRecords() throws Exception {
        Clock clock = dayEndingSoon();
        // the first FFmpeg of the new day fails, as a path with maxReaders: 1 would refuse it; FFmpeg
        // runs in its session folder, so the script knows the day
        Path refused = recordings.resolve("refused");
        Path ffmpeg = recordings.resolve("ffmpeg-refused-once.sh");
        Files.writeString(ffmpeg, "#!/bin/sh\n"
                + "case \"$PWD\" in */" + SegmentLayout.day(midnight) + "/*)\n"
                + "  if [ ! -e '" + refused + "' ]; then touch '" + refused + "'\n"
                + "    echo 'Server returned 400 Bad Request (reader limit)' >&2; exit 1; fi;;\n"
                + "esac\n"
                + "exec '" + ffmpeg() + "' \"$@\"\n");
        Files.setPosixFilePermissions(ffmpeg, PosixFilePermissions.fromString("rwx------"));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RtspTestServer.Publisher publisher = RTSP.server().publish("day/refused", RtspTestServer.Shape.AUDIO_VIDEO,
                Duration.ofSeconds(20));
        // as MediaMTX answers: the path is live while its publisher runs
        PathCheck check = stream -> publisher.isAlive() ? PathCheck.Answer.LIVE : PathCheck.Answer.GONE;
        try (RecordingSupervisor supervisor = supervisor(ffmpeg.toString(), check, clock, registry)) {
            supervisor.updateLiveStreams(List.of(new LiveStream("day/refused", List.of())));

            await("both sessions end with the stream").atMost(Duration.ofSeconds(90))
                    .until(() -> ended.size() == 2 && supervisor.status().recording().isEmpty());

            assertThat(refused).as("the refused start happened").exists();
            List<Segment> first = of(ended.get(0));
            List<Segment> second = of(ended.get(1));
            assertThat(SegmentLayout.day(ended.get(0).start())).isNotEqualTo(SegmentLayout.day(ended.get(1).start()));
            assertThat(first.get(first.size() - 1).end()).isAfter(second.get(0).start());
            assertThat(registry.get("vodrecorder.ffmpeg.restarts").counter().count()).isEqualTo(1);
            for (Segment segment : segments) {
                assertThat(Ffprobe.decodeErrors(segment.file(recordings))).as("%s", segment).isEmpty();
            }
        }
    }

    /** A clock whose UTC day ends {@link #BEFORE_MIDNIGHT} from now, at {@link #midnight}. */
    private Clock dayEndingSoon() {
        Instant now = Instant.now();
        midnight = now.plus(BEFORE_MIDNIGHT).truncatedTo(ChronoUnit.DAYS).plus(1, ChronoUnit.DAYS);
        return Clock.offset(Clock.systemUTC(), Duration.between(now.plus(BEFORE_MIDNIGHT), midnight));
    }

    private List<Segment> of(Session session) {
        return segments.stream()
                .filter(segment -> segment.relativePath().startsWith(session.relativePath() + "/"))
                .toList();
    }

    private RecordingSupervisor supervisor(Clock clock, SimpleMeterRegistry registry) {
        return supervisor(ffmpeg(), stream -> PathCheck.Answer.GONE, clock, registry);
    }

    private RecordingSupervisor supervisor(String ffmpeg, PathCheck check, Clock clock, SimpleMeterRegistry registry) {
        RecordingConfig config = new RecordingConfig(recordings, ffmpeg, 10, Duration.ofSeconds(2), OutputFormat.MP4,
                Duration.ofSeconds(20), Duration.ofSeconds(5), Duration.ofSeconds(30));
        RecordingSupervisor supervisor = new RecordingSupervisor(config, RTSP.server().rtspUrl(), clock,
                new DiskGuard(recordings, 0, DiskSpace.fileStore()), check, registry);
        supervisor.addListener(new SegmentListener() {
            @Override
            public void segmentFinished(Segment segment) {
                segments.add(segment);
            }

            @Override
            public void sessionEnded(Session session) {
                ended.add(session);
            }
        });
        return supervisor;
    }

    private static String ffmpeg() {
        String configured = System.getenv("FFMPEG_PATH");
        return configured == null || configured.isBlank() ? "ffmpeg" : configured;
    }
}
