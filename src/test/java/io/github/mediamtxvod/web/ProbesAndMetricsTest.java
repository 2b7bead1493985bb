package io.github.mediamtxvod.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mediamtxvod.testing.TestConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbesAndMetricsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** One sample line of the text format: name, optional labels, value, optional timestamp. */
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*\\})? "
                    + "(-?[0-9.eE+-]+|NaN|[+-]Inf)( -?[0-9]+)?");
    private static final Pattern COMMENT = Pattern.compile("# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*");

    @TempDir
    Path recordings;

    private TestServer test;

    @BeforeEach
    void setUp() throws IOException {
        test = TestServer.start(recordings, TestConfig.open());
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void healthIsUp() throws IOException {
        HttpResponse<String> response = test.get("/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("status").asText()).isEqualTo("UP");
    }

    @Test
    void readyIs200WhenReady() throws IOException {
        HttpResponse<String> response = test.get("/ready");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("status").asText()).isEqualTo("READY");
        assertThat(body.path("reasons")).isEmpty();
    }

    @Test
    void readyIs503WithReasonsWhenNot() throws IOException {
        test.view.mediamtx = new io.github.mediamtxvod.mediamtx.PollerStatus(false, null, "connection refused", 3, 3);
        test.view.freeBytes = 200L << 20;

        HttpResponse<String> response = test.get("/ready");

        assertThat(response.statusCode()).isEqualTo(503);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("status").asText()).isEqualTo("NOT_READY");
        assertThat(body.path("reasons")).extracting(JsonNode::asText).containsExactly(
                "MediaMTX API not reachable: connection refused", "free disk space below MIN_FREE_DISK_MB");
    }

    @Test
    void metricsAreValidPrometheusTextWithOurMetersAndTheJvms() {
        Counter.builder("vodrecorder.uploads").tag("outcome", "success").register(test.registry).increment(3);
        Timer.builder("vodrecorder.upload.duration").register(test.registry).record(Duration.ofMillis(1500));
        test.registry.gauge("vodrecorder.recordings.active", 2);

        HttpResponse<String> response = test.get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        Map<String, String> samples = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (line.startsWith("#")) {
                assertThat(line).matches(COMMENT);
                continue;
            }
            Matcher matcher = SAMPLE.matcher(line);
            assertThat(matcher.matches()).as(line).isTrue();
            samples.put(matcher.group(1) + (matcher.group(2) == null ? "" : matcher.group(2)), matcher.group(3));
        }
        assertThat(samples).containsEntry("vodrecorder_uploads_total{outcome=\"success\"}", "3.0");
        assertThat(samples).containsEntry("vodrecorder_upload_duration_seconds_count", "1");
        assertThat(samples).containsEntry("vodrecorder_upload_duration_seconds_sum", "1.5");
        assertThat(samples).containsEntry("vodrecorder_recordings_active", "2.0");
        assertThat(samples.keySet()).anyMatch(k -> k.startsWith("jvm_memory_used_bytes{"));
        assertThat(samples.keySet()).anyMatch(k -> k.startsWith("jvm_threads_live_threads"));
        assertThat(samples.keySet()).anyMatch(k -> k.startsWith("jvm_classes_loaded_classes"));
        assertThat(samples.keySet()).anyMatch(k -> k.startsWith("process_uptime_seconds"));
        assertThat(samples.keySet()).anyMatch(k -> k.startsWith("system_cpu_count"));
        assertThat(response.body()).contains("# TYPE vodrecorder_uploads_total counter");
    }
}
