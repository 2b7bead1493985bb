package io.github.mediamtxvod.recording;

import io.github.mediamtxvod.runtime.TransitionLog;
import java.net.URI;
import java.time.InstantSource;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every {@link StreamRecorder} of one supervisor shares. The supervisor owns each part and
 * outlives its recorders.
 *
 * @param rtspUrl        MediaMTX's RTSP base URL
 * @param launcher       starts every FFmpeg from one thread
 * @param timer          the one timer thread: stall checks and the steps of stopping FFmpeg
 * @param pathCheck      asks MediaMTX about a path when FFmpeg ended by itself
 * @param disk           says when a stream that hit a full disk may start again
 * @param diskFull       the one log of "the disk is full" across streams
 * @param activeSessions session folders (relative paths) whose files FFmpeg may still write
 */
record RecorderContext(
        RecordingConfig config,
        URI rtspUrl,
        ProcessLauncher launcher,
        InstantSource clock,
        ScheduledExecutorService timer,
        PathCheck pathCheck,
        DiskGuard disk,
        TransitionLog diskFull,
        Set<String> activeSessions) {}
