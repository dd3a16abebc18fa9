package dev.raftboot.spring;

import dev.raftboot.node.FencingToken;
import java.util.Optional;

/**
 * "Am I the leader?" for each group of this node. A true answer is a recent view: leadership can be
 * lost a moment later, so leader-only work passes {@link #fencingToken} to the systems it acts on,
 * and stops on {@link LeadershipRevokedEvent}.
 */
public class Leadership {
  private final RaftRuntime runtime;

  public Leadership(RaftRuntime runtime) {
    this.runtime = runtime;
  }

  /** Whether this node leads {@code group} and has committed an entry of its term. */
  public boolean isLeader(String group) {
    return runtime.group(group).isLeader();
  }

  /** The token of this node's current leadership of {@code group}; empty if not leader. */
  public Optional<FencingToken> fencingToken(String group) {
    return runtime.group(group).fencingToken();
  }

  /** The leader of {@code group} as this node knows it. */
  public Optional<LeaderInfo> leader(String group) {
    return runtime.leader(group);
  }
}
