package dev.raftboot.core;

import com.google.protobuf.ByteString;
import dev.raftboot.proto.Message;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Read index requests a leader is confirming with a heartbeat round (thesis §6.4): each is answered
 * once a quorum has acknowledged a heartbeat carrying its context, together with every request
 * queued before it.
 */
final class ReadOnly {
  /** One pending request: the commit index when it arrived, and who has acknowledged it. */
  static final class Pending {
    final Message request;
    final long index;
    final Map<Long, Boolean> acks = new HashMap<>();

    Pending(Message request, long index) {
      this.request = request;
      this.index = index;
    }

    ByteString context() {
      return request.getEntries(0).getData();
    }
  }

  private final ReadOnlyOption option;
  private final Map<ByteString, Pending> pending = new HashMap<>();
  private final ArrayDeque<ByteString> queue = new ArrayDeque<>();

  ReadOnly(ReadOnlyOption option) {
    this.option = option;
  }

  ReadOnlyOption option() {
    return option;
  }

  /**
   * Queues a request read at {@code index}. A request whose context is already pending joins it (it
   * is answered by the same heartbeat round).
   */
  void addRequest(long index, Message request) {
    ByteString ctx = request.getEntries(0).getData();
    if (pending.containsKey(ctx)) {
      return;
    }
    pending.put(ctx, new Pending(request, index));
    queue.addLast(ctx);
  }

  /** Records an acknowledgement of the heartbeat carrying ctx; returns the acks so far. */
  Map<Long, Boolean> recvAck(long id, ByteString ctx) {
    Pending p = pending.get(ctx);
    if (p == null) {
      return Map.of();
    }
    p.acks.put(id, true);
    return p.acks;
  }

  /**
   * Removes and returns the request with context ctx and every request queued before it: a quorum
   * acknowledging a later heartbeat also confirms the earlier reads.
   */
  List<Pending> advance(ByteString ctx) {
    if (!pending.containsKey(ctx)) {
      return List.of();
    }
    List<Pending> confirmed = new ArrayList<>();
    Iterator<ByteString> it = queue.iterator();
    while (it.hasNext()) {
      ByteString c = it.next();
      it.remove();
      confirmed.add(pending.remove(c));
      if (c.equals(ctx)) {
        break;
      }
    }
    return confirmed;
  }

  /** The context of the newest pending request, sent with heartbeats; empty when none. */
  ByteString lastPendingRequestCtx() {
    return queue.isEmpty() ? ByteString.EMPTY : queue.peekLast();
  }

  /** The pending requests, oldest first. */
  List<Pending> pendingInOrder() {
    List<Pending> inOrder = new ArrayList<>(queue.size());
    for (ByteString c : queue) {
      inOrder.add(pending.get(c));
    }
    return inOrder;
  }

  int pendingCount() {
    return queue.size();
  }
}
