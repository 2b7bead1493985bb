package io.github.mediamtxvod.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.mp4.FileSegmentSource;
import io.github.mediamtxvod.mp4.FragmentIndex;
import io.github.mediamtxvod.mp4.IndexedSource;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which moofs an mp4 /get from S3 fetches up front, on a real FFmpeg file cut as the recorder cuts
 * (a fragment at every keyframe and at least one a second) with a three-second GOP.
 */
class MoofPrefetchIT {
    private static final Instant T = Instant.parse("2024-05-01T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void theFragmentsOfTheRangeBackToTheCutsKeyframeAndOneMore() throws Exception {
        Path file = dir.resolve("segment_000.mp4");
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
                "testsrc2=size=320x240:rate=25", "-t", "9", "-c:v", "libx264", "-preset", "veryfast", "-g", "75",
                "-keyint_min", "75", "-sc_threshold", "0", "-movflags",
                "+frag_keyframe+empty_moov+default_base_moof", "-frag_duration", "1000000", "-f", "mp4",
                file.toString()).redirectErrorStream(true).start();
        assertThat(ffmpeg.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(ffmpeg.exitValue()).as(new String(ffmpeg.getInputStream().readAllBytes())).isZero();
        IndexedSource source = IndexedSource.read(FileSegmentSource.of(file, T));
        List<FragmentIndex.Fragment> fragments = source.index().fragments();
        assertThat(fragments).as("a fragment a second").hasSize(9);

        // 10:00:05.5 lies in the fragment from 5 s; the keyframe before it starts the fragment at 3 s
        List<FragmentIndex.Fragment> wanted = MoofPrefetch.overlapping(source, T.plusMillis(5_500), T.plusSeconds(7));

        assertThat(wanted).containsExactlyElementsOf(fragments.subList(2, 7));
        assertThat(MoofPrefetch.overlapping(source, T.plusSeconds(20), T.plusSeconds(30))).isEmpty();
        assertThat(MoofPrefetch.overlapping(source, T.minus(Duration.ofSeconds(5)), T.plusMillis(500)))
                .containsExactlyElementsOf(fragments.subList(0, 1));
    }
}
