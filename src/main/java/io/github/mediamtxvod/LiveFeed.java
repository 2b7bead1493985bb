package io.github.mediamtxvod;

import io.github.mediamtxvod.mediamtx.LiveSet;
import io.github.mediamtxvod.mediamtx.MediaMtxPath;
import io.github.mediamtxvod.recording.LiveStream;
import io.github.mediamtxvod.recording.RecordingSupervisor;
import java.util.ArrayList;
import java.util.List;

/**
 * Hands what MediaMTX confirmed (polls, and single-path answers after hooks and FFmpeg exits) to
 * the recording stage. Every call only enqueues work on the supervisor's thread. Thread-safe.
 */
final class LiveFeed implements LiveSet.Listener {
    private final RecordingSupervisor recording;

    LiveFeed(RecordingSupervisor recording) {
        this.recording = recording;
    }

    @Override
    public void polled(List<MediaMtxPath> live) {
        List<LiveStream> streams = new ArrayList<>(live.size());
        for (MediaMtxPath path : live) {
            streams.add(stream(path));
        }
        recording.updateLiveStreams(streams);
    }

    @Override
    public void confirmedLive(MediaMtxPath path) {
        recording.streamAvailable(stream(path));
    }

    @Override
    public void confirmedGone(String name) {
        recording.streamUnavailable(name);
    }

    private static LiveStream stream(MediaMtxPath path) {
        return new LiveStream(path.name(), path.trackCodecs());
    }
}
