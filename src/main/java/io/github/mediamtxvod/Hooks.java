package io.github.mediamtxvod;

import io.github.mediamtxvod.mediamtx.MediaMtxConfig;

import io.github.mediamtxvod.mediamtx.PathPoller;
import io.github.mediamtxvod.recording.LiveStream;
import io.github.mediamtxvod.recording.RecordingStatus;
import io.github.mediamtxvod.recording.RecordingSupervisor;
import io.github.mediamtxvod.recording.SegmentLayout;
import io.github.mediamtxvod.web.RecorderView.HookOutcome;
import io.github.mediamtxvod.web.RecorderView.HookResult;
import java.util.List;
import java.util.Optional;

/**
 * MediaMTX's hooks: a path became ready, or went away. The name is untrusted and checked like a
 * name from the API; STREAM_INCLUDE/STREAM_EXCLUDE apply. Thread-safe.
 */
final class Hooks {
    private static final int MAX_NAME_LENGTH = 1024;

    private final MediaMtxConfig config;
    private final RecordingSupervisor recording;
    private final PathPoller discovery;

    Hooks(MediaMtxConfig config, RecordingSupervisor recording, PathPoller discovery) {
        this.config = config;
        this.recording = recording;
        this.discovery = discovery;
    }

    HookResult ready(String pathName) {
        Optional<String> invalid = invalidName(pathName);
        if (invalid.isPresent()) {
            return new HookResult(HookOutcome.INVALID, invalid.get());
        }
        if (!config.accepts(pathName)) {
            return new HookResult(HookOutcome.IGNORED, "excluded by STREAM_INCLUDE/STREAM_EXCLUDE");
        }
        RecordingStatus status = recording.status();
        boolean recordingNow = status.recording().stream().anyMatch(stream -> stream.name().equals(pathName));
        recording.streamAvailable(new LiveStream(pathName, List.of()));
        discovery.pollNow();
        if (recordingNow) {
            return new HookResult(HookOutcome.ALREADY_RECORDING, "already recording");
        }
        if (status.recording().size() >= status.maxConcurrent()) {
            return new HookResult(HookOutcome.WAITING, "all " + status.maxConcurrent() + " recording slots are in use");
        }
        return new HookResult(HookOutcome.STARTED, "recording starts now");
    }

    HookResult notReady(String pathName) {
        Optional<String> invalid = invalidName(pathName);
        if (invalid.isPresent()) {
            return new HookResult(HookOutcome.INVALID, invalid.get());
        }
        boolean recordingNow = recording.status().recording().stream().anyMatch(stream -> stream.name().equals(pathName));
        recording.streamUnavailable(pathName);
        return recordingNow
                ? new HookResult(HookOutcome.STOPPED, "recording stops now")
                : new HookResult(HookOutcome.NOT_RECORDING, "not recording");
    }

    /** Hook path names are untrusted: the same rules as names from the API. */
    private static Optional<String> invalidName(String name) {
        if (name == null || name.isBlank()) {
            return Optional.of("path is empty");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            return Optional.of("path is longer than " + MAX_NAME_LENGTH + " characters");
        }
        if (name.codePoints().anyMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT)) {
            return Optional.of("path contains control characters");
        }
        if (SegmentLayout.safeStreamName(name).isEmpty()) {
            return Optional.of("path cannot be mapped to a folder");
        }
        return Optional.empty();
    }
}
