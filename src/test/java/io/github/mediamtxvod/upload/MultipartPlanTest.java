package io.github.mediamtxvod.upload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MultipartPlanTest {
    static final long MIB = 1024 * 1024;

    @Test
    void cutsAFileIntoPartsOfTheConfiguredSizeWithAShorterLastPart() {
        assertThat(MultipartPlan.parts(21 * MIB, 8 * MIB)).containsExactly(
                new MultipartPlan.Part(1, 0, 8 * MIB),
                new MultipartPlan.Part(2, 8 * MIB, 8 * MIB),
                new MultipartPlan.Part(3, 16 * MIB, 5 * MIB));
    }

    @Test
    void anExactMultipleHasNoEmptyTrailingPart() {
        assertThat(MultipartPlan.parts(16 * MIB, 8 * MIB)).hasSize(2);
    }

    @Test
    void aHugeFileGetsLargerPartsSoThatTheyFitS3sLimit() {
        long size = 200L * 1024 * MIB;
        List<MultipartPlan.Part> parts = MultipartPlan.parts(size, 5 * MIB);

        assertThat(parts.size()).isLessThanOrEqualTo(MultipartPlan.MAX_PARTS);
        assertThat(parts.getFirst().length() % MIB).isZero();
        assertThat(parts.stream().mapToLong(MultipartPlan.Part::length).sum()).isEqualTo(size);
        MultipartPlan.Part last = parts.getLast();
        assertThat(last.offset() + last.length()).isEqualTo(size);
    }
}
