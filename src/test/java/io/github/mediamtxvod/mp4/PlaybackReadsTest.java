package io.github.mediamtxvod.mp4;

import static io.github.mediamtxvod.mp4.Fixtures.T0;
import static io.github.mediamtxvod.mp4.Fixtures.at;
import static io.github.mediamtxvod.mp4.Fixtures.seconds;
import static io.github.mediamtxvod.mp4.Fixtures.videoAndAudio;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How outputs read their sources: the reads an object store would see, and when output leaves
 * compared with those reads.
 */
class PlaybackReadsTest {
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private final List<MemorySource> bytes = new ArrayList<>();
    private final List<IndexedSource> sources = new ArrayList<>();

    private void record(int count, int seconds) throws Exception {
        for (int i = 0; i < count; i++) {
            MemorySource source = new MemorySource("segment-" + i, T0.plusSeconds((long) i * seconds),
                    SyntheticSegment.write(i, videoAndAudio(1), Duration.ofSeconds(seconds), Duration.ofSeconds(1)),
                    events);
            sources.add(new IndexedSource(source, FragmentIndex.read(source)));
            source.clearReads();
            bytes.add(source);
        }
        events.clear();
    }

    @Test
    void fmp4ReadsEachFragmentOnceAndWritesBeforeReadingTheNextSegment() throws Exception {
        record(3, 10);
        Logging out = new Logging(events);

        Fixtures.MUXER.writeFmp4(sources, at(2.5), seconds(25), null, out);

        for (int i = 0; i < 3; i++) {
            FragmentIndex index = sources.get(i).index();
            List<long[]> expected = new ArrayList<>();
            // from the keyframe's fragment (2.0 s), the fragment before it holds nothing to write
            for (FragmentIndex.Fragment fragment : index.fragments().subList(i == 0 ? 2 : 0,
                    i == 2 ? 8 : index.fragments().size())) {
                expected.add(new long[] {fragment.moofOffset(), fragment.length()});
            }
            assertThat(bytes.get(i).reads()).as("reads of segment %d", i).containsExactlyElementsOf(expected);
        }
        int firstWrite = events.indexOf("write");
        int secondSegment = indexOfPrefix(events, "read segment-1 ");
        assertThat(firstWrite).isNotNegative().isLessThan(secondSegment);
    }

    @Test
    void mp4ReadsEachMoofThenEachFragmentsSamplesOnce() throws Exception {
        record(3, 10);
        Logging out = new Logging(events);

        Fixtures.MUXER.writeMp4(sources, at(2.5), seconds(25), out);

        long media = 0;
        for (int i = 0; i < 3; i++) {
            List<long[]> reads = bytes.get(i).reads();
            // from the keyframe's fragment: the audio frame that spans the cut, in the fragment
            // before it, does not go out (the output starts with the keyframe)
            List<FragmentIndex.Fragment> fragments = sources.get(i).index().fragments()
                    .subList(i == 0 ? 2 : 0, i == 2 ? 8 : 10);
            assertThat(reads).hasSize(2 * fragments.size());
            for (int f = 0; f < fragments.size(); f++) {
                assertThat(reads.get(f)).containsExactly(fragments.get(f).moofOffset(), fragments.get(f).moofSize());
                long[] samples = reads.get(fragments.size() + f);
                assertThat(samples[0]).isGreaterThanOrEqualTo(fragments.get(f).mdatOffset() + 8);
                assertThat(samples[0] + samples[1]).isLessThanOrEqualTo(fragments.get(f).end());
                media += samples[1];
            }
        }
        // every moof is read before the first byte goes out; media then streams
        int firstWrite = events.indexOf("write");
        assertThat(events.subList(0, firstWrite)).allMatch(event -> event.startsWith("read"))
                .hasSize(events.stream().filter(event -> event.startsWith("read")).toList().size() / 2);
        byte[] file = out.bytes.toByteArray();
        assertThat(OutputSamples.topLevelBoxes(file)).containsExactly("ftyp", "moov", "mdat");
        long payload = file.length - (FragmentIndexTest.indexOf(file, "mdat") + 4);
        // only the first and the last fragment hold samples left out, read through rather than re-requested
        long fragment = sources.get(0).index().fragments().get(1).length();
        assertThat(media).isBetween(payload, payload + 2 * fragment);
    }

    private static int indexOfPrefix(List<String> events, String prefix) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    /** Keeps what is written and logs "write" for each write call. */
    private static final class Logging extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final List<String> events;

        Logging(List<String> events) {
            this.events = events;
        }

        @Override
        public void write(int b) {
            events.add("write");
            bytes.write(b);
        }

        @Override
        public void write(byte[] data, int offset, int length) {
            events.add("write");
            bytes.write(data, offset, length);
        }
    }
}
