package dev.raftboot.core.quorum;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The voters of a possibly joint configuration (Raft thesis §4.3): a decision needs a majority of
 * the incoming voters and, while joint, also of the outgoing ones. When not joint the outgoing half
 * is empty and decides nothing. Immutable.
 */
public record JointConfig(MajorityConfig incoming, MajorityConfig outgoing) {
  public static JointConfig of(Set<Long> incoming) {
    return new JointConfig(new MajorityConfig(incoming), MajorityConfig.empty());
  }

  public boolean isJoint() {
    return !outgoing.isEmpty();
  }

  /** Every voter of either half, ascending. */
  public Set<Long> ids() {
    TreeSet<Long> ids = new TreeSet<>(incoming.ids());
    ids.addAll(outgoing.ids());
    return ids;
  }

  public boolean contains(long id) {
    return incoming.contains(id) || outgoing.contains(id);
  }

  /** The largest index acknowledged by a quorum of both halves. */
  public long committedIndex(AckedIndexer acked) {
    long in = incoming.committedIndex(acked);
    long out = outgoing.committedIndex(acked);
    return Math.min(in, out);
  }

  /** Won only if both halves are won; lost as soon as either half is lost. */
  public VoteResult voteResult(Map<Long, Boolean> votes) {
    VoteResult in = incoming.voteResult(votes);
    VoteResult out = outgoing.voteResult(votes);
    if (in == out) {
      return in;
    }
    if (in == VoteResult.LOST || out == VoteResult.LOST) {
      return VoteResult.LOST;
    }
    return VoteResult.PENDING;
  }

  @Override
  public String toString() {
    return isJoint() ? incoming + "&&" + outgoing : incoming.toString();
  }
}
