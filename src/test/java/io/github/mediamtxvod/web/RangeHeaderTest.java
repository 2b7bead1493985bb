package io.github.mediamtxvod.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.web.RangeHeader.Part;
import io.github.mediamtxvod.web.RangeHeader.Unsatisfiable;
import io.github.mediamtxvod.web.RangeHeader.Whole;
import org.junit.jupiter.api.Test;

class RangeHeaderTest {
    @Test
    void singleRangesAreHonoured() {
        assertThat(RangeHeader.decide("bytes=0-99", 1000)).isEqualTo(new Part(0, 99));
        assertThat(RangeHeader.decide("bytes=500-", 1000)).isEqualTo(new Part(500, 999));
        assertThat(RangeHeader.decide("bytes=-100", 1000)).isEqualTo(new Part(900, 999));
        assertThat(RangeHeader.decide("bytes=900-5000", 1000)).isEqualTo(new Part(900, 999));
        assertThat(RangeHeader.decide("bytes=-5000", 1000)).isEqualTo(new Part(0, 999));
        assertThat(RangeHeader.decide("BYTES= 1-1", 1000)).isEqualTo(new Part(1, 1));
    }

    @Test
    void rangesStartingAtOrAfterTheEndAreUnsatisfiable() {
        assertThat(RangeHeader.decide("bytes=1000-", 1000)).isEqualTo(new Unsatisfiable());
        assertThat(RangeHeader.decide("bytes=1000-2000", 1000)).isEqualTo(new Unsatisfiable());
        assertThat(RangeHeader.decide("bytes=-0", 1000)).isEqualTo(new Unsatisfiable());
        assertThat(RangeHeader.decide("bytes=0-", 0)).isEqualTo(new Unsatisfiable());
        assertThat(RangeHeader.decide("bytes=-1", 0)).isEqualTo(new Unsatisfiable());
    }

    @Test
    void absentMalformedOrMultipleRangesMeanTheWholeFile() {
        for (String header : new String[] {
            null, "", "bytes", "bytes=", "bytes=-", "bytes=a-b", "bytes=5-1", "bytes=0-1,3-4", "items=0-1",
            "bytes=1-2-3", "bytes=99999999999999999999-", "bytes=+1-2", "bytes=-+5"}) {
            assertThat(RangeHeader.decide(header, 1000)).as(header).isEqualTo(new Whole());
        }
    }
}
