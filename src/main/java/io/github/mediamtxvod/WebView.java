package io.github.mediamtxvod;

import io.github.mediamtxvod.catalog.Catalog;
import io.github.mediamtxvod.catalog.CatalogView;
import io.github.mediamtxvod.catalog.Entry;
import io.github.mediamtxvod.catalog.StoredIndex;
import io.github.mediamtxvod.mediamtx.PathPoller;
import io.github.mediamtxvod.mediamtx.PollerStatus;
import io.github.mediamtxvod.mp4.SegmentSource;
import io.github.mediamtxvod.recording.DiskGuard;
import io.github.mediamtxvod.recording.RecordingStatus;
import io.github.mediamtxvod.recording.RecordingSupervisor;
import io.github.mediamtxvod.upload.S3Reader;
import io.github.mediamtxvod.upload.UploadStatus;
import io.github.mediamtxvod.upload.UploadWorkers;
import io.github.mediamtxvod.web.RecorderView;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The stages as the web server reads them: each one's own snapshot, nothing translated. Thread-safe. */
final class WebView implements RecorderView {
    /** Presigned playback URLs live long enough to play a long segment, short enough to leak little. */
    private static final Duration PRESIGN_EXPIRY = Duration.ofMinutes(30);

    private final Recorder.RecorderState lifecycle;
    private final RecordingSupervisor recordingStage;
    private final PathPoller discovery;
    private final Catalog catalogue;
    private final UploadWorkers uploadWorkers;
    private final S3Reader s3;
    private final DiskGuard diskGuard;
    private final Hooks hooks;

    WebView(Recorder.RecorderState lifecycle, RecordingSupervisor recordingStage, PathPoller discovery,
            Catalog catalogue, UploadWorkers uploadWorkers, S3Reader s3, DiskGuard diskGuard, Hooks hooks) {
        this.lifecycle = lifecycle;
        this.recordingStage = recordingStage;
        this.discovery = discovery;
        this.catalogue = catalogue;
        this.uploadWorkers = uploadWorkers;
        this.s3 = s3;
        this.diskGuard = diskGuard;
        this.hooks = hooks;
    }

    @Override
    public State state() {
        return lifecycle.get();
    }

    @Override
    public RecordingStatus recording() {
        return recordingStage.status();
    }

    @Override
    public PollerStatus mediamtx() {
        return discovery.status();
    }

    @Override
    public UploadStatus uploads() {
        return uploadWorkers.status();
    }

    @Override
    public CatalogView catalog() {
        return catalogue;
    }

    @Override
    public DiskGuard disk() {
        return diskGuard;
    }

    @Override
    public Optional<URI> presignedUrl(Entry entry) {
        return s3.presignedGet(entry, PRESIGN_EXPIRY);
    }

    @Override
    public Optional<SegmentSource> s3Source(Entry entry) {
        return s3.source(entry);
    }

    @Override
    public void storeFragmentIndexes(List<StoredIndex> indexes) {
        catalogue.storeFragmentIndexes(indexes);
    }

    @Override
    public HookResult hook(boolean ready, String pathName) {
        return ready ? hooks.ready(pathName) : hooks.notReady(pathName);
    }
}
