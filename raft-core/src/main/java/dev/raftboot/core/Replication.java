package dev.raftboot.core;

import com.google.protobuf.ByteString;
import dev.raftboot.core.tracker.PeerProgress;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageType;
import dev.raftboot.proto.Snapshot;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a leader sends to its followers (§5.3): appends of the entries each needs next within its
 * flow control, a snapshot when they were compacted away, heartbeats; with batching on, appends to
 * one peer queued in the same Ready merge into one message. {@link Leader} decides when.
 */
final class Replication {
  private static final Logger log = LoggerFactory.getLogger(Replication.class);

  private final Raft r;

  Replication(Raft r) {
    this.r = r;
  }

  void bcastAppend() {
    for (long peer : r.prs.progress().keySet()) {
      if (peer != r.id) {
        sendAppend(peer);
      }
    }
  }

  void sendAppend(long to) {
    maybeSendAppend(to, true);
  }

  /**
   * Sends the entries {@code to} needs next, or a snapshot if they were compacted. With {@code
   * sendIfEmpty} false nothing is sent when there are no new entries. Returns whether a message was
   * sent.
   */
  boolean maybeSendAppend(long to, boolean sendIfEmpty) {
    PeerProgress pr = r.prs.get(to);
    if (pr == null || pr.isPaused()) {
      return false;
    }
    long prevIndex = pr.next() - 1;
    long prevTerm = r.raftLog.termOrMinusOne(prevIndex);
    List<Entry> entries = null;
    if (prevTerm >= 0) {
      try {
        entries = r.raftLog.entries(pr.next(), r.config.maxSizePerMsg());
      } catch (CompactedException e) {
        entries = null;
      }
    }
    if (prevTerm < 0 || entries == null) {
      return sendSnapshot(to, pr);
    }
    if (entries.isEmpty() && !sendIfEmpty) {
      return false;
    }
    if (r.config.batchAppend() && !entries.isEmpty() && appendToQueued(to, pr, entries)) {
      return true;
    }
    Message.Builder m =
        Message.newBuilder()
            .setTo(to)
            .setType(MessageType.MSG_APPEND)
            .setIndex(prevIndex)
            .setLogTerm(prevTerm)
            .addAllEntries(entries)
            .setCommit(r.raftLog.committed());
    if (!entries.isEmpty()) {
      long last = entries.get(entries.size() - 1).getIndex();
      switch (pr.state()) {
        case REPLICATE -> {
          pr.optimisticUpdate(last);
          pr.inflights().add(last, EntrySizes.serialized(entries));
        }
        case PROBE -> pr.probeSent(true);
        case SNAPSHOT ->
            throw new IllegalStateException(
                "raft " + r.id + " is sending append in unhandled state " + pr.state());
      }
    }
    r.send(m);
    if (r.config.batchAppend()) {
      int position = r.msgs.size() - 1;
      openAppends.put(to, new OpenAppend(position, r.msgs.get(position).toBuilder()));
    }
    return true;
  }

  /**
   * With batching on, entries that continue an append to the same peer still queued in this Ready
   * are added to it instead of making another message: fewer, larger messages. The queued append
   * stays a builder until the Ready is taken ({@link #flushBatchedAppends}), so each entry is
   * copied once.
   */
  private boolean appendToQueued(long to, PeerProgress pr, List<Entry> entries) {
    OpenAppend open = openAppends.get(to);
    if (open == null) {
      return false;
    }
    Message.Builder b = open.builder();
    if (b.getTerm() != r.term
        || b.getIndex() + b.getEntriesCount() + 1 != entries.get(0).getIndex()) {
      return false;
    }
    b.addAllEntries(entries).setCommit(r.raftLog.committed());
    long last = entries.get(entries.size() - 1).getIndex();
    if (pr.state() == ProgressState.REPLICATE) {
      pr.optimisticUpdate(last);
      pr.inflights().add(last, EntrySizes.serialized(entries));
    }
    return true;
  }

  /** An append queued in {@code Raft.msgs} at {@code position} that may still grow. */
  private record OpenAppend(int position, Message.Builder builder) {}

  private final Map<Long, OpenAppend> openAppends = new HashMap<>();

  /** Builds the appends that batching kept open; called before the messages are handed out. */
  void flushBatchedAppends() {
    if (openAppends.isEmpty()) {
      return;
    }
    for (OpenAppend open : openAppends.values()) {
      r.msgs.set(open.position(), open.builder().build());
    }
    openAppends.clear();
  }

  private boolean sendSnapshot(long to, PeerProgress pr) {
    if (!pr.recentActive()) {
      log.debug("raft {} ignore sending snapshot to {} since it is not recently active", r.id, to);
      return false;
    }
    Snapshot snap;
    try {
      snap = r.raftLog.snapshot(pr.next() - 1);
    } catch (SnapshotTemporarilyUnavailableException e) {
      log.debug(
          "raft {} failed to send snapshot to {} because snapshot is temporarily unavailable",
          r.id,
          to);
      return false;
    }
    long index = snap.getMetadata().getIndex();
    if (index == 0) {
      throw new IllegalStateException("raft " + r.id + " needs a non-empty snapshot for " + to);
    }
    log.debug(
        "raft {} [firstindex: {}, commit: {}] sent snapshot[index: {}, term: {}] to {} [{}]",
        r.id,
        r.raftLog.firstIndex(),
        r.raftLog.committed(),
        index,
        snap.getMetadata().getTerm(),
        to,
        pr);
    pr.becomeSnapshot(index);
    r.send(Message.newBuilder().setTo(to).setType(MessageType.MSG_SNAPSHOT).setSnapshot(snap));
    return true;
  }

  /** Heartbeats carry the newest pending read's context, so a later round can confirm it. */
  void bcastHeartbeat() {
    bcastHeartbeatWithContext(r.readOnly.lastPendingRequestCtx());
  }

  void bcastHeartbeatWithContext(ByteString ctx) {
    for (long peer : r.prs.progress().keySet()) {
      if (peer != r.id) {
        sendHeartbeat(peer, ctx);
      }
    }
  }

  private void sendHeartbeat(long to, ByteString ctx) {
    // Never tell a follower a commit index beyond what it is known to hold: it might not have
    // those entries and must not commit past its log.
    long commit = Math.min(r.prs.get(to).match(), r.raftLog.committed());
    r.send(
        Message.newBuilder()
            .setTo(to)
            .setType(MessageType.MSG_HEARTBEAT)
            .setCommit(commit)
            .setContext(ctx)
            .setLeaseTick(r.lease.stamp()));
  }
}
