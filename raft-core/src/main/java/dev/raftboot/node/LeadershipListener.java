package dev.raftboot.node;

/**
 * Told when this node gains or loses the leadership of a group. Calls arrive in order, on a thread
 * of the runtime's pool, never on the raft loop: a slow listener delays other listeners, not the
 * group.
 *
 * <p>Implement {@link #granted(long, FencingToken)} to get the token that guards leader-only work,
 * or {@link #granted(long)} when the term is enough; the runtime calls the former, which by default
 * calls the latter.
 */
public interface LeadershipListener {
  /**
   * This node leads {@code term}, and has committed an entry of that term: its view of the log is
   * complete, so leader-only work may start, guarded by {@code token}.
   */
  default void granted(long term, FencingToken token) {
    granted(term);
  }

  /** As {@link #granted(long, FencingToken)}, for a listener that needs no token. */
  default void granted(long term) {}

  /** This node no longer leads {@code term}. Called as soon as it steps down. */
  void revoked(long term);
}
