package io.github.mediamtxvod.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SlotPlanTest {

    @Test
    void startsLiveStreamsUpToTheCapAndQueuesTheRest() {
        SlotPlan plan = SlotPlan.plan(live("a", 1, "b", 2, "c", 3, "d", 4), List.of(), Set.of(), 2, true);

        assertThat(plan.toStop()).isEmpty();
        assertThat(plan.toStart()).containsExactly("a", "b");
        assertThat(plan.waiting()).containsExactly("c", "d");
    }

    @Test
    void ordersByFirstSeenThenByName() {
        SlotPlan plan = SlotPlan.plan(live("zeta", 1, "beta", 2, "alpha", 2, "omega", 0), List.of(), Set.of(), 10, true);

        assertThat(plan.toStart()).containsExactly("omega", "zeta", "alpha", "beta");
    }

    @Test
    void theOrderDoesNotDependOnMapOrCollectionOrder() {
        Map<String, Long> forward = live("c", 5, "a", 5, "b", 1, "d", 9, "e", 2);
        List<String> keys = new ArrayList<>(forward.keySet());
        Collections.shuffle(keys, new Random(7));
        Map<String, Long> shuffled = new LinkedHashMap<>();
        for (String key : keys) {
            shuffled.put(key, forward.get(key));
        }

        SlotPlan one = SlotPlan.plan(forward, List.of("x", "y"), Set.of(), 4, true);
        SlotPlan two = SlotPlan.plan(shuffled, List.of("y", "x"), Set.of(), 4, true);

        assertThat(one).isEqualTo(two);
        assertThat(one.toStart()).containsExactly("b", "e");
        assertThat(one.waiting()).containsExactly("a", "c", "d");
        assertThat(one.toStop()).containsExactly("x", "y");
    }

    @Test
    void theCapCountsRunningAndStoppingRecorders() {
        SlotPlan plan = SlotPlan.plan(live("a", 1, "b", 2, "c", 3), List.of("a", "old"), Set.of("old"), 3, true);

        assertThat(plan.toStop()).isEmpty();
        assertThat(plan.toStart()).containsExactly("b");
        assertThat(plan.waiting()).containsExactly("c");
    }

    @Test
    void streamsNoLongerLiveAreStoppedButNotTwice() {
        SlotPlan plan = SlotPlan.plan(live("a", 1), List.of("a", "gone", "leaving"), Set.of("leaving"), 5, true);

        assertThat(plan.toStop()).containsExactly("gone");
        assertThat(plan.toStart()).isEmpty();
        assertThat(plan.waiting()).isEmpty();
    }

    @Test
    void aStoppedStreamStillHoldsItsSlotInThisPlan() {
        SlotPlan plan = SlotPlan.plan(live("new", 1), List.of("gone"), Set.of(), 1, true);

        assertThat(plan.toStop()).containsExactly("gone");
        assertThat(plan.toStart()).isEmpty();
        assertThat(plan.waiting()).containsExactly("new");
    }

    @Test
    void mayStartNewFalseStartsNothingButStillStops() {
        SlotPlan plan = SlotPlan.plan(live("a", 1, "b", 2), List.of("gone"), Set.of(), 10, false);

        assertThat(plan.toStop()).containsExactly("gone");
        assertThat(plan.toStart()).isEmpty();
        assertThat(plan.waiting()).containsExactly("a", "b");
    }

    @Test
    void aStreamLiveAgainWhileItsOldRecorderStopsIsNotStartedTwice() {
        SlotPlan plan = SlotPlan.plan(live("cam", 1, "other", 2), List.of("cam"), Set.of("cam"), 5, true);

        assertThat(plan.toStart()).containsExactly("other");
        assertThat(plan.toStop()).isEmpty();
        assertThat(plan.waiting()).isEmpty();
    }

    @Test
    void moreRunningThanTheCapStartsNothing() {
        SlotPlan plan = SlotPlan.plan(live("a", 1, "b", 2, "c", 3), List.of("a", "b"), Set.of(), 1, true);

        assertThat(plan.toStart()).isEmpty();
        assertThat(plan.waiting()).containsExactly("c");
    }

    @Test
    void nothingLiveNothingRunningIsAnEmptyPlan() {
        assertThat(SlotPlan.plan(Map.of(), List.of(), Set.of(), 3, true)).isEqualTo(new SlotPlan(List.of(), List.of(), List.of()));
    }

    @Test
    void randomPlansNeverExceedTheCapNorStartARunningStream() {
        Random random = new Random(1234);
        for (int round = 0; round < 2000; round++) {
            Map<String, Long> live = new LinkedHashMap<>();
            List<String> running = new ArrayList<>();
            Set<String> stopping = new HashSet<>();
            for (int i = 0; i < 12; i++) {
                String name = "s" + i;
                if (random.nextBoolean()) {
                    live.put(name, (long) random.nextInt(5));
                }
                if (random.nextInt(3) == 0) {
                    running.add(name);
                    if (random.nextBoolean()) {
                        stopping.add(name);
                    }
                }
            }
            int cap = random.nextInt(8);
            boolean mayStart = random.nextInt(4) != 0;

            SlotPlan plan = SlotPlan.plan(live, running, stopping, cap, mayStart);

            assertThat(running.size() + plan.toStart().size())
                    .isLessThanOrEqualTo(Math.max(cap, running.size()));
            assertThat(plan.toStart()).noneMatch(running::contains);
            assertThat(plan.toStop()).noneMatch(stopping::contains).noneMatch(live::containsKey);
            assertThat(running).containsAll(plan.toStop());
            List<String> waitingOrStarting = new ArrayList<>(plan.toStart());
            waitingOrStarting.addAll(plan.waiting());
            List<String> expected = live.keySet().stream().filter(name -> !running.contains(name)).toList();
            assertThat(waitingOrStarting).containsExactlyInAnyOrderElementsOf(expected);
            if (!mayStart) {
                assertThat(plan.toStart()).isEmpty();
            }
        }
    }

    private static Map<String, Long> live(Object... nameThenSequence) {
        Map<String, Long> live = new LinkedHashMap<>();
        for (int i = 0; i < nameThenSequence.length; i += 2) {
            live.put((String) nameThenSequence[i], ((Integer) nameThenSequence[i + 1]).longValue());
        }
        return live;
    }
}
