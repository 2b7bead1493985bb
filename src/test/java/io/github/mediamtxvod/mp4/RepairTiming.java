package io.github.mediamtxvod.mp4;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Runs the in-place timing repair ({@link LeadingTiming#repair}) on the files named, as the
 * recorder does before it queues a session's first segment, and prints what it did. For checking
 * the repair on copies of recorded segments: it writes the files it is given.
 */
public final class RepairTiming {
    private RepairTiming() {}

    public static void main(String[] args) throws Exception {
        for (String name : args) {
            Optional<LeadingTiming.Repair> repair = LeadingTiming.repair(Path.of(name));
            System.out.println(name + ": " + repair.map(Object::toString).orElse("not written"));
        }
    }
}
