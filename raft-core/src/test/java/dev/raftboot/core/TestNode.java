package dev.raftboot.core;

import dev.raftboot.proto.ConfChange;
import dev.raftboot.proto.ConfChangeV2;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.EntryType;
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
  RawNode raw;
  final List<Entry> applied = new ArrayList<>();
  final List<ReadState> readStates = new ArrayList<>();
  final List<Ready> readies = new ArrayList<>();
  ConfState confState;
  boolean recordReadies;

  TestNode(RaftConfig config, MemoryLogStorage storage) {
    this.config = config;
    this.storage = storage;
    this.raw = new RawNode(config, storage);
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

  /** Restarts from what was persisted: unpersisted state is lost, as after a crash. */
  void restart() {
    raw = new RawNode(config.toBuilder().applied(lastAppliedIndex()).build(), storage);
  }

  long lastAppliedIndex() {
    return applied.isEmpty() ? 0 : applied.get(applied.size() - 1).getIndex();
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
              });
      storage.append(rd.entries());
      rd.hardState().ifPresent(storage::setHardState);
      out.addAll(rd.messages());
      for (Entry e : rd.committedEntries()) {
        applied.add(e);
        if (e.getType() == EntryType.ENTRY_CONF_CHANGE_V2) {
          confState = raw.applyConfChange(parseV2(e));
        } else if (e.getType() == EntryType.ENTRY_CONF_CHANGE) {
          confState = raw.applyConfChange(parseV1(e));
        }
      }
      readStates.addAll(rd.readStates());
      raw.advance(rd);
    }
    return out;
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
