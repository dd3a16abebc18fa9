package dev.raftboot.node;

import dev.raftboot.core.ProposalDroppedException;
import dev.raftboot.core.RawNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The proposals queued during one loop pass, proposed together at its end: one append and one round
 * of messages however many clients wrote meanwhile. Loop-only.
 */
final class ProposalBatch {
  /** A proposal waiting for the end of the loop pass. */
  private record Queued(long id, byte[] data, CompletableFuture<Object> future) {}

  private final NotLeaderFailures notLeader;
  private final List<Queued> queued = new ArrayList<>();

  ProposalBatch(NotLeaderFailures notLeader) {
    this.notLeader = notLeader;
  }

  void add(long id, byte[] data, CompletableFuture<Object> future) {
    queued.add(new Queued(id, data, future));
  }

  /**
   * Proposes everything queued; when the node cannot take them, fails their futures and forgets
   * them in {@code waiting}: with {@link NotLeaderException} when another node should take them,
   * with the {@link ProposalDroppedException} itself when this leader refused them (its uncommitted
   * log over the size limit).
   */
  void proposeTo(RawNode raw, Map<Long, CompletableFuture<Object>> waiting) {
    if (queued.isEmpty()) {
      return;
    }
    List<byte[]> commands = new ArrayList<>(queued.size());
    for (Queued q : queued) {
      commands.add(q.data());
    }
    try {
      raw.propose(commands);
    } catch (ProposalDroppedException e) {
      RuntimeException refusal = notLeader.refused(e, raw.id());
      for (Queued q : queued) {
        waiting.remove(q.id());
        q.future().completeExceptionally(refusal);
      }
    }
    queued.clear();
  }

  void clear() {
    queued.clear();
  }
}
