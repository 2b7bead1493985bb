package io.github.mediamtxvod.upload;

import io.github.mediamtxvod.RecorderConfig;
import io.github.mediamtxvod.catalog.Catalog;
import io.github.mediamtxvod.catalog.CatalogKeeper;
import io.github.mediamtxvod.catalog.SegmentState;
import io.github.mediamtxvod.recording.DiskGuard;
import io.github.mediamtxvod.recording.DiskSpace;
import io.github.mediamtxvod.recording.Segment;
import io.github.mediamtxvod.retention.RetentionJanitor;
import io.github.mediamtxvod.runtime.Lifecycle;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;

/**
 * The stages after recording, wired as the recorder wires them (catalogue → upload workers →
 * retention, with the disk guard), with short timings so tests finish quickly. A test feeds it
 * finished segments with {@link #record} and closes it.
 */
final class UploadStage implements AutoCloseable {
    final Catalog catalog;
    final CatalogKeeper keeper;
    final UploadWorkers workers;
    final RetentionJanitor retention;
    final DiskGuard disk;
    final S3Reader s3;
    private final Lifecycle lifecycle = new Lifecycle();

    private UploadStage(RecorderConfig config, DiskSpace space, MeterRegistry registry) {
        InstantSource clock = InstantSource.system();
        disk = new DiskGuard(config.recording().recordingsDir(), config.retention().minFreeDiskBytes(), space)
                .register(registry);
        catalog = new Catalog(config.recording().recordingsDir(), clock);
        keeper = new CatalogKeeper(catalog, session -> false);
        UploadTuning tuning = UploadHarness.fastTuning(config);
        workers = new UploadWorkers(catalog, config.s3(), config.upload().workers(), clock, registry, tuning);
        s3 = new S3Reader(config.s3());
        retention = new RetentionJanitor(catalog, config.retention(), config.s3().enabled(), disk, clock,
                tuning.janitorPeriod());
        catalog.whenPending(workers::wake);
        catalog.whenRecovered(() -> {
            workers.wake();
            retention.requestRun();
        });
        workers.whenConfirmed(config.retention().localRetentionDays() == 0 ? retention::requestRun : () -> { });
        disk.whenLow(retention::requestRun);
    }

    static UploadStage start(RecorderConfig config) {
        return start(config, DiskSpace.fileStore(), new SimpleMeterRegistry());
    }

    static UploadStage start(RecorderConfig config, DiskSpace space) {
        return start(config, space, new SimpleMeterRegistry());
    }

    static UploadStage start(RecorderConfig config, DiskSpace space, MeterRegistry registry) {
        UploadStage stage = new UploadStage(config, space, registry);
        try {
            stage.lifecycle.start("catalogue", stage.catalog, catalog -> {
                catalog.start();
                catalog.reconcileAtStart();
            });
            stage.lifecycle.start("catalogue keeper", stage.keeper, CatalogKeeper::start);
            stage.lifecycle.start("uploads", stage.workers, UploadWorkers::start);
            stage.lifecycle.start("S3 reader", stage.s3, S3Reader::start);
            stage.lifecycle.start("retention", stage.retention, RetentionJanitor::start);
        } catch (RuntimeException e) {
            stage.close();
            throw e;
        }
        return stage;
    }

    /** A segment FFmpeg finished, as the recording stage hands it on. */
    void record(Segment segment) {
        catalog.segmentFinished(segment);
    }

    UploadStatus status() {
        return workers.status();
    }

    long count(SegmentState state) {
        return catalog.countByState().get(state);
    }

    Optional<URI> presignedUrl(String relativePath, Duration expiry) {
        return catalog.segment(relativePath).flatMap(entry -> s3.presignedGet(entry, expiry));
    }

    @Override
    public void close() {
        lifecycle.close();
    }
}
