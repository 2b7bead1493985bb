package io.github.mediamtxvod.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRangeTest {
    @TempDir
    Path dir;

    @Test
    void theChecksumIsTheStandardCrc32OfTheRangeInS3sEncoding() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "xx123456789yy", StandardCharsets.US_ASCII);
        // the CRC-32 check value of "123456789" is 0xCBF43926
        assertThat(FileRange.readCrc32(file, 2, 9)).isEqualTo("y/Q5Jg==");
    }

    @Test
    void theStreamSumsTheBytesItHandsOutSoTheFileIsReadOnce() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "xx123456789yy", StandardCharsets.US_ASCII);
        try (FileRange range = new FileRange(file, 2, 9)) {
            try (InputStream in = range.newStream()) {
                byte[] first = new byte[4];
                assertThat(in.read(first)).isEqualTo(4);
                assertThatThrownBy(range::streamedCrc32).isInstanceOf(IllegalStateException.class);
                assertThat(in.read()).isEqualTo('5');
                assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("6789");
            }
            assertThat(range.streamedCrc32()).isEqualTo("y/Q5Jg==");
        }
    }

    @Test
    void theStreamStopsAtTheEndOfTheRangeEvenWhenTheFileGrew() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "0123456789", StandardCharsets.US_ASCII);
        try (FileRange range = new FileRange(file, 3, 4)) {
            Files.writeString(file, "0123456789 appended later", StandardCharsets.US_ASCII);
            try (InputStream in = range.newStream()) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("3456");
            }
            // a retry gets a fresh stream over the same bytes, and a fresh checksum
            assertThat(new String(range.newStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("3456");
            assertThat(range.streamedCrc32()).isEqualTo(FileRange.readCrc32(file, 3, 4));
        }
    }

    @Test
    void aFileCutShortUnderTheUploadFailsTheStreamInsteadOfSendingLessThanAnnounced() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "0123456789", StandardCharsets.US_ASCII);
        try (FileRange range = new FileRange(file, 0, 10)) {
            Files.writeString(file, "01234", StandardCharsets.US_ASCII);
            try (InputStream in = range.newStream()) {
                assertThatThrownBy(in::readAllBytes).isInstanceOf(EOFException.class);
            }
        }
    }

    @Test
    void theCompositeChecksumIsTheCrc32OfThePartChecksumsWithThePartCount() {
        // CRC32 over the bytes CB F4 39 26 twice, as S3 computes a composite checksum
        assertThat(FileRange.composite(List.of("y/Q5Jg==", "y/Q5Jg=="))).endsWith("-2").hasSize(10);
        assertThat(FileRange.composite(List.of("y/Q5Jg=="))).isNotEqualTo(FileRange.composite(List.of("AAAAAA==")));
    }
}
