package dev.raftboot.core;

import dev.raftboot.proto.ConfChange;
import dev.raftboot.proto.ConfChangeV2;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.EntryType;
import dev.raftboot.proto.HardState;
import dev.raftboot.proto.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * A RawNode with in-memory storage and an application loop that honours the Ready contract:
 * persist, collect messages, apply, advance. Everything applied is recorded.
 */
final class TestNode {
  final RaftConfig config;
  final MemoryLogStorage storage;

  /** What the RawNode reads: the storage itself, or a wrapper of it (fault injection). */
  final LogStorage view;

  RawNode raw;
  final List<Entry> applied = new ArrayList<>();
  final List<ReadState> readStates = new ArrayList<>();
  final List<Ready> readies = new ArrayList<>();
  ConfState confState;
  boolean recordReadies;

  /** The index the state machine has applied up to (entries or a snapshot). */
  long appliedIndex;

  /** Every configuration applied, in order. */
  final List<ConfState> confHistory = new ArrayList<>();

  TestNode(RaftConfig config, MemoryLogStorage storage) {
    this(config, storage, storage);
  }

  TestNode(RaftConfig config, MemoryLogStorage storage, LogStorage view) {
    this.config = config;
    this.storage = storage;
    this.view = view;
    this.raw = new RawNode(config, view);
    this.confState = storage.initialState().confState();
  }

  static TestNode of(long id, long[] voters, RaftConfig.Builder base) {
    ConfState.Builder cs = ConfState.newBuilder();
    for (long v : voters) {
      cs.addVoters(v);
    }
    return new TestNode(base.id(id).build(), new MemoryLogStorage(cs.build()));
  }

  long id() {
    return raw.id();
  }

  Status status() {
    return raw.status();
  }

  /**
   * A node whose storage already holds a log: entry i (1-based) has term {@code terms[i-1]}, and
   * the given hard state (as left by an earlier life of the node).
   */
  static TestNode withLog(
      long id, ConfState cs, RaftConfig.Builder base, long[] terms, HardState hs) {
    MemoryLogStorage storage = new MemoryLogStorage(cs);
    storage.append(entries(1, terms));
    storage.setHardState(hs);
    return new TestNode(base.id(id).build(), storage);
  }

  /** Entries with the given terms, starting at index {@code from}, each carrying its index. */
  static List<Entry> entries(long from, long... terms) {
    List<Entry> ents = new ArrayList<>();
    for (int i = 0; i < terms.length; i++) {
      long index = from + i;
      ents.add(
          Entry.newBuilder()
              .setIndex(index)
              .setTerm(terms[i])
              .setData(com.google.protobuf.ByteString.copyFromUtf8("e" + index + "t" + terms[i]))
              .build());
    }
    return ents;
  }

  static ConfState voters(long... ids) {
    ConfState.Builder cs = ConfState.newBuilder();
    for (long v : ids) {
      cs.addVoters(v);
    }
    return cs.build();
  }

  /**
   * Restarts from what was persisted: unpersisted state is lost, as after a crash. The state
   * machine is durable: what it applied, configuration included, is recorded as a snapshot (the
   * storage only learns a configuration from a snapshot), and the node restarts with {@code
   * applied} set to it.
   */
  void restart() {
    if (appliedIndex > storage.snapshot(0).getMetadata().getIndex()) {
      storage.createSnapshot(appliedIndex, confState, ("state@" + appliedIndex).getBytes());
    }
    restart(config.toBuilder().applied(appliedIndex));
  }

  /** Restarts from storage with a config of the caller's choosing. */
  void restart(RaftConfig.Builder cfg) {
    raw = new RawNode(cfg.build(), view);
  }

  long lastAppliedIndex() {
    return appliedIndex;
  }

  /** Steps a message into the node and runs its application loop; returns what it sends. */
  List<Message> step(Message m) {
    raw.step(m);
    return drain();
  }

  /** The terms of the persisted log, from its first index. */
  List<Long> logTerms() {
    List<Long> terms = new ArrayList<>();
    for (long i = storage.firstIndex(); i <= storage.lastIndex(); i++) {
      terms.add(storage.term(i));
    }
    return terms;
  }

  /** The persisted log entries. */
  List<Entry> log() {
    return storage.entries(storage.firstIndex(), storage.lastIndex() + 1, Long.MAX_VALUE);
  }

  /** Runs the application loop until the node has nothing more to do; returns its messages. */
  List<Message> drain() {
    List<Message> out = new ArrayList<>();
    while (raw.hasReady()) {
      Ready rd = raw.ready();
      if (recordReadies) {
        readies.add(rd);
      }
      rd.snapshot()
          .ifPresent(
              s -> {
                storage.applySnapshot(s);
                confState = s.getMetadata().getConfState();
                appliedIndex = s.getMetadata().getIndex();
              });
      storage.append(rd.entries());
      rd.hardState().ifPresent(storage::setHardState);
      out.addAll(rd.messages());
      for (Entry e : rd.committedEntries()) {
        applied.add(e);
        appliedIndex = e.getIndex();
        if (e.getType() == EntryType.ENTRY_CONF_CHANGE_V2) {
          confState = raw.applyConfChange(parseV2(e));
          confHistory.add(confState);
        } else if (e.getType() == EntryType.ENTRY_CONF_CHANGE) {
          confState = raw.applyConfChange(parseV1(e));
          confHistory.add(confState);
        }
      }
      readStates.addAll(rd.readStates());
      raw.advance(rd);
    }
    return out;
  }

  /**
   * Takes a snapshot of the applied state and compacts the log up to it, as an application's
   * snapshot policy would. Does nothing if nothing new was applied since the last snapshot.
   */
  void snapshotAndCompact() {
    long index = appliedIndex;
    if (index <= storage.firstIndex() - 1) {
      return;
    }
    if (index > storage.snapshot(0).getMetadata().getIndex()) {
      storage.createSnapshot(index, confState, ("state@" + index).getBytes());
    }
    storage.compact(index);
  }

  /** Payloads of applied normal entries that carry data, as strings. */
  List<String> appliedData() {
    List<String> data = new ArrayList<>();
    for (Entry e : applied) {
      if (e.getType() == EntryType.ENTRY_NORMAL && !e.getData().isEmpty()) {
        data.add(e.getData().toStringUtf8());
      }
    }
    return data;
  }

  private static ConfChangeV2 parseV2(Entry e) {
    try {
      return ConfChangeV2.parseFrom(e.getData());
    } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
      throw new AssertionError(ex);
    }
  }

  private static ConfChange parseV1(Entry e) {
    try {
      return ConfChange.parseFrom(e.getData());
    } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
      throw new AssertionError(ex);
    }
  }
}
