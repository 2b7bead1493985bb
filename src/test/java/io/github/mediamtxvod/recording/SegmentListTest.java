package io.github.mediamtxvod.recording;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SegmentListTest {
    @TempDir
    Path dir;

    @Test
    void parsesANormalLine() {
        assertThat(SegmentList.parse("segment_000.mp4,0.000000,10.010000"))
                .contains(new SegmentList.Entry("segment_000.mp4", 0.0, 10.01));
    }

    @Test
    void parsesAQuotedNameWithCommasAndDoubledQuotes() {
        assertThat(SegmentList.parse("\"seg,ment \"\"x\"\".mp4\",1.5,2.5"))
                .contains(new SegmentList.Entry("seg,ment \"x\".mp4", 1.5, 2.5));
    }

    @Test
    void acceptsAZeroLengthSegmentAndANegativeStart() {
        assertThat(SegmentList.parse("segment_001.mp4,5,5")).contains(new SegmentList.Entry("segment_001.mp4", 5, 5));
        assertThat(SegmentList.parse("segment_000.mp4,-0.04,9.96"))
                .contains(new SegmentList.Entry("segment_000.mp4", -0.04, 9.96));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "segment_000.mp4",
        "segment_000.mp4,1.0",
        ",1.0,2.0",
        "segment_000.mp4,abc,2.0",
        "segment_000.mp4,1.0,",
        "segment_000.mp4,,2.0",
        "segment_000.mp4,NaN,2.0",
        "segment_000.mp4,0,NaN",
        "segment_000.mp4,0,Infinity",
        "segment_000.mp4,-Infinity,1",
        "segment_000.mp4,10.0,9.0",
        "\"\",1.0,2.0",
        "#EXTM3U",
        ",,"
    })
    void rejectsMalformedLines(String line) {
        assertThat(SegmentList.parse(line)).isEmpty();
    }

    @Test
    void absentFileReadsAsEmpty() throws IOException {
        SegmentList list = new SegmentList(dir.resolve("missing.csv"));

        assertThat(list.readNew()).isEmpty();
        assertThat(list.readNew()).isEmpty();
        assertThat(SegmentList.readAll(dir.resolve("missing.csv"))).isEmpty();
    }

    @Test
    void readNewReturnsOnlyLinesAddedSinceTheLastRead() throws IOException {
        Path file = dir.resolve(".segments.csv");
        SegmentList list = new SegmentList(file);

        append(file, "segment_000.mp4,0.000000,10.000000\n");
        assertThat(list.readNew()).extracting(SegmentList.Entry::fileName).containsExactly("segment_000.mp4");
        assertThat(list.readNew()).isEmpty();

        append(file, "segment_001.mp4,10.000000,20.000000\nsegment_002.mp4,20.000000,30.000000\n");
        assertThat(list.readNew())
                .extracting(SegmentList.Entry::fileName)
                .containsExactly("segment_001.mp4", "segment_002.mp4");
    }

    @Test
    void aPartialLastLineWaitsForTheRestOfIt() throws IOException {
        Path file = dir.resolve(".segments.csv");
        SegmentList list = new SegmentList(file);

        append(file, "segment_000.mp4,0.0,10.0\nsegment_001.mp4,10.0,1");
        assertThat(list.readNew()).containsExactly(new SegmentList.Entry("segment_000.mp4", 0.0, 10.0));

        append(file, "9.5");
        assertThat(list.readNew()).isEmpty();

        append(file, "\r\nsegment_002.mp4,19.5,2");
        assertThat(list.readNew()).containsExactly(new SegmentList.Entry("segment_001.mp4", 10.0, 19.5));

        append(file, "9.0\n");
        assertThat(list.readNew()).containsExactly(new SegmentList.Entry("segment_002.mp4", 19.5, 29.0));
    }

    @Test
    void malformedLinesAreSkippedAndTheRestIsRead() throws IOException {
        Path file = dir.resolve(".segments.csv");
        append(file, "garbage\nsegment_000.mp4,0,10\nsegment_001.mp4,NaN,20\n\nsegment_002.mp4,20,30\n");

        assertThat(SegmentList.readAll(file))
                .extracting(SegmentList.Entry::fileName)
                .containsExactly("segment_000.mp4", "segment_002.mp4");
    }

    @Test
    void readAllIgnoresAnUnfinishedLastLine() throws IOException {
        Path file = dir.resolve(".segments.csv");
        append(file, "segment_000.mp4,0,10\nsegment_001.mp4,10,2");

        assertThat(SegmentList.readAll(file)).containsExactly(new SegmentList.Entry("segment_000.mp4", 0, 10));
    }

    @Test
    void aFileCreatedAfterTheFirstReadIsPickedUp() throws IOException {
        Path file = dir.resolve(".segments.csv");
        SegmentList list = new SegmentList(file);
        assertThat(list.readNew()).isEmpty();

        append(file, "segment_000.mp4,0,10\n");

        assertThat(list.readNew()).hasSize(1);
    }

    @Test
    void manyLinesInOneRead() throws IOException {
        Path file = dir.resolve(".segments.csv");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            text.append(String.format(Locale.ROOT, "segment_%03d.mp4,%d.0,%d.0\n", i, i * 10, i * 10 + 10));
        }
        append(file, text.toString());

        List<SegmentList.Entry> entries = new SegmentList(file).readNew();

        assertThat(entries).hasSize(5000);
        assertThat(entries.get(4999)).isEqualTo(new SegmentList.Entry("segment_4999.mp4", 49990, 50000));
    }

    private static void append(Path file, String text) throws IOException {
        Files.write(file, text.getBytes(UTF_8), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
