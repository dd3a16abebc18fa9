package dev.raftboot.node;

import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.JoinResponse;
import dev.raftboot.transport.PeerAddress;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * What a group's membership changes need from the server it runs on: reaching the members it adds
 * (and forgetting those it removes), remembering removed ids, and checking a node before it joins.
 * {@link TransportBinding} is the implementation for a transport; {@link #local()} serves a group
 * wired by hand.
 */
interface MemberRegistry {

  /**
   * The group's configuration changed from {@code before} to {@code after} (a membership change
   * applied, or a snapshot installed); {@code addresses} are those the change carried. Called on
   * the group's loop before the messages of the next Ready are sent.
   */
  void configurationChanged(
      String group, ConfState before, ConfState after, Map<Long, PeerAddress> addresses);

  /** Where node {@code nodeId} listens for peers, when this server knows it. */
  default Optional<PeerAddress> addressOf(long nodeId) {
    return Optional.empty();
  }

  /** The ids removed from {@code group}, which may not join it again. */
  Set<Long> removedIds(String group);

  /**
   * Asks the node at {@code address} whether it is {@code nodeId} of this cluster and hosts {@code
   * group}; completes exceptionally with {@link UnsupportedOperationException} when the transport
   * has no join check.
   */
  CompletableFuture<JoinResponse> checkJoin(
      String group, long nodeId, PeerAddress address, ConfState current);

  /** Every id with a role in {@code cs}: voters, learners, and both halves of a joint config. */
  static Set<Long> members(ConfState cs) {
    Set<Long> ids = new TreeSet<>(cs.getVotersList());
    ids.addAll(cs.getLearnersList());
    ids.addAll(cs.getVotersOutgoingList());
    ids.addAll(cs.getLearnersNextList());
    return ids;
  }

  /** A registry without a transport: removed ids in memory, no join check. */
  static MemberRegistry local() {
    MembershipDirectory directory = MembershipDirectory.inMemory();
    return new MemberRegistry() {
      @Override
      public void configurationChanged(
          String group, ConfState before, ConfState after, Map<Long, PeerAddress> addresses) {
        Set<Long> gone = members(before);
        gone.removeAll(members(after));
        directory.recordRemoved(group, gone);
      }

      @Override
      public Set<Long> removedIds(String group) {
        return directory.removed(group);
      }

      @Override
      public CompletableFuture<JoinResponse> checkJoin(
          String group, long nodeId, PeerAddress address, ConfState current) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("no transport"));
      }
    };
  }
}
