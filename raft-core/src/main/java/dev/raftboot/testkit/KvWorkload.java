package dev.raftboot.testkit;

import dev.raftboot.node.StateMachine;
import dev.raftboot.testkit.linearizability.KvInput;
import dev.raftboot.testkit.linearizability.KvModel;
import dev.raftboot.testkit.linearizability.KvOutput;
import dev.raftboot.testkit.linearizability.Model;
import java.util.SplittableRandom;

/**
 * Clients of a {@link KvStateMachine}: puts, deletes, compare-and-sets and linearizable reads over
 * a few keys, so that operations conflict often. Every written value is unique, which makes a stale
 * or lost write visible to the checker.
 */
public final class KvWorkload implements Workload<KvInput, KvOutput> {
  private final int keys;
  private int nextValue;

  public KvWorkload(int keys) {
    this.keys = keys;
  }

  public KvWorkload() {
    this(3);
  }

  @Override
  public StateMachine newStateMachine() {
    return new KvStateMachine();
  }

  @Override
  public Model<?, KvInput, KvOutput> model() {
    return new KvModel();
  }

  @Override
  public KvInput nextOperation(SplittableRandom random) {
    String key = "k" + random.nextInt(keys);
    int r = random.nextInt(100);
    if (r < 40) {
      return KvInput.get(key);
    }
    if (r < 75) {
      return KvInput.put(key, "v" + (++nextValue));
    }
    if (r < 90) {
      return KvInput.cas(
          key, "v" + random.nextInt(Math.max(1, nextValue + 1)), "v" + (++nextValue));
    }
    return KvInput.delete(key);
  }

  @Override
  public boolean isRead(KvInput input) {
    return input.kind() == KvInput.Kind.GET;
  }

  @Override
  public byte[] encode(KvInput input) {
    return switch (input.kind()) {
      case PUT -> KvStateMachine.command(KvStateMachine.PUT, input.key(), input.value(), null);
      case DELETE -> KvStateMachine.command(KvStateMachine.DELETE, input.key(), null, null);
      case CAS ->
          KvStateMachine.command(KvStateMachine.CAS, input.key(), input.value(), input.expected());
      case GET -> throw new IllegalArgumentException("reads are not proposed");
    };
  }

  @Override
  public KvOutput writeOutput(KvInput input, Object applyResult) {
    if (input.kind() == KvInput.Kind.CAS) {
      return KvOutput.cas((Boolean) applyResult);
    }
    return KvOutput.ack();
  }

  @Override
  public KvOutput read(StateMachine stateMachine, KvInput input) {
    String v = ((KvStateMachine) stateMachine).get(input.key());
    return v == null ? KvOutput.absent() : KvOutput.value(v);
  }
}
