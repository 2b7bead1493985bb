package io.github.mediamtxvod.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class CausesTest {
    @Test
    void aFailureWithoutCauseIsItsOwnRoot() {
        IOException failure = new IOException("disk full");
        assertThat(Causes.root(failure)).isSameAs(failure);
    }

    @Test
    void theInnermostCauseIsFound() {
        IOException root = new IOException("No space left on device");
        Exception failure = new IllegalStateException("cannot write", new UncheckedIOException("write failed", root));
        assertThat(Causes.root(failure)).isSameAs(root);
    }

    @Test
    @Timeout(10)
    void aChainThatLoopsEndsAfterAFewLevels() {
        Exception a = new Exception("a");
        Exception b = new Exception("b", a);
        a.initCause(b);
        assertThat(Causes.root(a)).isIn(a, b);
    }

    @Test
    void aLongChainIsFollowedEightLevelsDown() {
        Exception failure = new Exception("level 0");
        Exception top = failure;
        for (int level = 1; level <= 12; level++) {
            Exception cause = new Exception("level " + level);
            failure.initCause(cause);
            failure = cause;
        }
        assertThat(Causes.root(top)).hasMessage("level " + Causes.MAX_DEPTH);
    }
}
