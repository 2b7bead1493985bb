package io.github.mediamtxvod.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.github.mediamtxvod.testing.Ffprobe;
import io.github.mediamtxvod.testing.LogCapture;
import io.github.mediamtxvod.testing.RtspTestServer;
import io.github.mediamtxvod.testing.SharedRtspServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.github.mediamtxvod.mp4.FileSegmentSource;
import io.github.mediamtxvod.mp4.IndexedSource;
import io.github.mediamtxvod.mp4.MuxResult;
import io.github.mediamtxvod.mp4.PlaybackMuxer;
import java.io.OutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
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
    private static final Duration SEGMENT = Duration.ofSeconds(4);

    @RegisterExtension
    static final SharedRtspServer RTSP = new SharedRtspServer();

    @TempDir
    Path recordings;

    private final List<Segment> segments = new CopyOnWriteArrayList<>();
    private final List<Session> ended = new CopyOnWriteArrayList<>();
    private Instant midnight;
    private Clock clock;

    @Test
    void aRecordingThroughMidnightBecomesTwoOverlappingSessionsInTheirOwnDays() throws Exception {
        clock = dayEndingSoon();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RtspTestServer.Publisher publisher = RTSP.server().publish("day/end", RtspTestServer.Shape.AUDIO_VIDEO,
                Duration.ofSeconds(24));
        try (LogCapture recorderLog = LogCapture.of(StreamRecorder.class);
                LogCapture supervisorLog = LogCapture.of(RecordingSupervisor.class);
                RecordingSupervisor supervisor = supervisor(clock, registry)) {
            supervisor.updateLiveStreams(List.of(new LiveStream("day/end", List.of())));

            awaitBothSessions(supervisor, Duration.ofSeconds(90));

            assertThat(publisher.waitForExit(Duration.ofSeconds(5))).isTrue();
            Session before = ended.get(0);
            Session after = ended.get(1);
            assertThat(before.start()).isBefore(midnight);
            // at the first segment FFmpeg begins after midnight (4 s segments), seen within a second
            assertThat(after.start()).isAfterOrEqualTo(midnight).isBefore(midnight.plus(SEGMENT).plusSeconds(3));
            assertThat(before.relativePath()).startsWith("day~2Fend/" + SegmentLayout.day(before.start()) + "/");
            assertThat(after.relativePath()).startsWith("day~2Fend/" + SegmentLayout.day(midnight) + "/");
            assertThat(SegmentLayout.day(before.start())).isNotEqualTo(SegmentLayout.day(midnight));

            List<Segment> first = of(before);
            List<Segment> second = of(after);
            assertThat(first).isNotEmpty();
            assertThat(second).hasSizeGreaterThan(1);
            Segment last = first.get(first.size() - 1);
            // the previous day's FFmpeg is stopped only once the next one records: they overlap, by
            // less than the next session's first segment, which holds whatever the previous one
            // began after it (FFmpeg may begin one more short segment in those seconds)
            assertThat(last.end()).isAfter(second.get(0).start());
            assertThat(last.end()).isBefore(second.get(0).end());
            assertThat(first.get(0).start()).isBefore(second.get(0).start());
            assertDecodeCleanly();
            assertThat(registry.get("vodrecorder.ffmpeg.restarts").counter().count()).isZero();
            assertPlaysAcrossTheDays(first, second);
            assertThat(recorderLog.messages(Level.WARN)).isEmpty();
            assertThat(supervisorLog.messages(Level.WARN)).isEmpty();
            assertThat(recorderLog.messages(Level.INFO)).anyMatch(line -> line.contains("the UTC day ended"));
        }
    }

    @Test
    void whenTheNextDaysFfmpegIsRefusedAfterAWhileThePreviousSessionGoesOnUntilARetryRecords() throws Exception {
        // the first FFmpeg of the new day fails only after 12 s, longer than FFmpeg gets to exit
        // once its output pipe is closed
        Path ffmpeg = refusingFfmpeg(1, 12);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (LogCapture processLog = LogCapture.of(FfmpegProcess.class);
                RecordingSupervisor supervisor = liveWhilePublished("day/refused", Duration.ofSeconds(40), ffmpeg,
                        registry)) {
            awaitBothSessions(supervisor, Duration.ofSeconds(120));

            List<Segment> first = of(ended.get(0));
            List<Segment> second = of(ended.get(1));
            assertThat(SegmentLayout.day(ended.get(0).start())).isNotEqualTo(SegmentLayout.day(ended.get(1).start()));
            // the previous day recorded on through the refused start: still no gap
            assertThat(first.get(first.size() - 1).end()).isAfter(second.get(0).start())
                    .isAfter(midnight.plusSeconds(12));
            assertThat(registry.get("vodrecorder.ffmpeg.restarts").counter().count()).isEqualTo(1);
            assertThat(processLog.messages(Level.WARN)).isEmpty();
            assertDecodeCleanly();
        }
    }

    @Test
    void whenTheNextDaysFfmpegIsRefusedAgainThePreviousSessionIsFinishedFirst() throws Exception {
        // as a path with maxReaders: 1 refuses a second reader
        Path ffmpeg = refusingFfmpeg(StreamRecorder.SUCCESSOR_TRIES, 0);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (LogCapture recorderLog = LogCapture.of(StreamRecorder.class);
                RecordingSupervisor supervisor = liveWhilePublished("day/one-reader", Duration.ofSeconds(24), ffmpeg,
                        registry)) {
            awaitBothSessions(supervisor, Duration.ofSeconds(90));

            List<Segment> first = of(ended.get(0));
            List<Segment> second = of(ended.get(1));
            // the previous session ended before the next one could start: a short gap
            assertThat(Duration.between(first.get(first.size() - 1).end(), second.get(0).start()))
                    .isBetween(Duration.ofMillis(-500), Duration.ofSeconds(6));
            assertThat(recorderLog.messages(Level.WARN))
                    .anyMatch(line -> line.contains("finishing the previous session first"));
            // the last refused start is followed at once by the next day's session, not a restart
            assertThat(registry.get("vodrecorder.ffmpeg.restarts").counter().count())
                    .isEqualTo(StreamRecorder.SUCCESSOR_TRIES - 1);
            assertDecodeCleanly();
        }
    }

    /**
     * An FFmpeg whose first {@code refusals} starts in the new day fail, each after {@code delaySeconds};
     * FFmpeg runs in its session folder, so the script knows the day. Sets the clock up too.
     */
    private Path refusingFfmpeg(int refusals, int delaySeconds) throws IOException {
        clock = dayEndingSoon();
        Path count = recordings.resolve("refused");
        Path script = recordings.resolve("ffmpeg-refusing.sh");
        Files.writeString(script, "#!/bin/sh\n"
                + "case \"$PWD\" in */" + SegmentLayout.day(midnight) + "/*)\n"
                + "  if [ \"$(cat '" + count + "' 2>/dev/null | wc -c)\" -lt " + refusals + " ]; then\n"
                + "    printf x >> '" + count + "'; sleep " + delaySeconds + "\n"
                + "    echo 'Server returned 400 Bad Request (reader limit)' >&2; exit 1; fi;;\n"
                + "esac\n"
                + "exec '" + ffmpeg() + "' \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    /** A supervisor recording {@code stream} while its publisher runs, as MediaMTX answers. */
    private RecordingSupervisor liveWhilePublished(String stream, Duration length, Path ffmpeg,
            SimpleMeterRegistry registry) {
        RtspTestServer.Publisher publisher = RTSP.server().publish(stream, RtspTestServer.Shape.AUDIO_VIDEO, length);
        PathCheck check = name -> publisher.isAlive() ? PathCheck.Answer.LIVE : PathCheck.Answer.GONE;
        RecordingSupervisor supervisor = supervisor(ffmpeg.toString(), check, clock, registry);
        supervisor.updateLiveStreams(List.of(new LiveStream(stream, List.of())));
        return supervisor;
    }

    private void assertDecodeCleanly() {
        for (Segment segment : segments) {
            assertThat(Ffprobe.decodeErrors(segment.file(recordings))).as("%s", segment).isEmpty();
        }
    }

    /** A range over both days, as {@code /get} cuts it, decodes cleanly and holds the overlap once. */
    private void assertPlaysAcrossTheDays(List<Segment> first, List<Segment> second) throws Exception {
        // as /get takes them: a segment the previous session began after the next one began is
        // in the next one too (PlaybackHandler.playedOnce)
        Instant nextBegan = second.get(0).start();
        List<Segment> before = first.stream().filter(segment -> segment.start().isBefore(nextBegan)).toList();
        // from the previous session's last segment played: a session's first segment (jittery
        // timing at its start) is not what this is about
        Segment from = before.get(before.size() - 1);
        List<IndexedSource> sources = new ArrayList<>();
        for (Segment segment : Stream.concat(Stream.of(from), second.stream()).toList()) {
            sources.add(IndexedSource.read(FileSegmentSource.of(segment.file(recordings), segment.start())));
        }
        Instant to = second.get(second.size() - 1).end();
        Path file = recordings.resolve("across-midnight.mp4");
        MuxResult result;
        try (OutputStream out = Files.newOutputStream(file)) {
            result = new PlaybackMuxer(Duration.ofHours(1)).writeMp4(sources, from.start(),
                    Duration.between(from.start(), to), out);
        }
        assertThat(Ffprobe.decodeErrors(file)).isEmpty();
        // the union of both sessions' times: the overlap (a second or two) is not played twice
        Duration union = Duration.between(result.firstSample(), to);
        assertThat(result.duration()).isBetween(union.minusMillis(500), union.plusMillis(500));
    }

    /** A clock whose UTC day ends {@link #BEFORE_MIDNIGHT} from now, at {@link #midnight}. */
    private Clock dayEndingSoon() {
        Instant now = Instant.now();
        midnight = now.plus(BEFORE_MIDNIGHT).truncatedTo(ChronoUnit.DAYS).plus(1, ChronoUnit.DAYS);
        return Clock.offset(Clock.systemUTC(), Duration.between(now.plus(BEFORE_MIDNIGHT), midnight));
    }

    /** Waits until the stream ended both sessions and its recording stopped. */
    private void awaitBothSessions(RecordingSupervisor supervisor, Duration atMost) {
        await("both sessions end with the stream").atMost(atMost)
                .until(() -> ended.size() == 2 && supervisor.status().recording().isEmpty());
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
        RecordingConfig config = new RecordingConfig(recordings, ffmpeg, 10, SEGMENT, OutputFormat.MP4,
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
