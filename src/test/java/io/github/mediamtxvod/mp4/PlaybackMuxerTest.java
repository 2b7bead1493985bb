package io.github.mediamtxvod.mp4;

import static io.github.mediamtxvod.mp4.Fixtures.T0;
import static io.github.mediamtxvod.mp4.Fixtures.at;
import static io.github.mediamtxvod.mp4.Fixtures.fmp4;
import static io.github.mediamtxvod.mp4.Fixtures.mp4;
import static io.github.mediamtxvod.mp4.Fixtures.source;
import static io.github.mediamtxvod.mp4.Fixtures.track;
import static io.github.mediamtxvod.mp4.Fixtures.videoAndAudio;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.mp4.OutputSamples.Sample;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlaybackMuxerTest {
    @Test
    void startsAtTheLastKeyframeAtOrBeforeStartAndStopsBeforeTheEnd() throws Exception {
        // 4 s GOPs, 1 s fragments: the fragment holding 6.5 s starts on a non-keyframe
        List<IndexedSource> sources = List.of(source(1, 0, 20, videoAndAudio(4)));

        List<Sample> samples = OutputSamples.fmp4(fmp4(sources, 6.5, 3, null));

        List<Sample> video = track(samples, 1);
        assertThat(video.get(0).sync()).isTrue();
        assertThat(video.get(0).number()).isEqualTo(100); // 4.0 s, the keyframe before 6.5 s
        assertThat(video.get(video.size() - 1).number()).isEqualTo(237); // 9.48 s; 9.52 s is at the end
        assertThat(video).extracting(Sample::number).isEqualTo(range(100, 238));
        List<Sample> audio = track(samples, 2);
        // 188 × 1024 / 48000 = 4.011 s: the first frame that starts at the keyframe or after it; the
        // one that contains the cut (187, from 3.989 s) would put the video's frame grid off time 0
        assertThat(audio.get(0).number()).isEqualTo(188);
        assertThat(audio.get(audio.size() - 1).number()).isEqualTo(445);
        // time 0 is the earliest sample written: the keyframe
        assertThat(video.get(0).dts()).isZero();
        assertThat(audio.get(0).dts()).isEqualTo(188 * 1024 - 4 * 48_000);
        assertThat(samples).allMatch(sample -> sample.tag() == 1 && sample.payloadTrack() == sample.trackId());
    }

    @Test
    void aKeyframeExactlyAtStartIsTheCut() throws Exception {
        List<IndexedSource> sources = List.of(source(1, 0, 20, videoAndAudio(4)));

        assertThat(track(OutputSamples.fmp4(fmp4(sources, 8, 2, null)), 1).get(0).number()).isEqualTo(200);
        assertThat(track(OutputSamples.fmp4(fmp4(sources, 7.999, 2, null)), 1).get(0).number()).isEqualTo(100);
    }

    @Test
    void plainMp4HoldsTheSameSamplesWithTheMoovFirst() throws Exception {
        List<IndexedSource> sources = List.of(source(1, 0, 20, videoAndAudio(4)));

        byte[] file = mp4(sources, 6.5, 3);

        assertThat(OutputSamples.topLevelBoxes(file)).containsExactly("ftyp", "moov", "mdat");
        List<Sample> fragmented = OutputSamples.fmp4(fmp4(sources, 6.5, 3, null));
        List<Sample> plain = OutputSamples.mp4(file);
        for (int trackId : new int[] {1, 2}) {
            assertThat(track(plain, trackId)).extracting(Sample::number, Sample::sync)
                    .isEqualTo(track(fragmented, trackId).stream()
                            .map(sample -> org.assertj.core.groups.Tuple.tuple(sample.number(), sample.sync()))
                            .toList());
        }
        // each track's table starts at 0; the later start of the video is an edit list delay
        assertThat(track(plain, 1).get(0).dts()).isZero();
        assertThat(track(plain, 1).get(1).dts()).isEqualTo(3600);
    }

    @Test
    void audioOnlyStartsAtTheSampleContainingStart() throws Exception {
        List<IndexedSource> sources = List.of(source(1, 0, 10, List.of(SyntheticSegment.audio())));

        for (byte[] file : List.of(fmp4(sources, 1.5, 2, null), mp4(sources, 1.5, 2))) {
            List<Sample> samples = file.length > 0 && OutputSamples.topLevelBoxes(file).contains("moof")
                    ? OutputSamples.fmp4(file) : OutputSamples.mp4(file);
            assertThat(samples.get(0).number()).isEqualTo(70); // 1.4933 s to 1.5147 s
            assertThat(samples.get(0).dts()).isZero();
            // 164 starts at 3.4987 s, before the end at 3.5 s; 165 at 3.52 s
            assertThat(samples.get(samples.size() - 1).number()).isEqualTo(164);
        }
    }

    @Test
    void originNumbersTheTimelineFromItsInstant() throws Exception {
        List<IndexedSource> sources = List.of(source(1, 0, 20, videoAndAudio(4)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        MuxResult result = Fixtures.MUXER.writeFmp4(sources, at(6.5), Fixtures.seconds(3), T0, out);

        assertThat(result.origin()).isEqualTo(T0);
        assertThat(track(OutputSamples.fmp4(out.toByteArray()), 1).get(0).dts()).isEqualTo(4 * 90_000);
    }

    @Test
    void anOriginAfterTheCutIsMovedBackToIt() throws Exception {
        List<IndexedSource> sources = List.of(source(1, 0, 20, videoAndAudio(4)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        MuxResult result = Fixtures.MUXER.writeFmp4(sources, at(6.5), Fixtures.seconds(3), at(6), out);

        // the keyframe at 4 s, the first sample written
        assertThat(result.origin()).isEqualTo(result.firstSample()).isEqualTo(at(4));
        assertThat(track(OutputSamples.fmp4(out.toByteArray()), 1).get(0).dts()).isZero();
    }

    @Test
    void laterSessionsFollowWithoutTheGap() throws Exception {
        List<IndexedSource> sources = List.of(source(1, 0, 10, videoAndAudio(1)), source(2, 40, 10, videoAndAudio(1)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        MuxResult result = Fixtures.MUXER.writeFmp4(sources, at(5), Fixtures.seconds(50), null, out);

        List<Sample> video = track(OutputSamples.fmp4(out.toByteArray()), 1);
        Sample lastOfFirst = video.stream().filter(sample -> sample.tag() == 1).reduce((a, b) -> b).orElseThrow();
        Sample firstOfSecond = video.stream().filter(sample -> sample.tag() == 2).findFirst().orElseThrow();
        // the second source's video goes on one frame after the first one's last frame, to the tick
        assertThat(firstOfSecond.dts() - lastOfFirst.dts()).isEqualTo(3600);
        assertThat(result.sourcesUsed()).isEqualTo(2);
        assertThat(result.skippedGaps().toMillis()).isBetween(29_990L, 30_000L);
        assertThat(result.duration().toMillis()).isBetween(15_000L, 15_030L);
        assertThat(result.endedAtLayoutChange()).isFalse();
    }

    @Test
    void aSessionOverlappingThePreviousOneAtTheChangeOfDayIsPlayedOnceFromWhereItStarts() throws Exception {
        // the next day's session starts 8.4 s into the previous one's last 10 s segment
        List<IndexedSource> sources = List.of(source(1, 0, 10, videoAndAudio(1)), source(2, 8.4, 10, videoAndAudio(1)));

        for (byte[] file : List.of(fmp4(sources, 5, 20, null), mp4(sources, 5, 20))) {
            List<Sample> samples = OutputSamples.topLevelBoxes(file).contains("moof") ? OutputSamples.fmp4(file)
                    : OutputSamples.mp4(file);
            List<Sample> video = track(samples, 1);
            List<Sample> audio = track(samples, 2);
            // the first source up to its last frame before 8.4 s (frame 210), then all of the second
            assertThat(video.stream().filter(sample -> sample.tag() == 1).map(Sample::number).toList())
                    .isEqualTo(range(125, 210));
            assertThat(video.stream().filter(sample -> sample.tag() == 2).map(Sample::number).toList())
                    .isEqualTo(range(0, 250));
            for (int i = 1; i < video.size(); i++) {
                assertThat(video.get(i).dts() - video.get(i - 1).dts()).as("video sample %d", i).isEqualTo(3600);
            }
            assertThat(audio.stream().filter(sample -> sample.tag() == 1))
                    .allMatch(sample -> sample.number() * 1024L < (long) (8.4 * 48_000));
            int audioJoin = indexOfFirst(audio, 2);
            for (int i = 1; i < audio.size(); i++) {
                assertThat(audio.get(i).dts()).as("audio sample %d", i).isGreaterThan(audio.get(i - 1).dts());
            }
            Sample videoJoin = video.stream().filter(sample -> sample.tag() == 2).findFirst().orElseThrow();
            assertThat(skew(audio.get(audioJoin + 1), videoJoin)).isEqualTo(skew(audio.get(0), video.get(0)));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MuxResult result = Fixtures.MUXER.writeFmp4(sources, at(5), Fixtures.seconds(20), null, out);
        // from the audio frame holding 5 s (4.9867 s) to 18.4 s, the overlap counted once
        assertThat(result.duration().toMillis()).isBetween(13_405L, 13_420L);
    }

    @Test
    void anOverlapWithinRoundingLeavesTheEarlierSourceWhole() throws Exception {
        List<IndexedSource> sources = List.of(source(1, 0, 10, videoAndAudio(1)), source(2, 9.7, 10, videoAndAudio(1)));

        List<Sample> video = track(OutputSamples.fmp4(fmp4(sources, 5, 20, null)), 1);

        assertThat(video.stream().filter(sample -> sample.tag() == 1).map(Sample::number).toList())
                .isEqualTo(range(125, 250));
        assertThat(video.stream().filter(sample -> sample.tag() == 2)).hasSize(250);
    }

    @Test
    void laterSourcesKeepTheVideoOnItsFrameGridAndTheAudioInSync() throws Exception {
        // the first source's audio (469 frames, 10.0053 s) outlasts its video (10 s); the second
        // source starts 30.0123 s later, a wall-clock distance that is no multiple of a frame
        List<IndexedSource> sources = List.of(source(1, 0, 10, videoAndAudio(1)),
                source(2, 40.0123, 10, videoAndAudio(1)));

        for (byte[] file : List.of(fmp4(sources, 5, 50, null), mp4(sources, 5, 50))) {
            List<Sample> samples = OutputSamples.topLevelBoxes(file).contains("moof") ? OutputSamples.fmp4(file)
                    : OutputSamples.mp4(file);
            List<Sample> video = track(samples, 1);
            List<Sample> audio = track(samples, 2);
            // every frame one frame duration after the one before, across the join too
            for (int i = 1; i < video.size(); i++) {
                assertThat(video.get(i).dts() - video.get(i - 1).dts()).as("video sample %d", i).isEqualTo(3600);
            }
            Sample videoJoin = video.stream().filter(sample -> sample.tag() == 2).findFirst().orElseThrow();
            int audioJoin = indexOfFirst(audio, 2);
            // the overlapping audio frame starts where the first source's last one ends, shortened...
            assertThat(audio.get(audioJoin).dts() - audio.get(audioJoin - 1).dts()).isEqualTo(1024);
            // ...so the next one is as far from the second source's first frame as in the source
            assertThat(audio.get(audioJoin + 1).number()).isEqualTo(1);
            assertThat(skew(audio.get(audioJoin + 1), videoJoin)).isEqualTo(skew(audio.get(0), video.get(0)));
            for (int i = audioJoin + 2; i < audio.size(); i++) {
                assertThat(audio.get(i).dts() - audio.get(i - 1).dts()).as("audio sample %d", i).isEqualTo(1024);
            }
        }
    }

    /**
     * How much later an audio sample is shown against a video sample than in their source (both
     * numbered from the source's start), in units of 1 / (48,000 × 90,000) s. A plain MP4 moves a
     * track as a whole with its edit list, so only differences of skews are comparable.
     */
    private static long skew(Sample audio, Sample video) {
        long output = audio.dts() * 90_000 - video.dts() * 48_000;
        long source = audio.number() * 1024L * 90_000 - video.number() * 3600L * 48_000;
        return output - source;
    }

    private static int indexOfFirst(List<Sample> samples, int tag) {
        for (int i = 0; i < samples.size(); i++) {
            if (samples.get(i).tag() == tag) {
                return i;
            }
        }
        throw new AssertionError("no sample of segment " + tag);
    }

    @Test
    void aSourceWithOtherCodecParametersEndsTheOutputBeforeIt() throws Exception {
        SyntheticSegment.Track otherVideo = new SyntheticSegment.Track(1, "vide", 90_000, 3_600, 25, 0, "video-b");
        IndexedSource first = source(1, 0, 10, videoAndAudio(1));
        IndexedSource second = source(2, 10, 10, List.of(otherVideo, SyntheticSegment.audio()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        MuxResult result = Fixtures.MUXER.writeFmp4(List.of(first, second), at(5), Fixtures.seconds(10), null, out);

        assertThat(result.endedAtLayoutChange()).isTrue();
        assertThat(OutputSamples.fmp4(out.toByteArray())).allMatch(sample -> sample.tag() == 1);
        // starting inside the second source, its layout is the one kept
        assertThat(OutputSamples.fmp4(fmp4(List.of(first, second), 12, 3, null)))
                .allMatch(sample -> sample.tag() == 2);
    }

    private static List<Integer> range(int from, int to) {
        return java.util.stream.IntStream.range(from, to).boxed().toList();
    }
}
