package io.github.mediamtxvod.mp4;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SampleTablesTest {
    @Test
    void anHourOfVideoAndAudioTablesStaysWithinTheStatedBytesPerSample() {
        SampleTables video = new SampleTables(SyntheticSegment.video(1).info());
        SampleTables audio = new SampleTables(SyntheticSegment.audio().info());
        int frames = 25 * 3600;
        int audioFrames = 48_000 * 3600 / 1024;
        // B-frame pattern: the composition offset changes on every frame, the worst case for ctts
        int[] pattern = {7200, 0, 3600, 10800, 0};
        for (int i = 0; i < frames; i++) {
            video.add(3600L * i, 3600, 5000, i % 25 == 0, pattern[i % pattern.length]);
            if (i % 25 == 24) {
                video.addChunk(0, 25);
            }
        }
        for (int i = 0; i < audioFrames; i++) {
            audio.add(1024L * i, 1024, 300, true, 0);
            if (i % 47 == 46) {
                audio.addChunk(0, 47);
            }
        }

        assertThat(video.count()).isEqualTo(90_000);
        assertThat(audio.count()).isEqualTo(168_750);
        assertThat(video.retainedBytes()).isLessThan(2L * 12 * frames + 64 * 1024);
        assertThat(audio.retainedBytes()).isLessThan(2L * 4 * audioFrames + 64 * 1024);
        assertThat(video.retainedBytes() + audio.retainedBytes()).isLessThan(4L * 1024 * 1024);
        assertThat(video.mediaDuration()).isEqualTo(3600L * frames);
        assertThat(video.presentationStart()).isEqualTo(3600); // the second frame is shown first
    }

    @Test
    void aHoleBeforeASampleLengthensThePreviousOne() {
        SampleTables audio = new SampleTables(SyntheticSegment.audio().info());
        audio.add(0, 1024, 300, true, 0);
        audio.add(1024, 1024, 300, true, 0);
        audio.add(2100, 1024, 300, true, 0); // 52 ticks late: the next source started a little later

        assertThat(audio.mediaDuration()).isEqualTo(2100 + 1024);
    }
}
