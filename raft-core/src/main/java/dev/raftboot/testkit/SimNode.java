package dev.raftboot.testkit;

import com.google.protobuf.ByteString;
import dev.raftboot.core.MemoryLogStorage;
import dev.raftboot.core.RaftConfig;
import dev.raftboot.core.RawNode;
import dev.raftboot.core.StateRole;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.HardState;
import dev.raftboot.proto.Message;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One simulated server: durable storage that survives crashes, and the volatile rest (the RawNode,
 * the state machine, the clients waiting on it) that does not.
 */
final class SimNode<I> {
  /** A client operation waiting on this node; client -1 is the simulation's own probe. */
  record Waiting<I>(long opId, int client, I input, long invokedAt) {}

  /** A read whose read index is known, waiting until the node has applied up to it. */
  record ConfirmedRead<I>(long index, Waiting<I> op) {}

  final long id;
  final RaftConfig config;
  final MemoryLogStorage storage;

  RawNode raw;
  DedupStateMachine stateMachine;
  ConfState confState;
  long appliedIndex;

  /** Entries up to this index were checked as committed against the other nodes. */
  long commitChecked;

  final Map<Long, Waiting<I>> waitingWrites = new LinkedHashMap<>();
  final Map<ByteString, Waiting<I>> waitingReads = new LinkedHashMap<>();
  final List<ConfirmedRead<I>> confirmedReads = new ArrayList<>();

  /**
   * A Ready's write in progress (asynchronous storage writes): what reaches storage when it is
   * done, and the messages that wait for it.
   */
  record PendingWrite(List<Entry> entries, Optional<HardState> hardState, List<Message> messages) {}

  /** Writes in progress, oldest first; lost in a crash. */
  final ArrayDeque<PendingWrite> pendingWrites = new ArrayDeque<>();

  /** The role as of the last Ready taken (a restarted node starts as a follower). */
  StateRole readyRole = StateRole.FOLLOWER;

  SimNode(long id, RaftConfig config, MemoryLogStorage storage) {
    this.id = id;
    this.config = config;
    this.storage = storage;
  }

  boolean up() {
    return raw != null;
  }

  /** Every client operation waiting on this node, in the order they started. */
  List<Waiting<I>> allWaiting() {
    List<Waiting<I>> all = new ArrayList<>(waitingWrites.values());
    all.addAll(waitingReads.values());
    for (ConfirmedRead<I> r : confirmedReads) {
      all.add(r.op());
    }
    return all;
  }

  /** Forgets what a crash loses besides the waiting clients: writes in progress, the role. */
  void clearVolatile() {
    pendingWrites.clear();
    readyRole = StateRole.FOLLOWER;
  }

  void clearWaiting() {
    waitingWrites.clear();
    waitingReads.clear();
    confirmedReads.clear();
  }
}
