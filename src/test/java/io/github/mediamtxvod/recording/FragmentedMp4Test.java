package io.github.mediamtxvod.recording;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FragmentedMp4Test {
    /** Box offsets of the fixture, see src/test/resources/media/README.md. */
    private static final int MOOV_END = 1252;
    private static final int FIRST_FRAGMENT_END = 16352;
    private static final int SECOND_FRAGMENT_END = 31379;
    private static final int LAST_FRAGMENT_END = 48078;

    private static byte[] fixture;

    @TempDir
    Path dir;

    @BeforeAll
    static void loadFixture() throws IOException {
        fixture = fixtureBytes();
    }

    static byte[] fixtureBytes() throws IOException {
        try (InputStream in = FragmentedMp4Test.class.getResourceAsStream("/media/fragmented-3s.mp4")) {
            assertThat(in).as("test fixture media/fragmented-3s.mp4").isNotNull();
            return in.readAllBytes();
        }
    }

    @Test
    void readsTheDurationOfAFragmentedMp4() throws IOException {
        assertThat(fixture).hasSizeGreaterThan(LAST_FRAGMENT_END);

        Optional<Duration> duration = FragmentedMp4.duration(write("full.mp4", fixture));

        assertThat(duration).isPresent();
        assertThat(duration.get().toMillis()).isBetween(2900L, 3100L);
    }

    @Test
    void aFileCutInsideTheHeaderHasNoDuration() throws IOException {
        for (int cut : new int[] {0, 1, 7, 8, 9, 27, 28, 36, 600, MOOV_END - 1, MOOV_END, MOOV_END + 8}) {
            assertThat(durationOfPrefix(cut)).as("cut at %d", cut).isEmpty();
        }
    }

    @Test
    void aFragmentWithoutItsWholeMdatDoesNotCount() throws IOException {
        assertThat(durationOfPrefix(FIRST_FRAGMENT_END - 1)).isEmpty();
        Duration one = durationOfPrefix(FIRST_FRAGMENT_END).orElseThrow();
        assertThat(durationOfPrefix(SECOND_FRAGMENT_END - 1)).contains(one);
    }

    @Test
    void aFileCutInTheMiddleIsShorterNeverLonger() throws IOException {
        Duration full = FragmentedMp4.duration(write("full.mp4", fixture)).orElseThrow();
        Duration one = durationOfPrefix(FIRST_FRAGMENT_END).orElseThrow();
        Duration two = durationOfPrefix(SECOND_FRAGMENT_END).orElseThrow();

        assertThat(one.toMillis()).isBetween(900L, 1100L);
        assertThat(two.toMillis()).isBetween(1900L, 2100L);
        assertThat(durationOfPrefix(LAST_FRAGMENT_END)).contains(full);

        Duration previous = Duration.ZERO;
        for (int cut = 0; cut <= fixture.length; cut += 499) {
            Optional<Duration> duration = durationOfPrefix(cut);
            Duration value = duration.orElse(Duration.ZERO);
            assertThat(value).as("cut at %d", cut).isLessThanOrEqualTo(full).isGreaterThanOrEqualTo(previous);
            previous = value;
        }
    }

    @Test
    void aFileThatIsNotMp4HasNoDuration() throws IOException {
        Random random = new Random(99);
        byte[] noise = new byte[64 * 1024];
        random.nextBytes(noise);
        byte[] zeros = new byte[4096];
        List<byte[]> inputs = List.of(
                new byte[0],
                "hello".getBytes(UTF_8),
                "{\"stream\":\"cam\",\"sessionStart\":\"2024-01-01T00:00:00Z\"}\n".getBytes(UTF_8),
                "segment_000.mp4,0.0,10.0\n".repeat(100).getBytes(UTF_8),
                noise,
                zeros,
                new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'},
                new byte[] {0x47, 0x40, 0x00, 0x10, 0x00, 0x00, (byte) 0xb0, 0x0d});
        for (byte[] input : inputs) {
            assertThat(FragmentedMp4.duration(write("not.mp4", input))).isEmpty();
        }
    }

    @Test
    void randomNoiseNeverThrows() throws IOException {
        Random random = new Random(2024);
        for (int i = 0; i < 100; i++) {
            byte[] noise = new byte[random.nextInt(2048)];
            random.nextBytes(noise);
            // plausible box headers make the parser go deeper than pure noise would
            byte[] file = concat(box("ftyp", "isom".getBytes(US_ASCII)), boxWithSize(noise.length + 8, "moov", noise));
            FragmentedMp4.duration(write("noise.mp4", file));
            FragmentedMp4.duration(write("noise.mp4", concat(moov(1000, 40), boxWithSize(noise.length + 8, "moof", noise),
                    box("mdat", new byte[16]))));
        }
    }

    @Test
    void aBoxClaimingAHugeSizeIsNotRead() throws IOException {
        byte[] ftyp = box("ftyp", "isom".getBytes(US_ASCII));
        byte[] huge32 = concat(ftyp, boxWithSize(0xFFFF_FFF0L, "moov", new byte[32]));
        assertThat(FragmentedMp4.duration(write("huge32.mp4", huge32))).isEmpty();

        for (long size : new long[] {Long.MAX_VALUE, Long.MAX_VALUE - 20, -1L, Long.MIN_VALUE, 1L << 40}) {
            byte[] huge64 = concat(ftyp, largeBox(size, "moov", new byte[32]));
            assertThat(FragmentedMp4.duration(write("huge64.mp4", huge64))).as("size %d", size).isEmpty();
        }
    }

    @Test
    void aBoxReachingToTheEndOfABigSparseFileIsReadOnlyInPart() throws IOException {
        Path file = dir.resolve("sparse.mp4");
        long size = 1L << 30;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write(box("ftyp", "isom".getBytes(US_ASCII)));
            raf.writeInt(0); // size 0: the box reaches to the end of the file
            raf.write("moov".getBytes(US_ASCII));
            raf.setLength(size);
        }

        assertThat(FragmentedMp4.duration(file)).isEmpty();
    }

    @Test
    void readsASyntheticFileWithTrexDefaults() throws IOException {
        byte[] fragment = concat(
                box("moof", box("traf",
                        fullBox("tfhd", 0, 0, ints(1)),
                        fullBox("tfdt", 1, 0, longs(0)),
                        fullBox("trun", 0, 0, ints(25)))),
                box("mdat", new byte[100]));
        byte[] file = concat(box("ftyp", "isom".getBytes(US_ASCII)), moov(1000, 40), fragment);

        assertThat(FragmentedMp4.duration(write("trex.mp4", file))).contains(Duration.ofSeconds(1));
    }

    @Test
    void readsTfhdDefaultsAndPerSampleDurations() throws IOException {
        // tfhd with base data offset (0x01), sample description index (0x02) and default duration (0x08)
        byte[] tfhd = fullBox("tfhd", 0, 0x0B, concat(ints(1), longs(0), ints(1), ints(20)));
        byte[] first = concat(
                box("moof", box("traf", tfhd, fullBox("tfdt", 0, 0, ints(1000)), fullBox("trun", 0, 0x001, ints(50, 0)))),
                box("mdat", new byte[8]));
        // trun with data offset, first sample flags, and per-sample duration + size
        byte[] samples = ints(3, 0, 0, 100, 11, 200, 22, 700, 33);
        byte[] second = concat(
                box("moof", box("traf", fullBox("tfhd", 0, 0, ints(1)), fullBox("tfdt", 0, 0, ints(2000)),
                        fullBox("trun", 0, 0x305, samples))),
                box("mdat", new byte[8]));
        byte[] file = concat(box("ftyp", "isom".getBytes(US_ASCII)), moov(1000, 40), first, second);

        // 1000 .. 3000 ticks at 1000 per second
        assertThat(FragmentedMp4.duration(write("tfhd.mp4", file))).contains(Duration.ofSeconds(2));
    }

    @Test
    void aMoovWithMalformedChildrenHasNoDurationAndDoesNotThrow() throws IOException {
        byte[] ftyp = box("ftyp", "isom".getBytes(US_ASCII));
        byte[] fragment = concat(
                box("moof", box("traf", fullBox("tfhd", 0, 0, ints(1)), fullBox("tfdt", 0, 0, ints(0)),
                        fullBox("trun", 0, 0, ints(25)))),
                box("mdat", new byte[8]));
        List<byte[]> moovs = List.of(
                box("moov", box("trak", box("tkhd", new byte[2]))),
                box("moov", box("trak", fullBox("tkhd", 0, 0, ints(0, 0, 1)), box("mdia", box("mdhd", new byte[6])))),
                box("moov", box("trak", box("tkhd", new byte[] {1, 0, 0, 0, 0}))),
                box("moov", box("mvex", box("trex", new byte[4]))));
        for (byte[] moov : moovs) {
            assertThat(FragmentedMp4.duration(write("bad.mp4", concat(ftyp, moov, fragment)))).isEmpty();
        }
    }

    @Test
    void aMoofWithMalformedChildrenDoesNotThrow() throws IOException {
        byte[] head = concat(box("ftyp", "isom".getBytes(US_ASCII)), moov(1000, 40));
        List<byte[]> trafs = List.of(
                box("traf", box("tfhd", new byte[3])),
                box("traf", fullBox("tfhd", 0, 0x08, ints(1)), fullBox("tfdt", 0, 0, ints(0)), fullBox("trun", 0, 0, ints(1))),
                box("traf", fullBox("tfhd", 0, 0, ints(1)), box("tfdt", new byte[1])),
                box("traf", fullBox("tfhd", 0, 0, ints(1)), fullBox("tfdt", 1, 0, ints(0)), fullBox("trun", 0, 0, ints(1))),
                box("traf", fullBox("tfhd", 0, 0, ints(1)), fullBox("tfdt", 0, 0, ints(0)), box("trun", new byte[5])),
                box("traf", fullBox("tfhd", 0, 0, ints(1)), fullBox("tfdt", 0, 0, ints(0)), fullBox("trun", 0, 0x005, ints(3))));
        for (byte[] traf : trafs) {
            byte[] file = concat(head, box("moof", traf), box("mdat", new byte[8]));
            FragmentedMp4.duration(write("bad.mp4", file));
        }
    }

    private Optional<Duration> durationOfPrefix(int length) throws IOException {
        return FragmentedMp4.duration(write("cut.mp4", Arrays.copyOf(fixture, length)));
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    /** A moov for track 1 with the given timescale and trex default sample duration. */
    private static byte[] moov(int timescale, int defaultDuration) {
        return box("moov",
                box("trak",
                        fullBox("tkhd", 0, 3, ints(0, 0, 1, 0, 0)),
                        box("mdia", fullBox("mdhd", 0, 0, ints(0, 0, timescale, 0, 0)))),
                box("mvex", fullBox("trex", 0, 0, ints(1, 1, defaultDuration, 0, 0))));
    }

    static byte[] box(String type, byte[]... children) {
        byte[] body = concat(children);
        return boxWithSize(body.length + 8L, type, body);
    }

    private static byte[] fullBox(String type, int version, int flags, byte[] body) {
        return box(type, ints((version << 24) | flags), body);
    }

    private static byte[] boxWithSize(long size, String type, byte[] body) {
        return concat(ints((int) size), type.getBytes(US_ASCII), body);
    }

    private static byte[] largeBox(long size, String type, byte[] body) {
        return concat(ints(1), type.getBytes(US_ASCII), longs(size), body);
    }

    private static byte[] ints(int... values) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.length);
        for (int value : values) {
            buffer.putInt(value);
        }
        return buffer.array();
    }

    private static byte[] longs(long... values) {
        ByteBuffer buffer = ByteBuffer.allocate(8 * values.length);
        for (long value : values) {
            buffer.putLong(value);
        }
        return buffer.array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
