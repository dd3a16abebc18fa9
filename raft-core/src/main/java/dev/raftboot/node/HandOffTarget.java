package dev.raftboot.node;

import dev.raftboot.core.Progress;
import dev.raftboot.core.ProgressState;
import dev.raftboot.core.Status;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;

/**
 * Which voter a leader that is about to stop hands its leadership to. Among the voters that take
 * the log as a stream (replicating, so within one round trip of the leader's last index), the one
 * whose connection has been up longest; then the most caught up. A node that came back moments ago
 * — restarted in a rolling restart, or just out of a partition — runs a cold JVM or is still
 * catching up, and as the new leader it would stretch the pause the hand-off is meant to keep short
 * (etcd's server chooses its longest-connected voter for the same reason).
 */
final class HandOffTarget {
  private HandOffTarget() {}

  /**
   * The voter other than {@code self} to hand leadership to, or 0 when the leader knows none.
   *
   * @param uptimes how long the connection to each connected peer has been up (see {@link
   *     dev.raftboot.transport.Transport#peerUptimes}); empty when not tracked
   */
  static long choose(Status st, long self, Map<Long, Duration> uptimes) {
    Comparator<Long> better =
        Comparator.<Long, Boolean>comparing(
                v -> st.progress().get(v).state() == ProgressState.REPLICATE)
            .thenComparing(v -> uptimes.getOrDefault(v, Duration.ZERO))
            .thenComparingLong(v -> st.progress().get(v).match())
            .thenComparing(Comparator.<Long>reverseOrder());
    return st.confState().getVotersList().stream()
        .filter(v -> v != self && st.progress().get(v) != null)
        .max(better)
        .orElse(0L);
  }

  /** The voter's match index (for logs). */
  static long match(Status st, long voter) {
    Progress p = st.progress().get(voter);
    return p == null ? 0 : p.match();
  }
}
