package io.github.mediamtxvod.recording;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.testing.Ffprobe;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FragmentedMp4Test {
    /** Box offsets of the fixture, see src/test/resources/media/README.md. */
    private static final int MOOV_END = 1252;
    private static final int[] FRAGMENT_ENDS = {16352, 31379, 48078};
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
    void aFileFfmpegFinishedIsLeftAsItIs() throws IOException {
        Path file = write("full.mp4", fixture);

        assertThat(FragmentedMp4.finished(file)).isTrue();
        FragmentedMp4.Settled settled = FragmentedMp4.settle(file);

        assertThat(settled.kind()).isEqualTo(FragmentedMp4.Kind.FINISHED);
        assertThat(settled.removedBytes()).isZero();
        assertThat(settled.duration().toMillis()).isBetween(2900L, 3100L);
        assertThat(Files.readAllBytes(file)).isEqualTo(fixture);
    }

    @Test
    void aFileCutAnywhereIsTrimmedToItsLastCompleteFragmentOrFoundEmpty() throws IOException {
        TreeSet<Integer> cuts = new TreeSet<>();
        for (int boundary : boundaries(fixture)) {
            for (int delta : new int[] {-1, 0, 1, 7, 8, 9, 15, 16, 17}) {
                cuts.add(Math.clamp(boundary + delta, 0, fixture.length));
            }
        }
        Random random = new Random(5);
        for (int i = 0; i < 120; i++) {
            cuts.add(random.nextInt(fixture.length + 1));
        }
        for (int cut : cuts) {
            Path file = write("cut.mp4", Arrays.copyOf(fixture, cut));
            FragmentedMp4.Settled settled = FragmentedMp4.settle(file);

            int expected = lastFragmentEndAtOrBefore(cut);
            if (cut == fixture.length) {
                assertThat(settled.kind()).isEqualTo(FragmentedMp4.Kind.FINISHED);
            } else if (expected == 0) {
                assertThat(settled.kind()).as("cut at %d", cut).isEqualTo(FragmentedMp4.Kind.NO_MEDIA);
                assertThat(Files.size(file)).isEqualTo(cut);
            } else {
                assertThat(settled.kind()).as("cut at %d", cut)
                        .isEqualTo(expected == cut ? FragmentedMp4.Kind.COMPLETE : FragmentedMp4.Kind.TRIMMED);
                assertThat(Files.size(file)).as("cut at %d", cut).isEqualTo(expected);
                assertThat(settled.sizeBytes()).isEqualTo(expected);
                assertThat(settled.removedBytes()).isEqualTo(cut - expected);
                assertThat(Files.readAllBytes(file)).isEqualTo(Arrays.copyOf(fixture, expected));
            }
            assertThat(FragmentedMp4.finished(file)).isEqualTo(cut == fixture.length);
        }
        assertThat(cuts).hasSizeGreaterThan(150);
    }

    @Test
    void trimmedFilesDecodeWithoutASingleError() throws IOException {
        for (int cut : new int[] {FRAGMENT_ENDS[0] + 100, FRAGMENT_ENDS[1] - 1, FRAGMENT_ENDS[2] - 8}) {
            Path file = write("cut-" + cut + ".mp4", Arrays.copyOf(fixture, cut));
            assertThat(Ffprobe.decodeErrors(file)).as("the torn file has errors to fix").isNotEmpty();

            assertThat(FragmentedMp4.settle(file).kind()).isEqualTo(FragmentedMp4.Kind.TRIMMED);

            assertThat(Ffprobe.decodeErrors(file)).as("cut at %d, trimmed", cut).isEmpty();
        }
    }

    @Test
    void sixtyFourBitBoxSizesAreTrimmedAlike() throws IOException {
        byte[] large = withLargeMdats(fixture);
        Path whole = write("large.mp4", large);
        FragmentedMp4.Settled complete = FragmentedMp4.settle(whole);
        assertThat(complete.kind()).isEqualTo(FragmentedMp4.Kind.COMPLETE);
        assertThat(Ffprobe.decodeErrors(whole)).as("the rewritten fixture is a valid file").isEmpty();

        Path cut = write("large-cut.mp4", Arrays.copyOf(large, large.length - 5000));
        FragmentedMp4.Settled trimmed = FragmentedMp4.settle(cut);

        // each mdat header grew by 8 bytes
        assertThat(trimmed.kind()).isEqualTo(FragmentedMp4.Kind.TRIMMED);
        assertThat(Files.size(cut)).isEqualTo(FRAGMENT_ENDS[1] + 16L);
        assertThat(trimmed.duration().toMillis()).isBetween(1900L, 2100L);
        assertThat(Ffprobe.decodeErrors(cut)).isEmpty();
    }

    @Test
    void aFileWithOnlyItsHeaderHoldsNoMedia() throws IOException {
        for (int length : new int[] {0, 1, 7, 8, 28, 36, 600, MOOV_END - 1, MOOV_END, MOOV_END + 8}) {
            Path file = write("head.mp4", Arrays.copyOf(fixture, length));
            assertThat(FragmentedMp4.settle(file).kind()).as("%d bytes", length).isEqualTo(FragmentedMp4.Kind.NO_MEDIA);
        }
    }

    @Test
    void aFileThatIsNotMp4IsLeftAsItIs() throws IOException {
        Random random = new Random(99);
        byte[] noise = new byte[64 * 1024];
        random.nextBytes(noise);
        List<byte[]> inputs = List.of(
                "{\"stream\":\"cam\",\"sessionStart\":\"2024-01-01T00:00:00Z\"}\n".getBytes(UTF_8),
                "segment_000.mp4,0.0,10.0\n".repeat(100).getBytes(UTF_8),
                noise,
                new byte[4096],
                new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'},
                concat(box("ftyp", "isom".getBytes(US_ASCII)), box("mdat", new byte[100])));
        for (byte[] input : inputs) {
            Path file = write("not.mp4", input);
            assertThat(FragmentedMp4.settle(file).kind()).isEqualTo(FragmentedMp4.Kind.UNREADABLE);
            assertThat(Files.readAllBytes(file)).isEqualTo(input);
            assertThat(FragmentedMp4.finished(file)).isFalse();
        }
    }

    @Test
    void randomNoiseAfterARealHeaderNeverThrowsAndNeverGrowsTheFile() throws IOException {
        Random random = new Random(2024);
        byte[] header = Arrays.copyOf(fixture, MOOV_END);
        for (int i = 0; i < 200; i++) {
            byte[] noise = new byte[random.nextInt(4096)];
            random.nextBytes(noise);
            byte[] input = random.nextBoolean()
                    ? concat(header, noise)
                    : concat(Arrays.copyOf(fixture, FRAGMENT_ENDS[0]), boxWithSize(noise.length + 8L, "moof", noise),
                            box("mdat", new byte[16]));
            Path file = write("noise.mp4", input);

            FragmentedMp4.Settled settled = FragmentedMp4.settle(file);

            assertThat(Files.size(file)).isLessThanOrEqualTo(input.length);
            assertThat(settled.sizeBytes()).isEqualTo(Files.size(file));
        }
    }

    @Test
    void aTailThatOnlyLooksLikeAnMfroIsNotFinished() throws IOException {
        byte[] fakeMfro = concat(boxWithSize(16, "mfro", concat(ints(0), ints(999_999))));
        Path file = write("fake.mp4", concat(Arrays.copyOf(fixture, LAST_FRAGMENT_END), fakeMfro));

        assertThat(FragmentedMp4.finished(file)).isFalse();
        assertThat(FragmentedMp4.settle(file).kind()).isEqualTo(FragmentedMp4.Kind.TRIMMED);
        assertThat(Files.size(file)).isEqualTo(LAST_FRAGMENT_END);
    }

    private static int lastFragmentEndAtOrBefore(int cut) {
        int end = 0;
        for (int fragmentEnd : FRAGMENT_ENDS) {
            if (fragmentEnd <= cut) {
                end = fragmentEnd;
            }
        }
        return end;
    }

    /** Start and end of every top-level box, and of every box inside moov and moof. */
    private static List<Integer> boundaries(byte[] file) {
        List<Integer> result = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.wrap(file);
        int position = 0;
        while (position + 8 <= file.length) {
            int size = buffer.getInt(position);
            result.add(position);
            String type = new String(file, position + 4, 4, US_ASCII);
            if (type.equals("moov") || type.equals("moof")) {
                for (int child = position + 8; child + 8 <= position + size; child += buffer.getInt(child)) {
                    result.add(child);
                }
            }
            position += size;
        }
        result.add(file.length);
        return result;
    }

    /**
     * The fixture without its mfra, every mdat written with a 64-bit size (header 16 bytes instead
     * of 8) and every trun's data offset (from the moof, default-base-is-moof) moved by those 8.
     */
    private static byte[] withLargeMdats(byte[] file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.wrap(file);
        int position = 0;
        while (position + 8 <= file.length) {
            int size = buffer.getInt(position);
            String type = new String(file, position + 4, 4, US_ASCII);
            byte[] box = Arrays.copyOfRange(file, position, position + size);
            switch (type) {
                case "moof" -> {
                    shiftTrunOffsets(ByteBuffer.wrap(box), 8, box.length, 8);
                    out.writeBytes(box);
                }
                case "mdat" -> out.writeBytes(concat(ints(1), "mdat".getBytes(US_ASCII), longs(size + 8L),
                        Arrays.copyOfRange(box, 8, box.length)));
                case "mfra" -> {
                    // refers to the old offsets: left out, as in a file FFmpeg did not finish
                }
                default -> out.writeBytes(box);
            }
            position += size;
        }
        return out.toByteArray();
    }

    private static void shiftTrunOffsets(ByteBuffer box, int from, int to, int shift) {
        for (int position = from; position + 8 <= to; position += box.getInt(position)) {
            String type = new String(box.array(), position + 4, 4, US_ASCII);
            if (type.equals("traf")) {
                shiftTrunOffsets(box, position + 8, position + box.getInt(position), shift);
            } else if (type.equals("trun") && (box.getInt(position + 8) & 0x1) != 0) {
                box.putInt(position + 16, box.getInt(position + 16) + shift);
            }
        }
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    static byte[] box(String type, byte[]... children) {
        byte[] body = concat(children);
        return boxWithSize(body.length + 8L, type, body);
    }

    private static byte[] boxWithSize(long size, String type, byte[] body) {
        return concat(ints((int) size), type.getBytes(US_ASCII), body);
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
