package io.github.mediamtxvod.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LifecycleTest {
    private final List<String> events = new ArrayList<>();

    private AutoCloseable component(String name, boolean failsToStop) {
        return () -> {
            events.add("stop " + name);
            if (failsToStop) {
                throw new IllegalStateException(name + " is stuck");
            }
        };
    }

    @Test
    void stopsInReverseStartOrderAndKeepsGoingAfterAFailure() {
        Lifecycle lifecycle = new Lifecycle();
        lifecycle.start("web", component("web", false), c -> events.add("start web"));
        lifecycle.start("catalogue", component("catalogue", true), c -> events.add("start catalogue"));
        lifecycle.add("uploads", component("uploads", true));

        assertThatThrownBy(lifecycle::close)
                .isInstanceOf(Lifecycle.LifecycleException.class)
                .hasMessageStartingWith("cannot stop uploads")
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement()
                        .satisfies(s -> assertThat(s).hasMessage("catalogue is stuck")));
        assertThat(events).containsExactly(
                "start web", "start catalogue", "stop uploads", "stop catalogue", "stop web");

        lifecycle.close(); // idempotent
        assertThat(events).hasSize(5);
    }

    @Test
    void aFailedStartClosesThatComponentAndLeavesTheStartedOnesToClose() {
        Lifecycle lifecycle = new Lifecycle();
        lifecycle.start("web", component("web", false), c -> { });

        assertThatThrownBy(() -> lifecycle.start("catalogue", component("catalogue", false), c -> {
            throw new java.io.IOException("disk gone");
        })).isInstanceOf(Lifecycle.LifecycleException.class).hasMessage("cannot start catalogue: disk gone");
        assertThat(events).containsExactly("stop catalogue");

        lifecycle.close();
        assertThat(events).containsExactly("stop catalogue", "stop web");
        assertThatThrownBy(() -> lifecycle.add("late", component("late", false)))
                .isInstanceOf(IllegalStateException.class);
    }
}
