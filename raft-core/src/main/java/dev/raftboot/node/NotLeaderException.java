package dev.raftboot.node;

import dev.raftboot.core.RaftException;
import dev.raftboot.transport.PeerAddress;
import java.util.Optional;

/**
 * The operation needs the leader and this node is not it. Carries the leader, if known: its id, and
 * its address where this node knows it (a server with a transport knows every member's), so a
 * client can go there.
 */
public class NotLeaderException extends RaftException {
  private final String group;
  private final long leaderId;
  private final PeerAddress leaderAddress;

  public NotLeaderException(String group, long leaderId, String reason) {
    this(group, leaderId, null, reason);
  }

  /** With the leader's address; {@code leaderAddress} may be null (not known). */
  public NotLeaderException(String group, long leaderId, PeerAddress leaderAddress, String reason) {
    super(
        "group "
            + group
            + ": "
            + reason
            + (leaderId == 0
                ? "; no leader is known"
                : "; the leader is node "
                    + leaderId
                    + (leaderAddress == null ? "" : " at " + leaderAddress)));
    this.group = group;
    this.leaderId = leaderId;
    this.leaderAddress = leaderId == 0 ? null : leaderAddress;
  }

  public String group() {
    return group;
  }

  /** The known leader's id, or 0 when no leader is known. */
  public long leaderId() {
    return leaderId;
  }

  /** Where the known leader listens for peers, when this node knows it. */
  public Optional<PeerAddress> leaderAddress() {
    return Optional.ofNullable(leaderAddress);
  }
}
