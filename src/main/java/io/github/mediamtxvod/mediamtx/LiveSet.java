package io.github.mediamtxvod.mediamtx;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * What MediaMTX says is live, as the next stage hears it: the list of every poll and, in between,
 * the answers about single paths (after a hook, after an FFmpeg exit). Both pass through here in
 * the order their requests were <em>sent</em>, so an older answer never undoes a newer one:
 *
 * <ul>
 *   <li>a poll sent before a single-path check is corrected by that check, path by path;
 *   <li>a check sent before the latest poll is passed on only when that poll agrees with it.
 * </ul>
 *
 * <p>Live paths that STREAM_INCLUDE/STREAM_EXCLUDE reject are never passed on; a path found gone
 * always is (stopping what is not recorded does nothing). The checks remembered for the next
 * poll are bounded ({@value #MAX_RECENT_CHECKS}, oldest dropped first): a hostile caller can only
 * cost itself precision, never memory.
 *
 * <p>Thread-safe. The listener ({@link #whenAnswered}, wired once before polls and checks start;
 * answers before that are dropped) is called with this object's lock held, one call at a time, in
 * the order above: it must hand the news on (e.g. enqueue it) and not block. {@link #now()} is
 * the one monotonic clock every request's send time is read from.
 */
public final class LiveSet {
    static final int MAX_RECENT_CHECKS = 1_024;
    private static final Comparator<MediaMtxPath> BY_NAME = Comparator.comparing(MediaMtxPath::name);

    /** Receives MediaMTX's answers in order. */
    public interface Listener {
        /** A poll: every live path that passes the stream filters, sorted by name. */
        void polled(List<MediaMtxPath> live);

        /** MediaMTX confirmed that this path is live (available and online). */
        void confirmedLive(MediaMtxPath path);

        /** MediaMTX confirmed that this path is not live: unknown to it, or not available. */
        void confirmedGone(String name);
    }

    /** A single-path answer, remembered until a poll sent after it is applied. */
    private record Check(long sentNanos, MediaMtxPath livePath) {}

    private static final Listener NOBODY = new Listener() {
        @Override
        public void polled(List<MediaMtxPath> live) {}

        @Override
        public void confirmedLive(MediaMtxPath path) {}

        @Override
        public void confirmedGone(String name) {}
    };

    private final MediaMtxConfig config;
    private final LongSupplier nanoTime;
    private volatile Listener listener = NOBODY;
    private final Object lock = new Object();
    // @GuardedBy("lock")
    private final Map<String, Check> recentChecks = new LinkedHashMap<>();
    // @GuardedBy("lock")
    private boolean polled;
    // @GuardedBy("lock")
    private long lastPollSentNanos;
    // @GuardedBy("lock")
    private Set<String> lastPolledLive = Set.of();

    public LiveSet(MediaMtxConfig config) {
        this(config, System::nanoTime);
    }

    LiveSet(MediaMtxConfig config, LongSupplier nanoTime) {
        this.config = requireNonNull(config, "config is null");
        this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
    }

    /** Where the answers go; wire it once, before the poller and the checks start. */
    public void whenAnswered(Listener target) {
        listener = requireNonNull(target, "target is null");
    }

    /** The monotonic time to stamp a request with, just before it is sent. */
    long now() {
        return nanoTime.getAsLong();
    }

    /**
     * The answer of a poll sent at {@code sentNanos}: every live path that passes the filters.
     * Passed on corrected by the checks sent after it.
     */
    void polled(long sentNanos, List<MediaMtxPath> live) {
        synchronized (lock) {
            Map<String, MediaMtxPath> byName = new LinkedHashMap<>();
            live.forEach(path -> byName.put(path.name(), path));
            for (Iterator<Map.Entry<String, Check>> it = recentChecks.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Check> entry = it.next();
                Check check = entry.getValue();
                if (check.sentNanos() - sentNanos <= 0) {
                    it.remove(); // this poll is newer than the check
                } else if (check.livePath() == null) {
                    byName.remove(entry.getKey());
                } else if (config.accepts(entry.getKey())) {
                    byName.put(entry.getKey(), check.livePath());
                }
            }
            List<MediaMtxPath> corrected = new ArrayList<>(byName.values());
            corrected.sort(BY_NAME);
            polled = true;
            lastPollSentNanos = sentNanos;
            lastPolledLive = new HashSet<>(byName.keySet());
            listener.polled(List.copyOf(corrected));
        }
    }

    /**
     * The answer of a check of one path sent at {@code sentNanos}: {@code path} as MediaMTX
     * describes it, empty when MediaMTX has no such path. It corrects the polls sent before it;
     * {@code passOn} says whether the listener hears it too (false when the asker acts on the
     * answer itself).
     *
     * @return whether it was passed on (false when not asked to, when a newer poll says
     *     otherwise, or when the path is live but filtered out)
     */
    boolean checked(long sentNanos, String name, Optional<MediaMtxPath> path, boolean passOn) {
        requireNonNull(name, "name is null");
        MediaMtxPath livePath = path.filter(MediaMtxPath::live).orElse(null);
        synchronized (lock) {
            if (polled && sentNanos - lastPollSentNanos <= 0) {
                if ((livePath != null) != lastPolledLive.contains(name)) {
                    return false; // the poll is newer and disagrees
                }
            } else {
                remember(name, new Check(sentNanos, livePath));
            }
            if (!passOn) {
                return false;
            }
            if (livePath == null) {
                listener.confirmedGone(name);
                return true;
            }
            if (!config.accepts(name)) {
                return false;
            }
            listener.confirmedLive(livePath);
            return true;
        }
    }

    // @GuardedBy("lock")
    private void remember(String name, Check check) {
        recentChecks.remove(name); // re-inserted last: the map is ordered oldest first
        recentChecks.put(name, check);
        if (recentChecks.size() > MAX_RECENT_CHECKS) {
            Iterator<String> oldest = recentChecks.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }
}
