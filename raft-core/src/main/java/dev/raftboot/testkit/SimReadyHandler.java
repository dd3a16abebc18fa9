package dev.raftboot.testkit;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.raftboot.core.ReadState;
import dev.raftboot.core.Ready;
import dev.raftboot.core.StateRole;
import dev.raftboot.proto.ConfChangeV2;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.EntryType;
import dev.raftboot.proto.HardState;
import dev.raftboot.proto.Snapshot;
import java.io.ByteArrayInputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The simulated runtime of one node's Ready: persists to its honest storage, sends, installs
 * snapshots, applies committed entries to the state machine (completing the clients' writes),
 * serves confirmed reads, and reports every step to the {@link InvariantChecker}.
 */
final class SimReadyHandler<I, O> {
  private final Workload<I, O> workload;
  private final InvariantChecker checker;
  private final SimNetwork network;
  private final ClientHistory<I, O> clients;
  private final Consumer<String> trace;
  private final Consumer<String> check;
  private final boolean asyncWrites;
  private final Set<Long> confChangeIndexes = new HashSet<>();
  private int snapshotsInstalled;

  /**
   * @param trace records a line of the run's trace
   * @param check fails the run with a violation (ignores null)
   */
  SimReadyHandler(
      Workload<I, O> workload,
      InvariantChecker checker,
      SimNetwork network,
      ClientHistory<I, O> clients,
      Consumer<String> trace,
      Consumer<String> check,
      boolean asyncWrites) {
    this.workload = workload;
    this.checker = checker;
    this.network = network;
    this.clients = clients;
    this.trace = trace;
    this.check = check;
    this.asyncWrites = asyncWrites;
  }

  int snapshotsInstalled() {
    return snapshotsInstalled;
  }

  int confChangesApplied() {
    return confChangeIndexes.size();
  }

  /** Handles one Ready of {@code n} the way a runtime must: persist, send, apply, advance. */
  void process(SimNode<I> n) {
    Ready rd = n.raw.ready();
    trace.accept("ready " + n.id + " " + TraceFormat.ready(rd));
    rd.softState().ifPresent(soft -> n.readyRole = soft.role());
    if (asyncWrites && rd.snapshot().isEmpty()) {
      processAsync(n, rd);
      return;
    }
    // A snapshot is written after the writes before it, synchronously.
    while (!n.pendingWrites.isEmpty()) {
      persistOldest(n);
    }
    // 1. Persist.
    rd.snapshot().ifPresent(n.storage::applySnapshot);
    write(n, rd.entries(), rd.hardState());
    // 2. Send.
    network.sendAll(rd.messages());
    // 3. Apply.
    rd.snapshot().ifPresent(s -> installSnapshot(n, s));
    applyAndServe(n, rd);
    n.raw.advance(rd);
    check.accept(checker.checkLeaderCompleteness(n.raw.status(), n.storage));
  }

  /**
   * Asynchronous storage writes: the write is queued; a leader's messages go out at once unless the
   * Ready changes term or vote, every other message waits for the write; committed entries are
   * applied now (they are durable on a quorum already).
   */
  private void processAsync(SimNode<I> n, Ready rd) {
    HardState durable = n.storage.hardState();
    // Never a term or vote not yet durable, including one a write still in progress carries.
    boolean sendFirst =
        n.readyRole == StateRole.LEADER
            && sameTermAndVote(rd.hardState(), durable)
            && n.pendingWrites.stream().allMatch(w -> sameTermAndVote(w.hardState(), durable));
    if (sendFirst) {
      network.sendAll(rd.messages());
    }
    n.pendingWrites.add(
        new SimNode.PendingWrite(
            rd.entries(), rd.hardState(), sendFirst ? List.of() : rd.messages()));
    applyAndServe(n, rd);
    n.raw.advanceAsync(rd);
  }

  private static boolean sameTermAndVote(Optional<HardState> hs, HardState durable) {
    return hs.map(h -> h.getTerm() == durable.getTerm() && h.getVote() == durable.getVote())
        .orElse(true);
  }

  /** Whether {@code n} has writes in progress. */
  boolean hasPendingWrites(SimNode<I> n) {
    return !n.pendingWrites.isEmpty();
  }

  /** Makes {@code n}'s oldest write in progress durable, sends what waited for it, reports it. */
  void persistOldest(SimNode<I> n) {
    SimNode.PendingWrite w = n.pendingWrites.poll();
    if (w == null) {
      return;
    }
    trace.accept("persist " + n.id + " " + w.entries().size() + " entries");
    write(n, w.entries(), w.hardState());
    network.sendAll(w.messages());
    if (!w.entries().isEmpty()) {
      Entry last = w.entries().get(w.entries().size() - 1);
      n.raw.onPersisted(last.getIndex(), last.getTerm());
    }
    if (n.pendingWrites.isEmpty()) {
      // The check reads the leader's log from its storage, which lags while writes are pending.
      check.accept(checker.checkLeaderCompleteness(n.raw.status(), n.storage));
    }
  }

  private void write(SimNode<I> n, List<Entry> entries, Optional<HardState> hardState) {
    n.storage.append(entries);
    check.accept(checker.onPersistEntries(n.id, entries));
    hardState.ifPresent(
        hs -> {
          n.storage.setHardState(hs);
          check.accept(checker.onPersistHardState(n.id, hs));
          recordCommitted(n, hs.getCommit());
        });
  }

  private void applyAndServe(SimNode<I> n, Ready rd) {
    for (Entry e : rd.committedEntries()) {
      check.accept(checker.onApply(n.id, e));
      apply(n, e);
    }
    for (ReadState rs : rd.readStates()) {
      SimNode.Waiting<I> w = n.waitingReads.remove(ByteString.copyFrom(rs.requestCtx()));
      if (w != null) {
        n.confirmedReads.add(new SimNode.ConfirmedRead<>(rs.index(), w));
      }
    }
    serveReads(n);
  }

  private void recordCommitted(SimNode<I> n, long commit) {
    long from = Math.max(n.storage.firstIndex(), n.commitChecked + 1);
    for (long i = from; i <= commit && i <= n.storage.lastIndex(); i++) {
      check.accept(checker.onCommitted(n.id, n.storage.entries(i, i + 1, Long.MAX_VALUE).get(0)));
    }
    n.commitChecked = Math.max(n.commitChecked, commit);
  }

  private void installSnapshot(SimNode<I> n, Snapshot s) {
    n.stateMachine = new DedupStateMachine(workload.newStateMachine());
    n.stateMachine.restore(new ByteArrayInputStream(s.getData().toByteArray()));
    n.appliedIndex = s.getMetadata().getIndex();
    n.confState = s.getMetadata().getConfState();
    snapshotsInstalled++;
    check.accept(checker.onApplySnapshot(n.id, n.appliedIndex));
  }

  private void apply(SimNode<I> n, Entry e) {
    n.appliedIndex = e.getIndex();
    if (e.getType() == EntryType.ENTRY_CONF_CHANGE_V2) {
      ConfChangeV2 cc;
      try {
        cc = ConfChangeV2.parseFrom(e.getData());
      } catch (InvalidProtocolBufferException ex) {
        check.accept("malformed conf change at " + e.getIndex() + ": " + ex.getMessage());
        return;
      }
      n.confState = n.raw.applyConfChange(cc);
      confChangeIndexes.add(e.getIndex());
      return;
    }
    if (e.getType() != EntryType.ENTRY_NORMAL || e.getData().isEmpty()) {
      return;
    }
    byte[] command = e.getData().toByteArray();
    Object result = n.stateMachine.apply(e.getIndex(), command);
    long opId = DedupStateMachine.opId(command);
    if (result != DedupStateMachine.DUPLICATE) {
      clients.applied(opId, result);
    }
    SimNode.Waiting<I> w = n.waitingWrites.remove(opId);
    if (w != null) {
      // A duplicate here means the write took effect earlier (e.g. inside a snapshot this node
      // installed); its result is the one recorded then.
      clients.complete(w, workload.writeOutput(w.input(), clients.resultOf(opId)));
    }
  }

  private void serveReads(SimNode<I> n) {
    var it = n.confirmedReads.iterator();
    while (it.hasNext()) {
      SimNode.ConfirmedRead<I> r = it.next();
      if (r.index() <= n.appliedIndex) {
        it.remove();
        O out = workload.read(n.stateMachine.inner(), r.op().input());
        clients.complete(r.op(), out);
      }
    }
  }
}
