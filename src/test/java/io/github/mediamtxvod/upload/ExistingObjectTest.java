package io.github.mediamtxvod.upload;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.upload.ExistingObject.Match;
import org.junit.jupiter.api.Test;

class ExistingObjectTest {
    static final String LOCAL = "y/Q5Jg==";
    static final String OTHER = "AAAAAA==";

    @Test
    void theSameSizeAndWholeObjectChecksumAreTheSameBytes() {
        assertThat(new ExistingObject(9, LOCAL, "e").compare(9, LOCAL, null)).isEqualTo(Match.SAME);
    }

    @Test
    void anotherSizeIsAlwaysOtherBytesWhateverTheChecksum() {
        assertThat(new ExistingObject(10, LOCAL, "e").compare(9, LOCAL, null)).isEqualTo(Match.DIFFERENT);
        assertThat(new ExistingObject(10, null, "e").compare(9, LOCAL, null)).isEqualTo(Match.DIFFERENT);
        assertThat(new ExistingObject(10, LOCAL + "-2", "e").compare(9, LOCAL, LOCAL + "-2")).isEqualTo(Match.DIFFERENT);
    }

    @Test
    void anotherWholeObjectChecksumIsOtherBytes() {
        assertThat(new ExistingObject(9, OTHER, "e").compare(9, LOCAL, null)).isEqualTo(Match.DIFFERENT);
    }

    @Test
    void withoutAReportedChecksumOnlyTheBytesCanTell() {
        assertThat(new ExistingObject(9, null, "e").compare(9, LOCAL, null)).isEqualTo(Match.UNKNOWN);
    }

    @Test
    void anEqualCompositeIsTheSameBytesAndAnotherMayOnlyBeAnotherPartSize() {
        ExistingObject parts = new ExistingObject(9, OTHER + "-3", "e-3");
        assertThat(parts.compare(9, LOCAL, OTHER + "-3")).isEqualTo(Match.SAME);
        assertThat(parts.compare(9, LOCAL, LOCAL + "-2")).isEqualTo(Match.UNKNOWN);
        assertThat(parts.compare(9, LOCAL, null)).isEqualTo(Match.UNKNOWN);
    }

    @Test
    void theCatalogueRecordsTheChecksumThatProvedTheMatch() {
        assertThat(new ExistingObject(9, OTHER + "-3", "e").checksumLabel(LOCAL)).isEqualTo("CRC32-composite:" + OTHER + "-3");
        assertThat(new ExistingObject(9, LOCAL, "e").checksumLabel(LOCAL)).isEqualTo("CRC32:" + LOCAL);
        assertThat(new ExistingObject(9, null, "e").checksumLabel(LOCAL)).isEqualTo("CRC32:" + LOCAL);
    }
}
