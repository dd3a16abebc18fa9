package dev.raftboot.node;

import com.google.protobuf.ByteString;
import dev.raftboot.core.ProposalDroppedException;
import dev.raftboot.core.RawNode;
import dev.raftboot.core.ReadState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Read barriers waiting for their ReadIndex: asked of the Raft node by context, then handed to the
 * applier to complete once the read index is applied. Loop-only.
 */
final class ReadBarriers {
  private final String group;
  private final Map<ByteString, CompletableFuture<Void>> waiting = new HashMap<>();

  ReadBarriers(String group) {
    this.group = group;
  }

  /**
   * Asks the Raft node for a read index under {@code ctx}; fails {@code f} when it cannot serve it.
   *
   * @return whether the request was made
   */
  boolean request(RawNode raw, ByteString ctx, boolean lease, CompletableFuture<Void> f) {
    waiting.put(ctx, f);
    try {
      raw.readIndex(ctx.toByteArray(), lease);
      return true;
    } catch (ProposalDroppedException e) {
      waiting.remove(ctx);
      f.completeExceptionally(new NotLeaderException(group, e.leaderId(), e.getMessage()));
      return false;
    }
  }

  void forget(ByteString ctx, CompletableFuture<Void> f) {
    waiting.remove(ctx, f);
  }

  /** The read indexes of a Ready: their barriers complete once the applier reaches them. */
  void onReadStates(List<ReadState> readStates, Applier applier) {
    for (ReadState rs : readStates) {
      CompletableFuture<Void> f = waiting.remove(ByteString.copyFrom(rs.requestCtx()));
      if (f != null) {
        applier.whenApplied(rs.index(), f);
      }
    }
  }

  void failAll(RuntimeException cause) {
    waiting.values().forEach(f -> f.completeExceptionally(cause));
    waiting.clear();
  }
}
