package dev.raftboot.benchmarks;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.raftboot.core.MemoryLogStorage;
import dev.raftboot.core.RaftConfig;
import dev.raftboot.core.RawNode;
import dev.raftboot.core.Ready;
import dev.raftboot.core.StateRole;
import dev.raftboot.proto.ConfChangeV2;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.EntryType;
import dev.raftboot.proto.Message;
import java.util.ArrayDeque;

/**
 * Voters (and optionally learners) driven in one thread with in-memory storage and instant
 * delivery: the consensus module's own cost, with no I/O, threads or serialization.
 */
final class InMemoryCluster {
  final RawNode[] nodes;
  final MemoryLogStorage[] storages;
  private final ArrayDeque<Message> inFlight = new ArrayDeque<>();
  long appliedOnLeader;
  long readStates;

  InMemoryCluster(int voters, int learners, RaftConfig.Builder config) {
    int n = voters + learners;
    ConfState.Builder cs = ConfState.newBuilder();
    for (long id = 1; id <= voters; id++) {
      cs.addVoters(id);
    }
    for (long id = voters + 1; id <= n; id++) {
      cs.addLearners(id);
    }
    nodes = new RawNode[n];
    storages = new MemoryLogStorage[n];
    for (int i = 0; i < n; i++) {
      storages[i] = new MemoryLogStorage(cs.build());
      nodes[i] = new RawNode(config.id(i + 1).randomSeed(i).build(), storages[i]);
    }
    nodes[0].campaign();
    pump();
    if (nodes[0].status().role() != StateRole.LEADER) {
      throw new IllegalStateException("node 1 did not become leader");
    }
  }

  RawNode leader() {
    return nodes[0];
  }

  /** Runs every node's Ready loop and delivers every message until the cluster is quiet. */
  void pump() {
    boolean busy = true;
    while (busy) {
      busy = false;
      for (int i = 0; i < nodes.length; i++) {
        RawNode node = nodes[i];
        while (node.hasReady()) {
          busy = true;
          Ready rd = node.ready();
          MemoryLogStorage storage = storages[i];
          rd.snapshot().ifPresent(storage::applySnapshot);
          storage.append(rd.entries());
          rd.hardState().ifPresent(storage::setHardState);
          inFlight.addAll(rd.messages());
          for (Entry e : rd.committedEntries()) {
            if (e.getType() == EntryType.ENTRY_CONF_CHANGE_V2) {
              node.applyConfChange(parseConfChange(e));
            }
          }
          if (i == 0 && !rd.committedEntries().isEmpty()) {
            appliedOnLeader =
                rd.committedEntries().get(rd.committedEntries().size() - 1).getIndex();
          }
          readStates += rd.readStates().size();
          node.advance(rd);
        }
      }
      Message m;
      while ((m = inFlight.poll()) != null) {
        busy = true;
        nodes[(int) m.getTo() - 1].step(m);
      }
    }
    if (appliedOnLeader - lastCompaction > 20_000) {
      lastCompaction = appliedOnLeader;
      compact();
    }
  }

  private long lastCompaction;

  private static ConfChangeV2 parseConfChange(Entry e) {
    try {
      return ConfChangeV2.parseFrom(e.getData());
    } catch (InvalidProtocolBufferException ex) {
      throw new IllegalStateException(ex);
    }
  }

  /**
   * Drops log entries every node has applied, so that the live heap stays small and the benchmark
   * measures the consensus module, not the garbage collector copying an ever longer log.
   */
  void compact() {
    for (int i = 0; i < nodes.length; i++) {
      long applied = nodes[i].status().applied();
      if (applied > storages[i].firstIndex() + 20_000) {
        storages[i].compact(applied - 100);
      }
    }
  }
}
