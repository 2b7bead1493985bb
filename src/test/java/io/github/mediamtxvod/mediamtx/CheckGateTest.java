package io.github.mediamtxvod.mediamtx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** When single-path checks start: times are explicit nanoseconds, spacing 250. */
class CheckGateTest {
    private static final long SPACING = 250;

    private final CheckGate gate = new CheckGate(SPACING, 2, 3);

    @Test
    void aFirstRequestStartsAtOnce() {
        CheckGate.Check check = gate.request("cam1", 1_000);

        assertThat(gate.startable(1_000)).containsExactly(check);
        assertThat(check.sentNanos).isEqualTo(1_000);
        assertThat(gate.inFlight()).isEqualTo(1);
    }

    @Test
    void requestsWhileACheckIsInFlightShareOneFreshCheckAfterIt() {
        CheckGate.Check first = gate.request("cam1", 0);
        gate.startable(0);

        CheckGate.Check second = gate.request("cam1", 10);
        CheckGate.Check third = gate.request("cam1", 20);

        assertThat(second).as("never the check already under way").isNotSameAs(first).isSameAs(third);
        assertThat(gate.startable(400)).as("still in flight").isEmpty();
        gate.finished(first);
        assertThat(gate.startable(400)).containsExactly(second);
        assertThat(gate.inFlight()).isEqualTo(1);
    }

    @Test
    void aPathIsCheckedAtMostOncePerSpacing() {
        CheckGate.Check first = gate.request("cam1", 0);
        gate.startable(0);
        gate.finished(first);

        CheckGate.Check repeat = gate.request("cam1", 100);

        assertThat(gate.startable(100)).isEmpty();
        assertThat(gate.nextDue(100)).isEqualTo(OptionalLong.of(250));
        assertThat(gate.startable(249)).isEmpty();
        assertThat(gate.startable(250)).containsExactly(repeat);
        assertThat(gate.nextDue(250)).isEmpty();
    }

    @Test
    void aRequestAfterTheSpacingStartsAtOnce() {
        CheckGate.Check first = gate.request("cam1", 0);
        gate.startable(0);
        gate.finished(first);

        CheckGate.Check later = gate.request("cam1", 300);

        assertThat(gate.startable(300)).containsExactly(later);
    }

    @Test
    void atMostMaxInFlightRunAndTheRestWaitInRequestOrder() {
        CheckGate.Check a = gate.request("a", 0);
        CheckGate.Check b = gate.request("b", 1);
        CheckGate.Check c = gate.request("c", 2);

        assertThat(gate.startable(2)).containsExactly(a, b);
        assertThat(gate.nextDue(2)).as("c waits for a slot, not for time").isEmpty();
        gate.finished(b);
        assertThat(gate.startable(3)).containsExactly(c);
        assertThat(gate.inFlight()).isEqualTo(2);
    }

    @Test
    void newPathsBeyondTheTrackedLimitAreRefusedUntilOthersAreIdle() {
        CheckGate roomy = new CheckGate(SPACING, 5, 3);
        List<CheckGate.Check> checks = List.of(roomy.request("a", 0), roomy.request("b", 0), roomy.request("c", 0));
        roomy.startable(0);

        assertThat(roomy.request("d", 10)).as("three tracked, all busy").isNull();
        checks.forEach(roomy::finished);
        assertThat(roomy.request("d", 100)).as("idle but within their spacing").isNull();
        assertThat(roomy.request("d", SPACING)).as("idle entries are forgotten").isNotNull();
        assertThat(roomy.tracked()).isEqualTo(1);
    }

    @Test
    void drainingHandsBackEveryPendingCheck() {
        CheckGate.Check running = gate.request("a", 0);
        gate.startable(0);
        CheckGate.Check pendingA = gate.request("a", 1);
        gate.request("b", 1);
        gate.startable(1);
        CheckGate.Check pendingC = gate.request("c", 1);

        assertThat(gate.drainPending()).containsExactlyInAnyOrder(pendingA, pendingC);
        assertThat(gate.startable(1_000)).isEmpty();
        gate.finished(running);
        assertThat(gate.inFlight()).isEqualTo(1);
    }
}
