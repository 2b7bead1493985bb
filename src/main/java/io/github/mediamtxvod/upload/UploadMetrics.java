package io.github.mediamtxvod.upload;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The upload meters. Prometheus names: {@code vodrecorder_upload_queue_depth}, {@code
 * vodrecorder_uploads_total{outcome}}, {@code vodrecorder_upload_duration_seconds} (histogram),
 * {@code vodrecorder_uploaded_bytes_total}, {@code vodrecorder_upload_oldest_pending_age_seconds}.
 * Gauges read their value at scrape time; a value that
 * cannot be read is NaN. Thread-safe.
 */
final class UploadMetrics {
    /** The closed set of upload outcomes, the {@code outcome} tag. */
    enum Outcome {
        SUCCESS,
        TRANSIENT_ERROR,
        PERMANENT_ERROR;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final MeterRegistry registry;
    private final Map<Outcome, Counter> uploads = new EnumMap<>(Outcome.class);
    private final Timer duration;
    private final Counter bytes;
    private final List<Meter> gauges = new ArrayList<>();
    // this instance's own totals: a registry shared by a restarted service keeps counting across runs
    private final java.util.concurrent.atomic.AtomicLong succeededHere = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong bytesHere = new java.util.concurrent.atomic.AtomicLong();

    UploadMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Outcome outcome : Outcome.values()) {
            uploads.put(outcome, Counter.builder("vodrecorder.uploads")
                    .description("Upload attempts by outcome")
                    .tag("outcome", outcome.tag())
                    .register(registry));
        }
        this.duration = Timer.builder("vodrecorder.upload.duration")
                .description("Time from the start of an upload to S3's confirmation")
                .publishPercentileHistogram()
                .register(registry);
        this.bytes = Counter.builder("vodrecorder.uploaded.bytes")
                .description("Bytes confirmed in S3")
                .baseUnit("bytes")
                .register(registry);
    }

    void registerGauges(Supplier<Number> queueDepth, Supplier<Number> oldestPendingAgeSeconds) {
        gauges.add(Gauge.builder("vodrecorder.upload.queue.depth", safe(queueDepth))
                .description("Segments waiting for upload or being uploaded").register(registry));
        gauges.add(Gauge.builder("vodrecorder.upload.oldest.pending.age", safe(oldestPendingAgeSeconds))
                .description("How long the longest-waiting segment has waited for upload")
                .baseUnit("seconds").register(registry));
    }

    void succeeded(long sizeBytes, Duration elapsed) {
        uploads.get(Outcome.SUCCESS).increment();
        bytes.increment(sizeBytes);
        succeededHere.incrementAndGet();
        bytesHere.addAndGet(sizeBytes);
        duration.record(elapsed);
    }

    void failed(FailureKind kind) {
        Outcome outcome = switch (kind) {
            case PERMANENT -> Outcome.PERMANENT_ERROR;
            case TRANSIENT, LOCAL -> Outcome.TRANSIENT_ERROR;
        };
        uploads.get(outcome).increment();
    }

    long uploadsSucceeded() {
        return succeededHere.get();
    }

    long bytesUploaded() {
        return bytesHere.get();
    }

    /** Removes the gauges, which read components that are closing. */
    void close() {
        for (Meter gauge : gauges) {
            registry.remove(gauge);
        }
        gauges.clear();
    }

    private static Supplier<Number> safe(Supplier<Number> supplier) {
        return () -> {
            try {
                return supplier.get();
            } catch (RuntimeException e) {
                return Double.NaN;
            }
        };
    }
}
