package dev.raftboot.node;

import dev.raftboot.proto.ConfChangeSingle;
import dev.raftboot.proto.ConfChangeType;
import dev.raftboot.proto.ConfChangeV2;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.EntryType;
import dev.raftboot.proto.HardState;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A new group's initial members written as the first entries of its log, as etcd's bootstrap does:
 * one committed conf change per member at term 1 (voters first, in id order, then learners), so
 * every initial node writes the same entries.
 *
 * <p>Why entries and not a configuration stored beside an empty log: a node added later starts with
 * an empty log and an empty configuration. The leader replicates its log to it from index 1, and
 * the joining node rebuilds every configuration (the initial members, then each change) by applying
 * these entries in order. A configuration kept outside the log would never reach it, and it would
 * see only the later changes. Once the leader has compacted its log the joining node gets a
 * snapshot instead, whose metadata carries the configuration.
 */
final class InitialConfiguration {
  /** The term of the bootstrap entries; the first election then happens in term 2. */
  static final long TERM = 1;

  private InitialConfiguration() {}

  /**
   * @throws IllegalArgumentException for a joint configuration, or learners without voters
   */
  static List<Entry> entries(ConfState initial) {
    if (initial.getVotersOutgoingCount() > 0 || initial.getLearnersNextCount() > 0) {
      throw new IllegalArgumentException("a group cannot start in a joint configuration");
    }
    if (initial.getVotersCount() == 0 && initial.getLearnersCount() > 0) {
      throw new IllegalArgumentException("initial learners need at least one voter: " + initial);
    }
    List<Entry> entries = new ArrayList<>();
    for (long id : new TreeSet<>(initial.getVotersList())) {
      entries.add(entry(entries.size() + 1, ConfChangeType.ADD_NODE, id));
    }
    for (long id : new TreeSet<>(initial.getLearnersList())) {
      entries.add(entry(entries.size() + 1, ConfChangeType.ADD_LEARNER_NODE, id));
    }
    return entries;
  }

  /** The hard state that goes with the entries: they are committed. */
  static HardState hardState(List<Entry> entries) {
    return HardState.newBuilder().setTerm(TERM).setCommit(entries.size()).build();
  }

  private static Entry entry(long index, ConfChangeType type, long id) {
    ConfChangeV2 cc =
        ConfChangeV2.newBuilder()
            .addChanges(ConfChangeSingle.newBuilder().setType(type).setNodeId(id))
            .build();
    return Entry.newBuilder()
        .setType(EntryType.ENTRY_CONF_CHANGE_V2)
        .setTerm(TERM)
        .setIndex(index)
        .setData(cc.toByteString())
        .build();
  }
}
