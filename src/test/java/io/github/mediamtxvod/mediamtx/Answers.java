package io.github.mediamtxvod.mediamtx;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * A {@link LiveSet.Listener} that writes down what it hears, in order, as short lines: {@code
 * "polled [cam1, cam2]"}, {@code "live cam1"}, {@code "gone cam1"}; a poll also goes to an
 * optional consumer (which may throw, to test the poller's handling).
 */
final class Answers implements LiveSet.Listener {
    final BlockingQueue<String> heard = new LinkedBlockingQueue<>();
    private final Consumer<List<MediaMtxPath>> polls;

    Answers() {
        this(paths -> { });
    }

    Answers(Consumer<List<MediaMtxPath>> polls) {
        this.polls = polls;
    }

    @Override
    public void polled(List<MediaMtxPath> live) {
        heard.add("polled " + live.stream().map(MediaMtxPath::name).toList());
        polls.accept(live);
    }

    @Override
    public void confirmedLive(MediaMtxPath path) {
        heard.add("live " + path.name());
    }

    @Override
    public void confirmedGone(String name) {
        heard.add("gone " + name);
    }

    /** Everything heard so far, removed. */
    List<String> drain() {
        List<String> lines = new ArrayList<>();
        heard.drainTo(lines);
        return lines;
    }
}
