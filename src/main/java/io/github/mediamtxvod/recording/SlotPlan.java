package io.github.mediamtxvod.recording;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which streams to stop and which to start, given the live streams and the recordings running.
 * Pure. Live streams are ordered by when they were first seen live, then by name, so the waiting
 * list is deterministic; a stream whose recorder is still stopping keeps its slot.
 *
 * @param toStop running streams that are no longer live
 * @param toStart waiting streams that get a free slot now, in order
 * @param waiting live streams still without a slot after this plan, in order
 */
record SlotPlan(List<String> toStop, List<String> toStart, List<String> waiting) {

    /**
     * @param live live stream names with the sequence number of when each was first seen live
     * @param running streams holding a slot (recording or stopping)
     * @param stopping the subset of {@code running} already stopping
     * @param maxConcurrent MAX_CONCURRENT_RECORDINGS
     * @param mayStartNew false while the disk guard forbids new recordings
     */
    static SlotPlan plan(
            Map<String, Long> live, Collection<String> running, Set<String> stopping, int maxConcurrent, boolean mayStartNew) {
        List<String> toStop = new ArrayList<>();
        for (String name : running) {
            if (!live.containsKey(name) && !stopping.contains(name)) {
                toStop.add(name);
            }
        }
        toStop.sort(Comparator.naturalOrder());
        List<String> candidates = live.keySet().stream()
                .filter(name -> !running.contains(name))
                .sorted(Comparator.comparing((String name) -> live.get(name)).thenComparing(Comparator.naturalOrder()))
                .toList();
        int free = mayStartNew ? Math.max(0, maxConcurrent - running.size()) : 0;
        int starting = Math.min(free, candidates.size());
        return new SlotPlan(
                List.copyOf(toStop),
                List.copyOf(candidates.subList(0, starting)),
                List.copyOf(candidates.subList(starting, candidates.size())));
    }
}
