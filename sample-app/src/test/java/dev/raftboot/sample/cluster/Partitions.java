package dev.raftboot.sample.cluster;

import java.util.Collection;

/**
 * Network partitions between nodes. They cut peer (Raft) traffic only: the test's clients still
 * reach every node over HTTP, as clients on the other side of a partition would.
 */
interface Partitions {
  /**
   * Messages from {@code from} to {@code to} are lost from now on, while messages the other way
   * still arrive: a one-way partition.
   */
  void cut(long from, long to);

  /** Node {@code id} neither reaches nor is reached by any of {@code others}. */
  default void isolate(long id, Collection<Long> others) {
    others.forEach(
        other -> {
          cut(id, other);
          cut(other, id);
        });
  }

  /** No message crosses between {@code side} and {@code other}, either way. */
  default void split(Collection<Long> side, Collection<Long> other) {
    side.forEach(a -> isolate(a, other));
  }

  /** Every cut is mended. */
  void heal();
}
