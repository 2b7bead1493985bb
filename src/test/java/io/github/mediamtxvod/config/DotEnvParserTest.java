package io.github.mediamtxvod.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DotEnvParserTest {
    @Test
    void readsValuesAndSkipsCommentsAndBlankLines() {
        DotEnvParser.Result result = DotEnvParser.parse("""
                # recorder settings

                SEGMENT_DURATION=120
                  export   UPLOAD_WORKERS = 4
                S3_PREFIX=site#1
                S3_REGION=eu-west-1 # where the bucket is
                LOG_LEVEL=   # left empty on purpose
                EMPTY=
                """);

        assertThat(values(result)).containsExactly(
                Map.entry("SEGMENT_DURATION", "120"),
                Map.entry("UPLOAD_WORKERS", "4"),
                Map.entry("S3_PREFIX", "site#1"),
                Map.entry("S3_REGION", "eu-west-1"),
                Map.entry("LOG_LEVEL", ""),
                Map.entry("EMPTY", ""));
        assertThat(result.entries().get("UPLOAD_WORKERS").line()).isEqualTo(4);
        assertThat(result.warnings()).isEmpty();
    }

    @Test
    void quotedValuesKeepSpacesAndHashes() {
        DotEnvParser.Result result = DotEnvParser.parse("""
                WEB_PASSWORD="  pass # word  "  # comment
                HOOK_TOKEN='its'
                STREAM_INCLUDE='cam\\d+'
                FFMPEG_PATH="C:\\\\ffmpeg \\"x\\"\\tend\\n"
                S3_PREFIX=it's
                """);

        assertThat(values(result)).containsExactly(
                Map.entry("WEB_PASSWORD", "  pass # word  "),
                Map.entry("HOOK_TOKEN", "its"),
                Map.entry("STREAM_INCLUDE", "cam\\d+"),
                Map.entry("FFMPEG_PATH", "C:\\ffmpeg \"x\"\tend\n"),
                Map.entry("S3_PREFIX", "it's"));
        assertThat(result.warnings()).isEmpty();
    }

    @Test
    void windowsLineEndingsAndByteOrderMarkAreAccepted() {
        DotEnvParser.Result result = DotEnvParser.parse("\uFEFFSEGMENT_DURATION=30\r\nLOG_LEVEL=\"DEBUG\"\r\n");

        assertThat(values(result)).containsExactly(
                Map.entry("SEGMENT_DURATION", "30"), Map.entry("LOG_LEVEL", "DEBUG"));
    }

    @Test
    void malformedLinesAreSkippedWithTheirNumberButNotTheirText() {
        DotEnvParser.Result result = DotEnvParser.parse("""
                WEB_PASSWORD hunter2
                1ABC=hunter2
                HOOK_TOKEN="hunter2
                S3_SECRET_ACCESS_KEY='hunter2' trailing
                SEGMENT_DURATION=30
                export
                """);

        assertThat(values(result)).containsExactly(Map.entry("SEGMENT_DURATION", "30"));
        String fix = " and is ignored; write it as NAME=value or start it with # to make it a comment";
        assertThat(result.warnings()).containsExactly(
                ".env line 1 is not NAME=value" + fix,
                ".env line 2 has no valid variable name before '='" + fix,
                ".env line 3 has an unclosed quote" + fix,
                ".env line 4 has text after the closing quote" + fix,
                ".env line 6 is not NAME=value" + fix);
        assertThat(String.join("\n", result.warnings())).doesNotContain("hunter2");
    }

    @Test
    void aRepeatedNameKeepsTheLastValueWithAWarning() {
        DotEnvParser.Result result = DotEnvParser.parse("SEGMENT_DURATION=30\nUPLOAD_WORKERS=2\nSEGMENT_DURATION=90\n");

        assertThat(values(result)).containsExactly(
                Map.entry("UPLOAD_WORKERS", "2"), Map.entry("SEGMENT_DURATION", "90"));
        assertThat(result.entries().get("SEGMENT_DURATION").line()).isEqualTo(3);
        assertThat(result.warnings()).containsExactly(
                ".env line 3 sets SEGMENT_DURATION again (first set on line 1); the value of line 3 is used");
    }

    private static Map<String, String> values(DotEnvParser.Result result) {
        Map<String, String> values = new LinkedHashMap<>();
        result.entries().forEach((name, entry) -> values.put(name, entry.value()));
        return values;
    }
}
