package dev.raftboot.core.tracker;

import dev.raftboot.core.quorum.JointConfig;
import dev.raftboot.proto.ConfState;
import java.util.Set;
import java.util.TreeSet;

/**
 * A cluster configuration: the (possibly joint) voters and the learners. Immutable.
 *
 * <p>{@code learnersNext} holds voters of the outgoing configuration that become learners when the
 * joint state is left: a node cannot be a voter and a learner at once, so the demotion waits until
 * it stops being a voter. {@code autoLeave} marks a joint configuration that the leader leaves on
 * its own once it is committed.
 */
public record TrackerConfig(
    JointConfig voters, Set<Long> learners, Set<Long> learnersNext, boolean autoLeave) {

  public TrackerConfig {
    learners = Set.copyOf(new TreeSet<>(learners));
    learnersNext = Set.copyOf(new TreeSet<>(learnersNext));
  }

  public static TrackerConfig empty() {
    return new TrackerConfig(JointConfig.of(Set.of()), Set.of(), Set.of(), false);
  }

  public ConfState toConfState() {
    return ConfState.newBuilder()
        .addAllVoters(voters.incoming().ids())
        .addAllVotersOutgoing(voters.outgoing().ids())
        .addAllLearners(new TreeSet<>(learners))
        .addAllLearnersNext(new TreeSet<>(learnersNext))
        .setAutoLeave(autoLeave)
        .build();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("voters=").append(voters);
    if (!learners.isEmpty()) {
      sb.append(" learners=").append(new TreeSet<>(learners));
    }
    if (!learnersNext.isEmpty()) {
      sb.append(" learners_next=").append(new TreeSet<>(learnersNext));
    }
    if (autoLeave) {
      sb.append(" autoleave");
    }
    return sb.toString();
  }
}
