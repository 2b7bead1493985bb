package io.github.mediamtxvod.runtime;

import static java.util.Objects.requireNonNull;

/** The innermost cause of a failure, for log lines and messages. */
public final class Causes {
    /** How far a chain of causes is followed: a chain may loop (A caused by B caused by A). */
    static final int MAX_DEPTH = 8;

    private Causes() {}

    /** The failure's innermost cause, at most {@value #MAX_DEPTH} levels down; the failure itself when it has none. */
    public static Throwable root(Throwable failure) {
        requireNonNull(failure, "failure is null");
        Throwable root = failure;
        for (int depth = 0; depth < MAX_DEPTH && root.getCause() != null && root.getCause() != root; depth++) {
            root = root.getCause();
        }
        return root;
    }
}
