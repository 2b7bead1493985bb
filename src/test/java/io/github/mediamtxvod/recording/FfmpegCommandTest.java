package io.github.mediamtxvod.recording;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mediamtxvod.recording.OutputFormat;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class FfmpegCommandTest {
    private static final String URL = "rtsp://127.0.0.1:8554/cam";

    @ParameterizedTest
    @EnumSource(OutputFormat.class)
    void buildsASegmentingStreamCopyOfTheRtspInputOverTcp(OutputFormat format) {
        List<String> args = FfmpegCommand.build("/usr/bin/ffmpeg", URL, format, 60, AudioMode.COPY);

        assertThat(args.get(0)).isEqualTo("/usr/bin/ffmpeg");
        assertThat(args).containsSubsequence("-rtsp_transport", "tcp", "-i", URL);
        assertThat(indexOf(args, "-rtsp_transport")).isLessThan(indexOf(args, "-i"));
        assertThat(args).containsSubsequence("-c:v", "copy");
        assertThat(args).containsSubsequence("-f", "segment");
        assertOption(args, "-segment_time", "60");
        assertOption(args, "-segment_format", format.ffmpegMuxer());
        assertOption(args, "-reset_timestamps", "1");
        assertOption(args, "-segment_list", ".segments.csv");
        assertOption(args, "-segment_list_type", "csv");
        assertThat(args.get(args.size() - 1)).isEqualTo("segment_%03d." + format.extension());
        assertThat(args.get(args.size() - 1)).doesNotContain("/");
    }

    @Test
    void mp4IsFragmentedWithAFragmentASecondFlushedAtOnce() {
        List<String> mp4 = FfmpegCommand.build("ffmpeg", URL, OutputFormat.MP4, 60, AudioMode.COPY);

        assertOption(mp4, "-segment_format_options",
                "movflags=+frag_keyframe+empty_moov+default_base_moof:frag_duration=1000000:flush_packets=1");
    }

    @Test
    void everyFormatFlushesEachWrittenUnitAtOnceAndOnlyMp4GetsMovflags() {
        assertOption(FfmpegCommand.build("ffmpeg", URL, OutputFormat.TS, 60, AudioMode.COPY),
                "-segment_format_options", "flush_packets=1");
        assertOption(FfmpegCommand.build("ffmpeg", URL, OutputFormat.MKV, 60, AudioMode.COPY),
                "-segment_format_options", "flush_packets=1:cluster_time_limit=1000");
        for (OutputFormat other : List.of(OutputFormat.MKV, OutputFormat.TS)) {
            assertThat(String.join(" ", FfmpegCommand.build("ffmpeg", URL, other, 60, AudioMode.COPY)))
                    .doesNotContain("movflags");
        }
    }

    @ParameterizedTest
    @EnumSource(OutputFormat.class)
    void progressGoesToStdoutOnceASecondAsGlobalOptionsBeforeTheInput(OutputFormat format) {
        List<String> args = FfmpegCommand.build("ffmpeg", URL, format, 60, AudioMode.COPY);

        assertOption(args, "-progress", "pipe:1");
        assertOption(args, "-stats_period", "1");
        assertThat(indexOf(args, "-progress")).isLessThan(indexOf(args, "-i"));
        assertThat(indexOf(args, "-stats_period")).isLessThan(indexOf(args, "-i"));
        assertThat(args).contains("-nostats");
    }

    @Test
    void segmentTimeFollowsTheDuration() {
        assertOption(FfmpegCommand.build("ffmpeg", URL, OutputFormat.MP4, 1, AudioMode.COPY), "-segment_time", "1");
        assertOption(FfmpegCommand.build("ffmpeg", URL, OutputFormat.MP4, 3600, AudioMode.COPY), "-segment_time", "3600");
    }

    @Test
    void audioCopyMapsAndCopiesAudio() {
        List<String> args = FfmpegCommand.build("ffmpeg", URL, OutputFormat.MP4, 60, AudioMode.COPY);

        assertThat(args).containsSubsequence("-map", "0:v?", "-map", "0:a?", "-c:a", "copy");
        assertThat(args).doesNotContain("-an");
    }

    @Test
    void audioTranscodeEncodesAac() {
        List<String> args = FfmpegCommand.build("ffmpeg", URL, OutputFormat.MP4, 60, AudioMode.TRANSCODE);

        assertThat(args).containsSubsequence("-map", "0:a?", "-c:a", "aac");
        assertThat(args).doesNotContain("-an");
        assertOption(args, "-c:v", "copy");
    }

    @Test
    void audioNoneDropsAudio() {
        List<String> args = FfmpegCommand.build("ffmpeg", URL, OutputFormat.MP4, 60, AudioMode.NONE);

        assertThat(args).contains("-an").doesNotContain("0:a?", "-c:a");
        assertThat(args).containsSubsequence("-map", "0:v?");
    }

    @Test
    void audioFallbackStepsDownToNone() {
        assertThat(AudioMode.COPY.fallback()).isEqualTo(AudioMode.TRANSCODE);
        assertThat(AudioMode.TRANSCODE.fallback()).isEqualTo(AudioMode.NONE);
        assertThat(AudioMode.NONE.fallback()).isEqualTo(AudioMode.NONE);
    }

    @Test
    void initialAudioModeTranscodesWhatMp4CannotHold() {
        assertThat(FfmpegCommand.initialAudioMode(OutputFormat.MP4, List.of("H264", "G711")))
                .isEqualTo(AudioMode.TRANSCODE);
        assertThat(FfmpegCommand.initialAudioMode(OutputFormat.MP4, List.of("H264", "LPCM")))
                .isEqualTo(AudioMode.TRANSCODE);
        assertThat(FfmpegCommand.initialAudioMode(OutputFormat.MP4, List.of("H265", "MPEG-4 Audio")))
                .isEqualTo(AudioMode.COPY);
        assertThat(FfmpegCommand.initialAudioMode(OutputFormat.MP4, List.of("H264", "Opus")))
                .isEqualTo(AudioMode.COPY);
        assertThat(FfmpegCommand.initialAudioMode(OutputFormat.MP4, List.of("H264"))).isEqualTo(AudioMode.COPY);
        assertThat(FfmpegCommand.initialAudioMode(OutputFormat.MP4, List.of("h264", "mpeg-4 audio")))
                .isEqualTo(AudioMode.COPY);
    }

    @Test
    void initialAudioModeForTs() {
        assertThat(FfmpegCommand.initialAudioMode(OutputFormat.TS, List.of("H264", "G711")))
                .isEqualTo(AudioMode.TRANSCODE);
        assertThat(FfmpegCommand.initialAudioMode(OutputFormat.TS, List.of("H264", "MPEG-4 Audio")))
                .isEqualTo(AudioMode.COPY);
    }

    @Test
    void initialAudioModeCopiesAnyCodecIntoMkv() {
        assertThat(FfmpegCommand.initialAudioMode(OutputFormat.MKV, List.of("H264", "G711"))).isEqualTo(AudioMode.COPY);
        assertThat(FfmpegCommand.initialAudioMode(OutputFormat.MKV, List.of("H264", "LPCM"))).isEqualTo(AudioMode.COPY);
    }

    @Test
    void initialAudioModeCopiesWhenTracksAreUnknown() {
        for (OutputFormat format : OutputFormat.values()) {
            assertThat(FfmpegCommand.initialAudioMode(format, Collections.emptyList())).isEqualTo(AudioMode.COPY);
        }
    }

    @Test
    void inputUrlAppendsTheNameToTheBaseWithOneSlash() {
        assertThat(FfmpegCommand.inputUrl(URI.create("rtsp://mediamtx:8554"), "cam"))
                .isEqualTo("rtsp://mediamtx:8554/cam");
        assertThat(FfmpegCommand.inputUrl(URI.create("rtsp://mediamtx:8554/"), "cam"))
                .isEqualTo("rtsp://mediamtx:8554/cam");
        assertThat(FfmpegCommand.inputUrl(URI.create("rtsp://mediamtx:8554//"), "cam"))
                .isEqualTo("rtsp://mediamtx:8554/cam");
        assertThat(FfmpegCommand.inputUrl(URI.create("rtsp://mediamtx:8554"), "site/cams/front"))
                .isEqualTo("rtsp://mediamtx:8554/site/cams/front");
        assertThat(FfmpegCommand.inputUrl(URI.create("rtsp://mediamtx:8554"), "front door"))
                .isEqualTo("rtsp://mediamtx:8554/front%20door");
        assertThat(FfmpegCommand.inputUrl(URI.create("rtsp://mediamtx:8554"), "café"))
                .isEqualTo("rtsp://mediamtx:8554/caf%C3%A9");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "cam?x=1",
        "cam#frag",
        "evil.com@cam",
        "user:pass@evil.com:80/cam",
        "100%",
        "%2e%2e/%3F",
        "café/\uD83D\uDCF7",
        "\u202Eevil",
        "../../x",
        "a/../../b",
        "..",
        "front door",
        "back\\slash",
        "line\nbreak",
        "nul\0byte",
        "[::1]:99",
        "//evil.com/x",
        "?",
        "#",
        ""
    })
    void inputUrlNeverChangesHostPortQueryOrFragment(String name) throws URISyntaxException {
        for (String base : List.of("rtsp://mediamtx:8554", "rtsp://mediamtx:8554/", "rtsp://u:p@mediamtx:8554/live")) {
            String url = FfmpegCommand.inputUrl(URI.create(base), name);
            URI parsed = new URI(url);

            assertThat(parsed.getScheme()).isEqualTo("rtsp");
            assertThat(parsed.getHost()).as(url).isEqualTo("mediamtx");
            assertThat(parsed.getPort()).as(url).isEqualTo(8554);
            assertThat(parsed.getRawQuery()).as(url).isNull();
            assertThat(parsed.getRawFragment()).as(url).isNull();
            assertThat(url).startsWith(base.endsWith("/") ? base : base + "/");
            assertThat(url).matches("[\\x21-\\x7e]+");
        }
    }

    @Test
    void inputUrlKeepsTheNameRecoverable() throws URISyntaxException {
        String name = "site/café cam?#%@x";
        URI parsed = new URI(FfmpegCommand.inputUrl(URI.create("rtsp://mediamtx:8554"), name));

        assertThat(parsed.getPath()).isEqualTo("/" + name);
    }

    @Test
    void describeMasksUserAndPassword() {
        List<String> args = FfmpegCommand.build(
                "ffmpeg", "rtsp://recorder:s3cr3t@mediamtx:8554/cam", OutputFormat.MP4, 60, AudioMode.COPY);

        String described = FfmpegCommand.describe(args);

        assertThat(described).doesNotContain("s3cr3t").doesNotContain("recorder:");
        assertThat(described).contains("rtsp://[REDACTED]@mediamtx:8554/cam");
        assertThat(described).contains("-segment_time 60");
    }

    @Test
    void describeMasksAPasswordThatContainsAnAtSign() {
        // FFmpeg splits user info at the last '@' before the path, so such a URL works and must not leak
        String described = FfmpegCommand.describe(List.of("ffmpeg", "-i", "rtsp://rec:p@ss:w@rd@mediamtx:8554/cam"));

        assertThat(described).doesNotContain("ss:w").doesNotContain("rd@");
        assertThat(described).isEqualTo("ffmpeg -i rtsp://[REDACTED]@mediamtx:8554/cam");
    }

    @Test
    void describeLeavesUrlsWithoutUserInfoAlone() {
        List<String> args = List.of("ffmpeg", "-i", "rtsp://mediamtx:8554/cam@2", "segment_%03d.mp4");

        assertThat(FfmpegCommand.describe(args)).isEqualTo("ffmpeg -i rtsp://mediamtx:8554/cam@2 segment_%03d.mp4");
    }

    @Test
    void maskUserInfoHidesCredentialsInFfmpegMessages() {
        assertThat(FfmpegCommand.maskUserInfo("rtsp://rec:p@ss@mediamtx:8554/cam: Connection refused"))
                .isEqualTo("rtsp://[REDACTED]@mediamtx:8554/cam: Connection refused");
        assertThat(FfmpegCommand.maskUserInfo("[rtsp @ 0x5626] method DESCRIBE failed: 401 Unauthorized"))
                .isEqualTo("[rtsp @ 0x5626] method DESCRIBE failed: 401 Unauthorized");
    }

    private static void assertOption(List<String> args, String option, String value) {
        int index = indexOf(args, option);
        assertThat(index).as("option %s in %s", option, args).isGreaterThanOrEqualTo(0);
        assertThat(args.get(index + 1)).as("value of %s", option).isEqualTo(value);
        assertThat(args.lastIndexOf(option)).as("%s given once", option).isEqualTo(index);
    }

    private static int indexOf(List<String> args, String option) {
        return args.indexOf(option);
    }
}
