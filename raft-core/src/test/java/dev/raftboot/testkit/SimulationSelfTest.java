package dev.raftboot.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.raftboot.node.StateMachine;
import dev.raftboot.testkit.linearizability.KvInput;
import dev.raftboot.testkit.linearizability.KvOutput;
import dev.raftboot.testkit.linearizability.Model;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The simulator itself: determinism, failure reports, and that its checks can fail. */
class SimulationSelfTest {

  @Test
  void sameSeedReplaysExactly() {
    SimulationOptions options = SimulationOptions.builder(42).voters(5).learners(1).build();
    SimulationResult first = Simulation.run(options, new KvWorkload());
    SimulationResult second = Simulation.run(options, new KvWorkload());
    assertThat(second).isEqualTo(first);
    assertThat(first.commitIndex()).isPositive();
    assertThat(first.completedOperations()).isPositive();
  }

  @Test
  void aLyingStateMachineIsCaughtWithSeedAndTrace() {
    SimulationOptions options = SimulationOptions.builder(7).build();
    SimulationFailure failure =
        catchThrowableOfType(
            SimulationFailure.class, () -> Simulation.run(options, new StaleReadsWorkload()));
    assertThat(failure).isNotNull();
    assertThat(failure.seed()).isEqualTo(7);
    assertThat(failure.getMessage())
        .contains("not linearizable")
        .contains("seed 7")
        .contains("-Draft.sim.seed=7");
    assertThat(failure.trace()).isNotEmpty();

    SimulationFailure again =
        catchThrowableOfType(
            SimulationFailure.class, () -> Simulation.run(options, new StaleReadsWorkload()));
    assertThat(again.trace()).isEqualTo(failure.trace());
    assertThat(again.step()).isEqualTo(failure.step());
  }

  @Test
  void faultFreeRunsCommitEveryWrite() {
    SimulationResult r =
        Simulation.run(
            SimulationOptions.builder(3).weights(ActionWeights.faultFree()).build(),
            new KvWorkload());
    assertThat(r.crashes()).isZero();
    assertThat(r.completedOperations()).isPositive();
  }

  @Test
  void weightsMustAllowSomething() {
    ActionWeights none = ActionWeights.defaults();
    for (SimAction a : SimAction.values()) {
      none = a == SimAction.TICK ? none : none.with(a, 0);
    }
    ActionWeights onlyTicks = none;
    assertThat(onlyTicks.weight(SimAction.TICK)).isPositive();
    assertThatThrownBy(() -> onlyTicks.with(SimAction.TICK, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ActionWeights.defaults().with(SimAction.DROP, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** Reads answer from a state machine that forgot the last write: every read of it is stale. */
  private static final class StaleReadsWorkload implements Workload<KvInput, KvOutput> {
    private final KvWorkload kv = new KvWorkload();

    @Override
    public StateMachine newStateMachine() {
      return kv.newStateMachine();
    }

    @Override
    public Model<?, KvInput, KvOutput> model() {
      return kv.model();
    }

    @Override
    public KvInput nextOperation(SplittableRandom random) {
      return kv.nextOperation(random);
    }

    @Override
    public boolean isRead(KvInput input) {
      return kv.isRead(input);
    }

    @Override
    public byte[] encode(KvInput input) {
      return kv.encode(input);
    }

    @Override
    public KvOutput writeOutput(KvInput input, Object applyResult) {
      return kv.writeOutput(input, applyResult);
    }

    @Override
    public KvOutput read(StateMachine stateMachine, KvInput input) {
      KvOutput real = kv.read(stateMachine, input);
      return real.value() == null ? KvOutput.value("never-written") : KvOutput.absent();
    }
  }
}
