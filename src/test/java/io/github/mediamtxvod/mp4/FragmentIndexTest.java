package io.github.mediamtxvod.mp4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FragmentIndexTest {
    /** Box offsets of the fixture, see src/test/resources/media/README.md. */
    private static final int MOOV_END = 1252;
    private static final int SECOND_FRAGMENT = 16352;
    private static final int THIRD_FRAGMENT = 31379;
    private static final int LAST_FRAGMENT_END = 48078;
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

    private static byte[] fixture;

    @BeforeAll
    static void loadFixture() throws IOException {
        try (InputStream in = FragmentIndexTest.class.getResourceAsStream("/media/fragmented-3s.mp4")) {
            assertThat(in).as("test fixture media/fragmented-3s.mp4").isNotNull();
            fixture = in.readAllBytes();
        }
    }

    @Test
    void indexesFfmpegsFragmentedMp4() throws Exception {
        FragmentIndex index = FragmentIndex.read(new MemorySource("fixture", T0, fixture));

        assertThat(index.initLength()).isEqualTo(MOOV_END);
        assertThat(index.completeLength()).isEqualTo(LAST_FRAGMENT_END);
        assertThat(index.tracks()).extracting(TrackInfo::handler, TrackInfo::codec)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("vide", "avc1"),
                        org.assertj.core.groups.Tuple.tuple("soun", "mp4a"));
        assertThat(index.primaryTrack().id()).isEqualTo(1);
        assertThat(index.fragments()).extracting(FragmentIndex.Fragment::moofOffset)
                .containsExactly((long) MOOV_END, (long) SECOND_FRAGMENT, (long) THIRD_FRAGMENT);
        for (FragmentIndex.Fragment fragment : index.fragments()) {
            FragmentIndex.TrackRun video = fragment.run(1).orElseThrow();
            assertThat(video.firstSampleSync()).isTrue();
            assertThat(video.syncSamples()).hasSize(1);
            // FFmpeg gives the first frame a longer duration (786 ticks instead of 512 at 12800/s)
            assertThat(index.durationOf(fragment).toMillis()).isBetween(990L, 1030L);
            assertThat(fragment.run(2).orElseThrow().allSync()).isTrue();
        }
        assertThat(index.offsetOf(index.fragments().get(2))).isEqualTo(Duration.ofNanos(2_021_406_250));
        assertThat(index.duration().toMillis()).isBetween(3000L, 3100L);
        assertThat(index.tracks().get(0).sampleDescription()).startsWith(0, 0, 0).contains((byte) 's', (byte) 't');
    }

    @Test
    void readsOnlyHeadersWithAboutOneRangePerFragment() throws Exception {
        byte[] segment = SyntheticSegment.write(1, List.of(SyntheticSegment.video(1), SyntheticSegment.audio()),
                Duration.ofSeconds(60), Duration.ofSeconds(1));
        MemorySource source = new MemorySource("synthetic", T0, segment);

        FragmentIndex index = FragmentIndex.read(source);

        assertThat(index.fragments()).hasSize(60);
        assertThat(source.reads()).hasSizeLessThanOrEqualTo(index.fragments().size() + 2);
        long headers = index.initLength();
        for (FragmentIndex.Fragment fragment : index.fragments()) {
            headers += fragment.moofSize() + 16;
        }
        // read-ahead costs a few kilobytes per fragment, never the media
        assertThat(source.bytesRead()).isLessThan(headers + 60L * 8 * 1024);
    }

    @Test
    void roundTripsThroughItsBinaryForm() throws Exception {
        for (byte[] segment : List.of(fixture, SyntheticSegment.write(7, List.of(SyntheticSegment.video(4),
                SyntheticSegment.audio()), Duration.ofSeconds(10), Duration.ofSeconds(1)))) {
            FragmentIndex index = FragmentIndex.read(new MemorySource("segment", T0, segment));

            byte[] bytes = index.toBytes();
            FragmentIndex back = FragmentIndex.fromBytes(bytes);

            assertThat(back.initLength()).isEqualTo(index.initLength());
            assertThat(back.completeLength()).isEqualTo(index.completeLength());
            assertThat(back.tracks()).isEqualTo(index.tracks());
            assertThat(back.fragments()).isEqualTo(index.fragments());
            assertThat(back.toBytes()).isEqualTo(bytes);
            int descriptions = 0;
            for (TrackInfo track : index.tracks()) {
                descriptions += track.sampleDescription().length;
            }
            assertThat(bytes.length).isLessThan(100 + descriptions + 40 * index.fragments().size());
        }
    }

    @Test
    void aTornLastFragmentIsLeftOut() throws Exception {
        for (int cut : new int[] {THIRD_FRAGMENT + 4, THIRD_FRAGMENT + 300, THIRD_FRAGMENT + 700,
            LAST_FRAGMENT_END - 1}) {
            FragmentIndex index = FragmentIndex.read(new MemorySource("torn", T0, Arrays.copyOf(fixture, cut)));

            assertThat(index.fragments()).as("cut at %d", cut).hasSize(2);
            assertThat(index.completeLength()).as("cut at %d", cut).isEqualTo(THIRD_FRAGMENT);
        }
    }

    @Test
    void aHeaderOnlyFileHasNoFragments() throws Exception {
        FragmentIndex index = FragmentIndex.read(new MemorySource("header", T0, Arrays.copyOf(fixture, MOOV_END)));

        assertThat(index.fragments()).isEmpty();
        assertThat(index.completeLength()).isEqualTo(MOOV_END);
        assertThat(index.duration()).isEqualTo(Duration.ZERO);
    }

    @Test
    void rejectsWhatIsNotAFragmentedMp4() {
        byte[] noise = new byte[4096];
        new java.util.Random(1).nextBytes(noise);
        assertUnsupported(noise, "does not start with an ftyp box");
        assertUnsupported(Arrays.copyOf(fixture, 100), "has no moov box");
        // a moov without mvex: rename the box so the parser does not see it
        byte[] plain = fixture.clone();
        int mvex = indexOf(plain, "mvex");
        plain[mvex] = 'x';
        assertUnsupported(plain, "is not a fragmented MP4 (its moov has no mvex)");
    }

    @Test
    void rejectsACorruptCachedIndex() throws Exception {
        byte[] bytes = FragmentIndex.read(new MemorySource("fixture", T0, fixture)).toBytes();
        byte[] otherVersion = bytes.clone();
        otherVersion[4] = 99;

        for (byte[] corrupt : List.of(new byte[0], Arrays.copyOf(bytes, bytes.length - 3), otherVersion,
                Arrays.copyOf(bytes, bytes.length + 1))) {
            assertThatThrownBy(() -> FragmentIndex.fromBytes(corrupt))
                    .isInstanceOfSatisfying(PlaybackException.class,
                            e -> assertThat(e.reason()).isEqualTo(PlaybackException.Reason.UNSUPPORTED_INPUT))
                    .hasMessageContaining("the cached fragment index cannot be read");
        }
    }

    private static void assertUnsupported(byte[] bytes, String message) {
        assertThatThrownBy(() -> FragmentIndex.read(new MemorySource("bad.mp4", T0, bytes)))
                .isInstanceOfSatisfying(PlaybackException.class,
                        e -> assertThat(e.reason()).isEqualTo(PlaybackException.Reason.UNSUPPORTED_INPUT))
                .hasMessageContaining("bad.mp4")
                .hasMessageContaining(message);
    }

    static int indexOf(byte[] data, String type) {
        byte[] code = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int i = 0; i + 4 <= data.length; i++) {
            if (Arrays.equals(data, i, i + 4, code, 0, 4)) {
                return i;
            }
        }
        throw new AssertionError(type + " not found");
    }
}
