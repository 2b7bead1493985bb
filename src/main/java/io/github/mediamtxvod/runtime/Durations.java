package io.github.mediamtxvod.runtime;

import java.time.Duration;
import java.util.Locale;

/** Durations for people, in log lines and messages. */
public final class Durations {
    private Durations() {}

    /** {@code 500 ms}, {@code 10 s}, {@code 1.5 s}, {@code 2 min 5 s}, {@code 3 h 0 min}. */
    public static String describe(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1000) {
            return millis + " ms";
        }
        if (millis < 60_000) {
            return millis % 1000 == 0
                    ? millis / 1000 + " s"
                    : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        long seconds = duration.toSeconds();
        if (seconds < 3600) {
            return seconds / 60 + " min " + seconds % 60 + " s";
        }
        return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
    }
}
