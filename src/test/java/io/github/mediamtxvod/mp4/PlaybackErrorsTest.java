package io.github.mediamtxvod.mp4;

import static io.github.mediamtxvod.mp4.Fixtures.T0;
import static io.github.mediamtxvod.mp4.Fixtures.at;
import static io.github.mediamtxvod.mp4.Fixtures.seconds;
import static io.github.mediamtxvod.mp4.Fixtures.source;
import static io.github.mediamtxvod.mp4.Fixtures.videoAndAudio;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mediamtxvod.mp4.PlaybackException.Reason;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class PlaybackErrorsTest {
    private static final PlaybackMuxer CAPPED = new PlaybackMuxer(Duration.ofMinutes(10));

    @Test
    void aRangeWithoutMediaIsNoMediaAndWritesNothing() throws Exception {
        List<IndexedSource> sources = List.of(source(1, 0, 10, videoAndAudio(1)), source(2, 40, 10, videoAndAudio(1)));

        for (double start : new double[] {15, -20, 60}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertFails(() -> CAPPED.writeFmp4(sources, at(start), seconds(10), null, out), Reason.NO_MEDIA)
                    .hasMessageContaining("no recorded media between " + at(start) + " and " + at(start + 10))
                    .hasMessageContaining("segment-1 and 1 later segment");
            assertFails(() -> CAPPED.writeMp4(sources, at(start), seconds(10), out), Reason.NO_MEDIA);
            assertThat(out.size()).isZero();
        }
        assertFails(() -> CAPPED.writeMp4(List.of(), T0, seconds(10), new ByteArrayOutputStream()), Reason.NO_MEDIA)
                .hasMessageContaining("in no segments");
    }

    @Test
    void aRangeStartingBeforeTheRecordingStartsAtItsFirstKeyframe() throws Exception {
        List<IndexedSource> sources = List.of(source(1, 0, 10, videoAndAudio(1)));

        MuxResult result = Fixtures.MUXER.writeMp4(sources, at(-5), seconds(7), new ByteArrayOutputStream());

        assertThat(result.firstSample()).isEqualTo(T0);
        // the last audio frame starts before the end (1.984 s) and ends after it
        assertThat(result.end()).isBetween(at(2), at(2 + 1024 / 48_000.0));
    }

    @Test
    void aRangeStartingInAGapStartsAfterIt() throws Exception {
        List<IndexedSource> sources = List.of(source(1, 0, 10, videoAndAudio(1)), source(2, 40, 10, videoAndAudio(1)));

        MuxResult result = Fixtures.MUXER.writeMp4(sources, at(30), seconds(15), new ByteArrayOutputStream());

        assertThat(result.firstSample()).isEqualTo(at(40));
        assertThat(result.sourcesUsed()).isEqualTo(1);
    }

    @Test
    void theDurationMustBePositiveAndWithinTheCap() throws Exception {
        List<IndexedSource> sources = List.of(source(1, 0, 10, videoAndAudio(1)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertFails(() -> CAPPED.writeFmp4(sources, T0, Duration.ofMinutes(11), null, out), Reason.INVALID_REQUEST)
                .hasMessage("duration=660.0 s is over the maximum of 600.0 s; ask for at most 600.0 s and fetch"
                        + " the rest with further requests");
        assertFails(() -> CAPPED.writeMp4(sources, T0, Duration.ZERO, out), Reason.INVALID_REQUEST)
                .hasMessage("duration=0.0 s is not positive; ask for more than 0 seconds");
        assertThat(out.size()).isZero();
    }

    @Test
    void anOriginAfterStartIsRejected() throws Exception {
        List<IndexedSource> sources = List.of(source(1, 0, 10, videoAndAudio(1)));
        Instant start = at(5);

        assertFails(() -> CAPPED.writeFmp4(sources, start, seconds(2), at(6), new ByteArrayOutputStream()),
                Reason.INVALID_REQUEST)
                .hasMessage("origin=" + at(6) + " is after start=" + start + "; origin must be at or before start");
    }

    @Test
    void anIndexThatNoLongerMatchesItsFileIsInconsistent() throws Exception {
        byte[] bytes = SyntheticSegment.write(1, videoAndAudio(1), Duration.ofSeconds(10), Duration.ofSeconds(1));
        FragmentIndex index = FragmentIndex.read(new MemorySource("segment-1", T0, bytes));
        byte[] changed = bytes.clone();
        int tfdt = FragmentIndexTest.indexOf(changed, "tfdt");
        changed[tfdt + 15] += 1; // the first fragment's base decode time
        IndexedSource stale = new IndexedSource(new MemorySource("segment-1", T0, changed), index);

        assertFails(() -> CAPPED.writeFmp4(List.of(stale), T0, seconds(5), null, new ByteArrayOutputStream()),
                Reason.INCONSISTENT_TRACKS)
                .hasMessageContaining("segment-1 (moof at byte " + index.initLength() + ") does not match its index")
                .hasMessageContaining("read the index from the segment again");
    }

    @Test
    void fragmentsNamingAnUnknownTrackAreInconsistent() throws Exception {
        byte[] bytes = SyntheticSegment.write(1, videoAndAudio(1), Duration.ofSeconds(3), Duration.ofSeconds(1));
        int firstMoof = FragmentIndexTest.indexOf(bytes, "moof") - 4;
        int tfhd = FragmentIndexTest.indexOf(bytes, "tfhd");
        bytes[tfhd + 11] = 9; // track id 1 becomes 9

        assertThatThrownBy(() -> FragmentIndex.read(new MemorySource("odd.mp4", T0, bytes)))
                .isInstanceOfSatisfying(PlaybackException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.INCONSISTENT_TRACKS))
                .hasMessage("odd.mp4 (moof at byte " + firstMoof
                        + ") has samples of track 9, which its init section does not declare");
    }

    private interface Call {
        void run() throws Exception;
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertFails(Call call, Reason reason) {
        return assertThatThrownBy(call::run).isInstanceOfSatisfying(PlaybackException.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
