package io.github.mediamtxvod.mp4;

import static io.github.mediamtxvod.mp4.Fixtures.at;
import static io.github.mediamtxvod.mp4.Fixtures.source;
import static io.github.mediamtxvod.mp4.Fixtures.videoAndAudio;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KeyframeLocatorTest {
    @Test
    void findsTheNearestKeyframeAcrossSegments() throws Exception {
        List<IndexedSource> sources = List.of(source(1, 0, 8, videoAndAudio(4)), source(2, 8, 8, videoAndAudio(4)));

        Keyframe early = KeyframeLocator.nearest(sources, at(5.9)).orElseThrow();
        Keyframe late = KeyframeLocator.nearest(sources, at(6.1)).orElseThrow();

        assertThat(early.time()).isEqualTo(at(4));
        assertThat(early.source()).isSameAs(sources.get(0));
        assertThat(early.sampleIndex()).isZero();
        assertThat(late.time()).isEqualTo(at(8));
        assertThat(late.source()).isSameAs(sources.get(1));
        assertThat(late.track().isVideo()).isTrue();
        assertThat(late.sampleSize()).isEqualTo(SyntheticSegment.size(true));
        assertThat(KeyframeLocator.nearest(sources, at(1000)).orElseThrow().time()).isEqualTo(at(12));
    }

    @Test
    void writesAOneFrameFragmentedMp4() throws Exception {
        List<IndexedSource> sources = List.of(source(1, 0, 8, videoAndAudio(4)));
        Keyframe keyframe = KeyframeLocator.nearest(sources, at(3.5)).orElseThrow();
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        KeyframeLocator.writeStill(keyframe, out);

        List<OutputSamples.Sample> samples = OutputSamples.fmp4(out.toByteArray());
        assertThat(samples).singleElement().satisfies(sample -> {
            assertThat(sample.sync()).isTrue();
            assertThat(sample.number()).isEqualTo(100);
            assertThat(sample.dts()).isZero();
        });
    }

    @Test
    void audioOnlyRecordingsHaveNoKeyframe() throws Exception {
        List<IndexedSource> sources = List.of(source(1, 0, 8, List.of(SyntheticSegment.audio())));

        Optional<Keyframe> keyframe = KeyframeLocator.nearest(sources, at(3));

        assertThat(keyframe).isEmpty();
    }
}
