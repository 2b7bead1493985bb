package io.github.mediamtxvod.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.mediamtxvod.RecorderConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The exact message of every rule: it names the variable, the value, the rule and the fix. */
class ConfigValidationMessagesTest {
    @TempDir
    Path workingDirectory;

    static Stream<Arguments> singleValueRules() {
        return Stream.of(
                Arguments.of("SEGMENT_DURATION", "abc", "SEGMENT_DURATION=abc is not a whole number of seconds;"
                        + " set it to a whole number from 1 to 86400 (the default is 60)"),
                Arguments.of("SEGMENT_DURATION", "1.5", "SEGMENT_DURATION=1.5 is not a whole number of seconds;"
                        + " set it to a whole number from 1 to 86400 (the default is 60)"),
                Arguments.of("SEGMENT_DURATION", "0", "SEGMENT_DURATION=0 is below the minimum of 1;"
                        + " set it to a whole number from 1 to 86400 (the default is 60)"),
                Arguments.of("SEGMENT_DURATION", "86401", "SEGMENT_DURATION=86401 is above the maximum of 86400;"
                        + " set it to a whole number from 1 to 86400 (the default is 60)"),
                Arguments.of("POLLING_INTERVAL", "99999999999999999999", "POLLING_INTERVAL=99999999999999999999"
                        + " is above the maximum of 3600; set it to a whole number from 1 to 3600 (the default is 10)"),
                Arguments.of("MEDIAMTX_API_TIMEOUT_SECONDS", "301", "MEDIAMTX_API_TIMEOUT_SECONDS=301 is above the"
                        + " maximum of 300; set it to a whole number from 1 to 300 (the default is 10)"),
                Arguments.of("FFMPEG_STALL_TIMEOUT_SECONDS", "4", "FFMPEG_STALL_TIMEOUT_SECONDS=4 is below the"
                        + " minimum of 5; set it to a whole number from 5 to 3600 (the default is 20)"),
                Arguments.of("FFMPEG_STOP_TIMEOUT_SECONDS", "61", "FFMPEG_STOP_TIMEOUT_SECONDS=61 is above the"
                        + " maximum of 60; set it to a whole number from 1 to 60 (the default is 5)"),
                Arguments.of("FFMPEG_RESTART_BACKOFF_MAX_SECONDS", "0", "FFMPEG_RESTART_BACKOFF_MAX_SECONDS=0 is"
                        + " below the minimum of 1; set it to a whole number from 1 to 3600 (the default is 30)"),
                Arguments.of("MAX_CONCURRENT_RECORDINGS", "lots", "MAX_CONCURRENT_RECORDINGS=lots is not a whole"
                        + " number; set it to a whole number from 1 to 1000 (the default is 10)"),
                Arguments.of("UPLOAD_WORKERS", "65", "UPLOAD_WORKERS=65 is above the maximum of 64;"
                        + " set it to a whole number from 1 to 64 (the default is 3)"),
                Arguments.of("UPLOAD_DRAIN_TIMEOUT_SECONDS", "-1", "UPLOAD_DRAIN_TIMEOUT_SECONDS=-1 is below the"
                        + " minimum of 0; set it to a whole number from 0 to 60 (the default is 3)"),
                Arguments.of("LOCAL_RETENTION_DAYS", "1w", "LOCAL_RETENTION_DAYS=1w is not a whole number of days;"
                        + " set it to a whole number from 0 to 36500 (the default is 7)"),
                Arguments.of("MIN_FREE_DISK_MB", "-5", "MIN_FREE_DISK_MB=-5 is below the minimum of 0;"
                        + " set it to a whole number of 0 or more (the default is 1024)"),
                Arguments.of("MIN_FREE_DISK_MB", "9000000000000", "MIN_FREE_DISK_MB=9000000000000 is too large;"
                        + " set it to a whole number of 0 or more (the default is 1024)"),
                Arguments.of("S3_MULTIPART_PART_SIZE_MB", "1", "S3_MULTIPART_PART_SIZE_MB=1 is below the minimum"
                        + " of 5; set it to a whole number from 5 to 5120 (the default is 8)"),
                Arguments.of("S3_MULTIPART_THRESHOLD_MB", "16M", "S3_MULTIPART_THRESHOLD_MB=16M is not a whole"
                        + " number of MB; set it to a whole number from 5 to 5120 (the default is 16)"),
                Arguments.of("HTTP_PORT", "65536", "HTTP_PORT=65536 is above the maximum of 65535;"
                        + " set it to a whole number from 0 to 65535 (the default is 8080)"),
                Arguments.of("S3_CREATE_BUCKET", "maybe", "S3_CREATE_BUCKET=maybe is not true or false;"
                        + " set it to true or false, yes or no, 1 or 0 (the default is true)"),
                Arguments.of("WEB_PROTECT_PROBES", "on", "WEB_PROTECT_PROBES=on is not true or false;"
                        + " set it to true or false, yes or no, 1 or 0 (the default is false)"),
                Arguments.of("S3_FORCE_PATH_STYLE", "sometimes", "S3_FORCE_PATH_STYLE=sometimes is not true or"
                        + " false; set it to true or false, yes or no, 1 or 0 (the default is true when"
                        + " S3_ENDPOINT_URL is set, else false)"),
                Arguments.of("OUTPUT_FORMAT", "avi", "OUTPUT_FORMAT=avi is not a supported format;"
                        + " set it to mp4, mkv or ts (the default is mp4)"),
                Arguments.of("LOG_LEVEL", "LOUD", "LOG_LEVEL=LOUD is not a log level;"
                        + " set it to TRACE, DEBUG, INFO, WARN or ERROR (the default is INFO)"),
                Arguments.of("MEDIAMTX_API_URL", "mediamtx:9997", "MEDIAMTX_API_URL=mediamtx:9997 does not start"
                        + " with http:// or https://; set it to an absolute URL such as http://mediamtx:9997"
                        + " (the default is http://mediamtx:9997)"),
                Arguments.of("MEDIAMTX_API_URL", "/v3/paths", "MEDIAMTX_API_URL=/v3/paths does not start"
                        + " with http:// or https://; set it to an absolute URL such as http://mediamtx:9997"
                        + " (the default is http://mediamtx:9997)"),
                Arguments.of("MEDIAMTX_API_URL", "http:///v3", "MEDIAMTX_API_URL=http:///v3 has no host;"
                        + " set it to an absolute URL such as http://mediamtx:9997 (the default is"
                        + " http://mediamtx:9997)"),
                Arguments.of("MEDIAMTX_API_URL", "http://media mtx", "MEDIAMTX_API_URL=http://media mtx is not a"
                        + " valid URL (Illegal character in authority at index 12); set it to an absolute URL such"
                        + " as http://mediamtx:9997 (the default is http://mediamtx:9997)"),
                Arguments.of("MEDIAMTX_API_URL", "http://media_mtx:9997", "MEDIAMTX_API_URL=http://media_mtx:9997"
                        + " has an invalid host name (use letters, digits, '-' and '.'); set it to an absolute URL"
                        + " such as http://mediamtx:9997 (the default is http://mediamtx:9997)"),
                Arguments.of("MEDIAMTX_API_URL", "http://mediamtx:9997/?x=1", "MEDIAMTX_API_URL="
                        + "http://mediamtx:9997/?x=1 has a query or fragment; set it to an absolute URL such as"
                        + " http://mediamtx:9997 (the default is http://mediamtx:9997)"),
                Arguments.of("MEDIAMTX_API_URL", "http://admin:hunter2@mediamtx:9997", "MEDIAMTX_API_URL="
                        + "http://admin:[REDACTED]@mediamtx:9997 contains a user name or password; put them in"
                        + " MEDIAMTX_API_USER and MEDIAMTX_API_PASSWORD instead"),
                Arguments.of("MEDIAMTX_RTSP_URL", "http://mediamtx:8554", "MEDIAMTX_RTSP_URL=http://mediamtx:8554"
                        + " does not start with rtsp:// or rtsps://; set it to a URL such as rtsp://mediamtx:8554"
                        + " (the default is rtsp://mediamtx:8554)"),
                Arguments.of("S3_ENDPOINT_URL", "minio:9000", "S3_ENDPOINT_URL=minio:9000 does not start with"
                        + " http:// or https://; set it to an absolute URL such as http://minio:9000, or unset it"
                        + " to use AWS S3"),
                Arguments.of("WEBHOOK_URL", "ftp://hooks.example.com/vod", "WEBHOOK_URL=ftp://hooks.example.com/vod"
                        + " does not start with http:// or https://; set it to the absolute URL of your receiver,"
                        + " such as https://example.com/vod-events, or unset it"),
                Arguments.of("WEBHOOK_URL", "https://me:hunter2@hooks.example.com/vod", "WEBHOOK_URL="
                        + "https://me:[REDACTED]@hooks.example.com/vod contains a user name or password; let the"
                        + " receiver check the X-Vod-Signature made with WEBHOOK_SECRET instead"),
                Arguments.of("STREAM_INCLUDE", "cam[", "STREAM_INCLUDE=cam[ is not a valid regular expression"
                        + " (Unclosed character class near index 3); fix it or unset STREAM_INCLUDE"),
                Arguments.of("STREAM_EXCLUDE", "*test", "STREAM_EXCLUDE=*test is not a valid regular expression"
                        + " (Dangling meta character '*' near index 0); fix it or unset STREAM_EXCLUDE"),
                Arguments.of("S3_BUCKET_NAME", "My_Bucket", "S3_BUCKET_NAME=My_Bucket is not a valid bucket name;"
                        + " use 3 to 63 lowercase letters, digits, '.' or '-', starting and ending with a letter"
                        + " or digit (the default is vod)"),
                Arguments.of("S3_BUCKET_NAME", "ab", "S3_BUCKET_NAME=ab is not a valid bucket name;"
                        + " use 3 to 63 lowercase letters, digits, '.' or '-', starting and ending with a letter"
                        + " or digit (the default is vod)"),
                Arguments.of("S3_REGION", "EU West", "S3_REGION=EU West is not a valid region name;"
                        + " use lowercase letters, digits and '-', such as eu-west-1 (the default is us-east-1)"),
                Arguments.of("S3_STORAGE_CLASS", "standard", "S3_STORAGE_CLASS=standard is not a valid storage"
                        + " class; use upper-case letters, digits and '_', such as STANDARD or STANDARD_IA"
                        + " (the default is STANDARD)"),
                Arguments.of("S3_PREFIX", "a/../b", "S3_PREFIX=a/../b contains a '..' segment; use a prefix such"
                        + " as recordings/site-1, without '..' segments, '\\' or control characters"),
                Arguments.of("S3_PREFIX", "a\\b", "S3_PREFIX=a\\b contains a '\\'; use a prefix such"
                        + " as recordings/site-1, without '..' segments, '\\' or control characters"),
                Arguments.of("S3_PREFIX", "a\u0007b", "S3_PREFIX=a\\u0007b contains a control character; use a"
                        + " prefix such as recordings/site-1, without '..' segments, '\\' or control characters"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("singleValueRules")
    void invalidValueGivesAnExactMessage(String name, String value, String expected) {
        assertThat(problems(Map.of(name, value))).containsExactly(expected);
    }

    static Stream<Arguments> crossFieldRules() {
        return Stream.of(
                Arguments.of(Map.of("MEDIAMTX_API_USER", "admin"),
                        "MEDIAMTX_API_USER=admin is set but MEDIAMTX_API_PASSWORD is not; set both or neither"),
                Arguments.of(Map.of("MEDIAMTX_API_PASSWORD", "pw"),
                        "MEDIAMTX_API_PASSWORD=[REDACTED] is set but MEDIAMTX_API_USER is not; set both or neither"),
                Arguments.of(Map.of("S3_ACCESS_KEY_ID", "AKIAEXAMPLE"),
                        "S3_ACCESS_KEY_ID=AKIA******* is set but S3_SECRET_ACCESS_KEY is not; set both or neither"),
                Arguments.of(Map.of("S3_SECRET_ACCESS_KEY", "abc"),
                        "S3_SECRET_ACCESS_KEY=[REDACTED] is set but S3_ACCESS_KEY_ID is not; set both or neither"),
                Arguments.of(Map.of("WEB_USERNAME", "admin"),
                        "WEB_USERNAME=admin is set but WEB_PASSWORD is not; set both or neither"),
                Arguments.of(Map.of("WEB_PASSWORD", "pw"),
                        "WEB_PASSWORD=[REDACTED] is set but WEB_USERNAME is not; set both or neither"),
                Arguments.of(Map.of("WEB_USERNAME", "ad:min", "WEB_PASSWORD", "pw"), "WEB_USERNAME=ad:min"
                        + " contains ':', which basic auth does not allow in a user name; remove it"),
                Arguments.of(Map.of("S3_MULTIPART_PART_SIZE_MB", "32", "S3_MULTIPART_THRESHOLD_MB", "16"),
                        "S3_MULTIPART_PART_SIZE_MB=32 is larger than S3_MULTIPART_THRESHOLD_MB=16; lower"
                                + " S3_MULTIPART_PART_SIZE_MB to at most 16 or raise S3_MULTIPART_THRESHOLD_MB"),
                Arguments.of(Map.of("S3_MULTIPART_PART_SIZE_MB", "20"),
                        "S3_MULTIPART_PART_SIZE_MB=20 is larger than S3_MULTIPART_THRESHOLD_MB=16 (the default);"
                                + " lower S3_MULTIPART_PART_SIZE_MB to at most 16 or raise"
                                + " S3_MULTIPART_THRESHOLD_MB"),
                Arguments.of(Map.of("HOOK_TOKEN", "t", "HOOK_TOKEN_FILE", "/run/secrets/hook"),
                        "HOOK_TOKEN=[REDACTED] and HOOK_TOKEN_FILE=/run/secrets/hook are both set;"
                                + " set only one of them"));
    }

    @ParameterizedTest
    @MethodSource("crossFieldRules")
    void crossFieldRuleNamesBothKeys(Map<String, String> environment, String expected) {
        assertThat(problems(environment)).containsExactly(expected);
    }

    @Test
    void partSizeRuleIsSkippedWhenOneOfTheSizesIsInvalidItself() {
        assertThat(problems(Map.of("S3_MULTIPART_PART_SIZE_MB", "100", "S3_MULTIPART_THRESHOLD_MB", "1")))
                .containsExactly("S3_MULTIPART_THRESHOLD_MB=1 is below the minimum of 5; set it to a whole number"
                        + " from 5 to 5120 (the default is 16)");
    }

    @Test
    void recordingsDirThatIsAFileIsAProblem() throws Exception {
        Files.writeString(workingDirectory.resolve("taken"), "x");

        assertThat(problems(Map.of("RECORDINGS_DIR", "taken"))).containsExactly("RECORDINGS_DIR=taken is not a"
                + " folder (" + workingDirectory.resolve("taken") + " is a file); point it to a folder or move the"
                + " file");
    }

    @Test
    void recordingsDirThatCannotBeCreatedIsAProblem() throws Exception {
        Files.writeString(workingDirectory.resolve("file"), "x");

        assertThat(problems(Map.of("RECORDINGS_DIR", "file/sub"))).containsExactly("RECORDINGS_DIR=file/sub cannot"
                + " be created as " + workingDirectory.resolve("file/sub") + " (" + workingDirectory.resolve("file")
                + " is not a writable folder); create the"
                + " folder or point RECORDINGS_DIR to a writable one");
    }

    @Test
    void missingRecordingsDirIsLeftForTheRecorderToCreate() throws Exception {
        Path folder = workingDirectory.resolve("a/b/c");

        RecorderConfig.load(new ConfigLoader(Map.of("RECORDINGS_DIR", folder.toString()), workingDirectory));

        assertThat(workingDirectory.resolve("a")).doesNotExist();
    }

    private List<String> problems(Map<String, String> environment) {
        InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class,
                () -> RecorderConfig.load(new ConfigLoader(environment, workingDirectory)));
        assertThat(e).as("an InvalidConfigException").isNotNull();
        return e.problems();
    }
}
