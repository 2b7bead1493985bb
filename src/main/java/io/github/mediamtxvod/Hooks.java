package io.github.mediamtxvod;

import io.github.mediamtxvod.mediamtx.MediaMtxConfig;
import io.github.mediamtxvod.mediamtx.PathChecks;
import io.github.mediamtxvod.mediamtx.PathPoller;
import io.github.mediamtxvod.recording.RecordingStatus;
import io.github.mediamtxvod.recording.RecordingSupervisor;
import io.github.mediamtxvod.recording.SegmentLayout;
import io.github.mediamtxvod.web.RecorderView.HookOutcome;
import io.github.mediamtxvod.web.RecorderView.HookResult;
import java.util.Optional;

/**
 * MediaMTX's hooks: a path became ready, or went away. A hook is a hint, not a command: anyone who
 * can reach the endpoint can send one, so the recorder asks MediaMTX about that path at once
 * ({@link PathChecks}) and acts only on what MediaMTX confirms; the confirmed answer reaches the
 * recording stage through the same ordered path as the polls. Ready for a path that is not
 * live starts nothing; not-ready for a path that is still live stops nothing; when MediaMTX cannot
 * answer nothing changes and a poll is asked for. The name is untrusted and checked like a name
 * from the API; STREAM_INCLUDE/STREAM_EXCLUDE apply. Thread-safe; blocks at most
 * MEDIAMTX_API_TIMEOUT_SECONDS.
 */
final class Hooks {
    private static final int MAX_NAME_LENGTH = 1024;

    private final MediaMtxConfig config;
    private final RecordingSupervisor recording;
    private final PathChecks checks;
    private final PathPoller discovery;

    Hooks(MediaMtxConfig config, RecordingSupervisor recording, PathChecks checks, PathPoller discovery) {
        this.config = config;
        this.recording = recording;
        this.checks = checks;
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
        PathChecks.Answer answer = checked(pathName);
        return switch (answer.liveness()) {
            case UNKNOWN -> unconfirmed(answer, "nothing starts until a poll finds it live");
            case GONE -> new HookResult(HookOutcome.NOT_LIVE, answer.detail() + "; nothing starts");
            case LIVE -> {
                if (recordingNow(status, pathName)) {
                    yield new HookResult(HookOutcome.ALREADY_RECORDING, "already recording");
                }
                if (status.recording().size() >= status.maxConcurrent()) {
                    yield new HookResult(HookOutcome.WAITING,
                            "all " + status.maxConcurrent() + " recording slots are in use");
                }
                yield new HookResult(HookOutcome.STARTED, "recording starts now");
            }
        };
    }

    HookResult notReady(String pathName) {
        Optional<String> invalid = invalidName(pathName);
        if (invalid.isPresent()) {
            return new HookResult(HookOutcome.INVALID, invalid.get());
        }
        boolean recordingNow = recordingNow(recording.status(), pathName);
        PathChecks.Answer answer = checked(pathName);
        return switch (answer.liveness()) {
            case UNKNOWN -> unconfirmed(answer, "nothing stops until a poll misses it");
            case LIVE -> new HookResult(HookOutcome.STILL_LIVE, answer.detail() + "; nothing stops");
            case GONE -> recordingNow
                    ? new HookResult(HookOutcome.STOPPED, "recording stops now")
                    : new HookResult(HookOutcome.NOT_RECORDING, "not recording");
        };
    }

    /**
     * MediaMTX's answer about the path. When it cannot answer, or the polls are failing, a poll is
     * asked for (at most one a second): the safety net, and /ready learns at once that MediaMTX
     * fails or works again.
     */
    private PathChecks.Answer checked(String pathName) {
        PathChecks.Answer answer = checks.check(pathName);
        if (answer.liveness() == PathChecks.Liveness.UNKNOWN || !discovery.status().reachable()) {
            discovery.pollNow();
        }
        return answer;
    }

    private static HookResult unconfirmed(PathChecks.Answer answer, String consequence) {
        return new HookResult(HookOutcome.UNCONFIRMED,
                "MediaMTX did not confirm it (" + answer.detail() + "); " + consequence);
    }

    private static boolean recordingNow(RecordingStatus status, String pathName) {
        return status.recording().stream().anyMatch(stream -> stream.name().equals(pathName));
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
