package dev.raftboot.node;

import com.google.protobuf.ByteString;
import dev.raftboot.core.ProposalDroppedException;
import dev.raftboot.core.RawNode;
import dev.raftboot.core.ReadState;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Read barriers waiting for their ReadIndex. The barriers requested during one loop pass share one
 * read index request (one heartbeat round for all of them, as etcd's server batches its
 * linearizable reads): the index is taken after every one of them was requested, so it is a valid
 * read point for each. Answered barriers go to the applier, which completes them once the read
 * index is applied. Loop-only.
 */
final class ReadBarriers {
  private final String group;
  private final long nodeId;
  private final List<CompletableFuture<Void>> pendingSafe = new ArrayList<>();
  private final List<CompletableFuture<Void>> pendingLease = new ArrayList<>();
  private final Map<ByteString, List<CompletableFuture<Void>>> waiting = new HashMap<>();
  private long nextRequest;

  ReadBarriers(String group, long nodeId) {
    this.group = group;
    this.nodeId = nodeId;
    // Contexts of a restarted node must not match requests its previous incarnation left pending.
    this.nextRequest = System.currentTimeMillis() << 20;
  }

  /** Queues a barrier; {@link #issue} asks for the read index of everything queued. */
  void request(boolean lease, CompletableFuture<Void> f) {
    (lease ? pendingLease : pendingSafe).add(f);
  }

  /** Asks the Raft node for one read index per kind of barrier queued since the last call. */
  void issue(RawNode raw) {
    issue(raw, pendingSafe, false);
    issue(raw, pendingLease, true);
  }

  private void issue(RawNode raw, List<CompletableFuture<Void>> pending, boolean lease) {
    if (pending.isEmpty()) {
      return;
    }
    List<CompletableFuture<Void>> batch = new ArrayList<>(pending);
    pending.clear();
    // Unique across the nodes whose requests meet at the leader: node id and a counter.
    ByteString ctx =
        ByteString.copyFrom(ByteBuffer.allocate(16).putLong(nodeId).putLong(++nextRequest).array());
    waiting.put(ctx, batch);
    try {
      raw.readIndex(ctx.toByteArray(), lease);
    } catch (ProposalDroppedException e) {
      waiting.remove(ctx);
      NotLeaderException failure = new NotLeaderException(group, e.leaderId(), e.getMessage());
      batch.forEach(f -> f.completeExceptionally(failure));
    }
  }

  /** Drops a barrier that timed out. */
  void forget(CompletableFuture<Void> f) {
    pendingSafe.remove(f);
    pendingLease.remove(f);
    waiting.values().removeIf(batch -> batch.remove(f) && batch.isEmpty());
  }

  /** The read indexes of a Ready: their barriers complete once the applier reaches them. */
  void onReadStates(List<ReadState> readStates, Applier applier) {
    for (ReadState rs : readStates) {
      List<CompletableFuture<Void>> batch = waiting.remove(ByteString.copyFrom(rs.requestCtx()));
      if (batch != null) {
        batch.forEach(f -> applier.whenApplied(rs.index(), f));
      }
    }
  }

  void failAll(RuntimeException cause) {
    pendingSafe.forEach(f -> f.completeExceptionally(cause));
    pendingLease.forEach(f -> f.completeExceptionally(cause));
    waiting.values().forEach(batch -> batch.forEach(f -> f.completeExceptionally(cause)));
    pendingSafe.clear();
    pendingLease.clear();
    waiting.clear();
  }
}
