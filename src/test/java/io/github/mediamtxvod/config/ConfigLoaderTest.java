package io.github.mediamtxvod.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.mediamtxvod.RecorderConfig.LoadedConfig;
import io.github.mediamtxvod.RecorderConfig;
import io.github.mediamtxvod.mediamtx.MediaMtxConfig;
import io.github.mediamtxvod.recording.OutputFormat;
import io.github.mediamtxvod.recording.RecordingConfig;
import io.github.mediamtxvod.retention.RetentionConfig;
import io.github.mediamtxvod.upload.S3Config;
import io.github.mediamtxvod.upload.UploadConfig;
import io.github.mediamtxvod.web.WebConfig;
import io.github.mediamtxvod.webhook.WebhookConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private static final long MB = 1024 * 1024;

    @TempDir
    Path workingDirectory;

    @Test
    void emptyEnvironmentGivesTheDocumentedDefaults() throws InvalidConfigException {
        LoadedConfig loaded = RecorderConfig.load(new ConfigLoader(Map.of(), workingDirectory));

        RecorderConfig expected = new RecorderConfig(
                new MediaMtxConfig(URI.create("http://mediamtx:9997"), URI.create("rtsp://mediamtx:8554"),
                        null, null, Duration.ofSeconds(10), Duration.ofSeconds(10), null, null),
                new RecordingConfig(workingDirectory.resolve("recordings"), "ffmpeg", 10,
                        Duration.ofSeconds(60), OutputFormat.MP4, Duration.ofSeconds(20), Duration.ofSeconds(5),
                        Duration.ofSeconds(30)),
                new S3Config(false, null, null, null, "vod", "us-east-1", false, "STANDARD", "", true,
                        16 * MB, 8 * MB),
                new UploadConfig(3, Duration.ofSeconds(3)),
                new RetentionConfig(7, 1024 * MB),
                new WebConfig(8080, null, null, false, null),
                new WebhookConfig(null, null),
                "INFO");
        assertThat(loaded.config()).isEqualTo(expected);
        assertThat(loaded.warnings()).as("local-only mode is logged by the upload stage, once").isEmpty();
        assertThat(workingDirectory.resolve("recordings")).as("created when the recorder starts").doesNotExist();
    }

    @Test
    void everyVariableIsMappedToItsComponent() throws InvalidConfigException {
        Map<String, String> environment = everySettingExplicitly();
        assertThat(environment.keySet())
                .containsExactlyInAnyOrderElementsOf(RecorderConfig.ALL.stream().map(Setting::name).toList());

        LoadedConfig loaded = RecorderConfig.load(new ConfigLoader(environment, workingDirectory));

        RecorderConfig expected = new RecorderConfig(
                new MediaMtxConfig(URI.create("https://media.example.com:9443/api"),
                        URI.create("rtsps://reader:read-pw@media.example.com:8322"), "recorder",
                        new Secret("api-pass-1"), Duration.ofSeconds(5), Duration.ofSeconds(30),
                        Pattern.compile("cam/.*"), Pattern.compile(".*-test")),
                new RecordingConfig(workingDirectory.resolve("data/rec"), "/opt/ffmpeg/bin/ffmpeg", 25,
                        Duration.ofSeconds(300), OutputFormat.MKV, Duration.ofSeconds(45), Duration.ofSeconds(10),
                        Duration.ofSeconds(120)),
                new S3Config(true, URI.create("http://minio:9000"), "AKIAEXAMPLE123",
                        new Secret("s3-secret-xyz"), "my.vod-bucket", "eu-west-1", false, "STANDARD_IA",
                        "site-1/cams", false, 64 * MB, 32 * MB),
                new UploadConfig(8, Duration.ZERO),
                new RetentionConfig(0, 2048 * MB),
                new WebConfig(0, "admin", new Secret("web-pass-2"), true, new Secret("hook-token-3"), 50 * MB,
                        Duration.ofMinutes(10)),
                new WebhookConfig(URI.create("https://hooks.example.com/vod"), new Secret("webhook-secret-4")),
                "DEBUG");
        assertThat(loaded.config())
                .usingRecursiveComparison()
                .withComparatorForType(Comparator.comparing(Pattern::pattern), Pattern.class)
                .isEqualTo(expected);
        assertThat(loaded.warnings()).isEmpty();
    }

    @Test
    void effectiveSettingsAreSortedMaskedAndQuoted() throws InvalidConfigException {
        LoadedConfig loaded = RecorderConfig.load(new ConfigLoader(everySettingExplicitly(), workingDirectory));

        assertThat(loaded.effectiveSettings()).containsExactly(
                "FFMPEG_PATH=\"/opt/ffmpeg/bin/ffmpeg\"",
                "FFMPEG_RESTART_BACKOFF_MAX_SECONDS=120",
                "FFMPEG_STALL_TIMEOUT_SECONDS=45",
                "FFMPEG_STOP_TIMEOUT_SECONDS=10",
                "HOOK_TOKEN=[REDACTED]",
                "HTTP_PORT=0",
                "LOCAL_RETENTION_DAYS=0",
                "LOG_LEVEL=DEBUG",
                "MAX_CONCURRENT_RECORDINGS=25",
                "MEDIAMTX_API_PASSWORD=[REDACTED]",
                "MEDIAMTX_API_TIMEOUT_SECONDS=30",
                "MEDIAMTX_API_URL=\"https://media.example.com:9443/api\"",
                "MEDIAMTX_API_USER=\"recorder\"",
                "MEDIAMTX_RTSP_URL=\"rtsps://reader:[REDACTED]@media.example.com:8322\"",
                "MIN_FREE_DISK_MB=2048",
                "OUTPUT_FORMAT=mkv",
                "PLAYBACK_MAX_DURATION_SECONDS=600",
                "POLLING_INTERVAL=5",
                "RECORDINGS_DIR=\"" + workingDirectory.resolve("data/rec") + "\"",
                "S3_ACCESS_KEY_ID=\"AKIA**********\"",
                "S3_BUCKET_NAME=\"my.vod-bucket\"",
                "S3_CREATE_BUCKET=false",
                "S3_ENDPOINT_URL=\"http://minio:9000\"",
                "S3_FORCE_PATH_STYLE=false",
                "S3_MULTIPART_PART_SIZE_MB=32",
                "S3_MULTIPART_THRESHOLD_MB=64",
                "S3_PREFIX=\"site-1/cams\"",
                "S3_REGION=\"eu-west-1\"",
                "S3_SECRET_ACCESS_KEY=[REDACTED]",
                "S3_STORAGE_CLASS=STANDARD_IA",
                "SEGMENT_DURATION=300",
                "STREAM_EXCLUDE=\".*-test\"",
                "STREAM_INCLUDE=\"cam/.*\"",
                "UPLOAD_DRAIN_TIMEOUT_SECONDS=0",
                "UPLOAD_WORKERS=8",
                "WEBHOOK_SECRET=[REDACTED]",
                "WEBHOOK_URL=\"https://hooks.example.com/vod\"",
                "WEB_PASSWORD=[REDACTED]",
                "WEB_PROTECT_PROBES=true",
                "WEB_THUMBNAIL_CACHE_MB=50",
                "WEB_USERNAME=\"admin\"");
    }

    @Test
    void effectiveSettingsShowUnsetValues() throws InvalidConfigException {
        List<String> lines = RecorderConfig.load(new ConfigLoader(Map.of(), workingDirectory)).effectiveSettings();

        assertThat(lines).hasSize(RecorderConfig.ALL.size()).isSorted().contains(
                "MEDIAMTX_API_USER=(unset)",
                "MEDIAMTX_API_PASSWORD=(unset)",
                "STREAM_INCLUDE=(unset)",
                "S3_ENDPOINT_URL=(unset)",
                "S3_ACCESS_KEY_ID=(unset)",
                "S3_PREFIX=(unset)",
                "HOOK_TOKEN=(unset)",
                "SEGMENT_DURATION=60");
    }

    @Test
    void aWebhookSecretWithoutAUrlIsAWarning() throws InvalidConfigException {
        LoadedConfig loaded = RecorderConfig.load(new ConfigLoader(
                Map.of("WEBHOOK_SECRET", "s3cr3t", "S3_BUCKET_NAME", "vod"), workingDirectory));

        assertThat(loaded.config().webhook().enabled()).isFalse();
        assertThat(loaded.warnings()).containsExactly("WEBHOOK_SECRET=[REDACTED] has no effect without WEBHOOK_URL;"
                + " set WEBHOOK_URL to the receiver's URL to send events");
    }

    @Test
    void anyOfTheFourS3SettingsTurnsUploadsOn() throws InvalidConfigException {
        for (String name : List.of("S3_ENDPOINT_URL", "S3_BUCKET_NAME")) {
            String value = name.equals("S3_ENDPOINT_URL") ? "http://minio:9000" : "vod";
            LoadedConfig loaded = RecorderConfig.load(new ConfigLoader(Map.of(name, value), workingDirectory));
            assertThat(loaded.config().s3().enabled()).as(name).isTrue();
            assertThat(loaded.warnings()).as(name).isEmpty();
        }
        LoadedConfig withKeys = RecorderConfig.load(new ConfigLoader(
                Map.of("S3_ACCESS_KEY_ID", "key-id", "S3_SECRET_ACCESS_KEY", "secret"), workingDirectory));
        assertThat(withKeys.config().s3().enabled()).isTrue();
    }

    @Test
    void otherS3SettingsAloneKeepLocalOnlyModeAndAreNamedInAWarning() throws InvalidConfigException {
        LoadedConfig loaded = RecorderConfig.load(new ConfigLoader(
                Map.of("S3_REGION", "eu-west-1", "UPLOAD_WORKERS", "5"), workingDirectory));

        assertThat(loaded.config().s3().enabled()).isFalse();
        assertThat(loaded.warnings()).containsExactly(
                "S3_REGION, UPLOAD_WORKERS have no effect in local-only mode; set S3_BUCKET_NAME or"
                        + " S3_ENDPOINT_URL to turn uploads on");
    }

    @Test
    void blankValuesCountAsUnset() throws InvalidConfigException {
        LoadedConfig loaded = RecorderConfig.load(new ConfigLoader(
                Map.of("S3_ENDPOINT_URL", "", "SEGMENT_DURATION", "  "), workingDirectory));

        assertThat(loaded.config().s3().enabled()).isFalse();
        assertThat(loaded.config().recording().segmentDuration()).hasSeconds(60);
    }

    @Test
    void pathStyleDefaultsToTrueOnlyWithAnEndpoint() throws InvalidConfigException {
        S3Config withEndpoint = RecorderConfig.load(new ConfigLoader(
                Map.of("S3_ENDPOINT_URL", "http://minio:9000"), workingDirectory)).config().s3();
        S3Config awsS3 = RecorderConfig.load(new ConfigLoader(
                Map.of("S3_BUCKET_NAME", "vod"), workingDirectory)).config().s3();
        S3Config overridden = RecorderConfig.load(new ConfigLoader(
                Map.of("S3_BUCKET_NAME", "vod", "S3_FORCE_PATH_STYLE", "TRUE"), workingDirectory)).config().s3();

        assertThat(withEndpoint.forcePathStyle()).isTrue();
        assertThat(awsS3.forcePathStyle()).isFalse();
        assertThat(overridden.forcePathStyle()).isTrue();
    }

    @Test
    void urlsLoseTheirTrailingSlash() throws InvalidConfigException {
        RecorderConfig config = RecorderConfig.load(new ConfigLoader(Map.of(
                "MEDIAMTX_API_URL", "http://mediamtx:9997/",
                "MEDIAMTX_RTSP_URL", "rtsp://mediamtx:8554//",
                "S3_ENDPOINT_URL", "https://s3.example.com/"), workingDirectory)).config();

        assertThat(config.mediamtx().apiUrl()).hasToString("http://mediamtx:9997");
        assertThat(config.mediamtx().rtspUrl()).hasToString("rtsp://mediamtx:8554");
        assertThat(config.s3().endpoint()).hasToString("https://s3.example.com");
    }

    @Test
    void everyProblemIsReportedAtOnceWithAClosingCount() {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("SEGMENT_DURATION", "abc");
        environment.put("UPLOAD_WORKERS", "0");
        environment.put("OUTPUT_FORMAT", "avi");
        environment.put("WEB_USERNAME", "admin");
        environment.put("UPLOAD_WORKER", "4");

        InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class,
                () -> RecorderConfig.load(new ConfigLoader(environment, workingDirectory)));

        assertThat(e.problems()).containsExactly(
                "SEGMENT_DURATION=abc is not a whole number of seconds; set it to a whole number from 1 to 86400"
                        + " (the default is 60)",
                "OUTPUT_FORMAT=avi is not a supported format; set it to mp4, mkv or ts (the default is mp4)",
                "UPLOAD_WORKERS=0 is below the minimum of 1; set it to a whole number from 1 to 64 (the default is 3)",
                "WEB_USERNAME=admin is set but WEB_PASSWORD is not; set both or neither");
        String warning = "UPLOAD_WORKER=4 is not a known setting. Did you mean UPLOAD_WORKERS?";
        assertThat(e.warnings()).containsExactly(warning,
                "UPLOAD_WORKERS has no effect in local-only mode; set S3_BUCKET_NAME or S3_ENDPOINT_URL to turn"
                        + " uploads on");
        assertThat(e.getMessage().lines()).containsExactly(
                "Error: " + e.problems().get(0),
                "Error: " + e.problems().get(1),
                "Error: " + e.problems().get(2),
                "Error: " + e.problems().get(3),
                "Warning: " + warning,
                "Warning: " + e.warnings().get(1),
                "The configuration has 4 problems; fix them and start again.");
    }

    @Test
    void aSingleProblemIsCountedInTheSingular() {
        assertThatThrownBy(() -> RecorderConfig.load(new ConfigLoader(Map.of("HTTP_PORT", "http"), workingDirectory)))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageEndingWith("The configuration has 1 problem; fix it and start again.");
    }

    static Map<String, String> everySettingExplicitly() {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("MEDIAMTX_API_URL", "https://media.example.com:9443/api/");
        environment.put("MEDIAMTX_RTSP_URL", "rtsps://reader:read-pw@media.example.com:8322");
        environment.put("MEDIAMTX_API_USER", "recorder");
        environment.put("MEDIAMTX_API_PASSWORD", "api-pass-1");
        environment.put("MEDIAMTX_API_TIMEOUT_SECONDS", "30");
        environment.put("POLLING_INTERVAL", "5");
        environment.put("STREAM_INCLUDE", "cam/.*");
        environment.put("STREAM_EXCLUDE", ".*-test");
        environment.put("RECORDINGS_DIR", "data/rec");
        environment.put("FFMPEG_PATH", "/opt/ffmpeg/bin/ffmpeg");
        environment.put("MAX_CONCURRENT_RECORDINGS", "25");
        environment.put("SEGMENT_DURATION", "300");
        environment.put("OUTPUT_FORMAT", "MKV");
        environment.put("FFMPEG_STALL_TIMEOUT_SECONDS", "45");
        environment.put("FFMPEG_STOP_TIMEOUT_SECONDS", "10");
        environment.put("FFMPEG_RESTART_BACKOFF_MAX_SECONDS", "120");
        environment.put("S3_ENDPOINT_URL", "http://minio:9000");
        environment.put("S3_ACCESS_KEY_ID", "AKIAEXAMPLE123");
        environment.put("S3_SECRET_ACCESS_KEY", "s3-secret-xyz");
        environment.put("S3_BUCKET_NAME", "my.vod-bucket");
        environment.put("S3_REGION", "eu-west-1");
        environment.put("S3_FORCE_PATH_STYLE", "no");
        environment.put("S3_STORAGE_CLASS", "STANDARD_IA");
        environment.put("S3_PREFIX", "/site-1/cams/");
        environment.put("S3_CREATE_BUCKET", "0");
        environment.put("S3_MULTIPART_THRESHOLD_MB", "64");
        environment.put("S3_MULTIPART_PART_SIZE_MB", "32");
        environment.put("UPLOAD_WORKERS", "8");
        environment.put("UPLOAD_DRAIN_TIMEOUT_SECONDS", "0");
        environment.put("LOCAL_RETENTION_DAYS", "0");
        environment.put("MIN_FREE_DISK_MB", "2048");
        environment.put("HTTP_PORT", "0");
        environment.put("WEB_USERNAME", "admin");
        environment.put("WEB_PASSWORD", "web-pass-2");
        environment.put("WEB_PROTECT_PROBES", "YES");
        environment.put("HOOK_TOKEN", "hook-token-3");
        environment.put("WEB_THUMBNAIL_CACHE_MB", "50");
        environment.put("PLAYBACK_MAX_DURATION_SECONDS", "600");
        environment.put("WEBHOOK_URL", "https://hooks.example.com/vod/");
        environment.put("WEBHOOK_SECRET", "webhook-secret-4");
        environment.put("LOG_LEVEL", "debug");
        return environment;
    }
}
