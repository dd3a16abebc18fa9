package dev.raftboot.testkit;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.raftboot.core.ReadState;
import dev.raftboot.core.Ready;
import dev.raftboot.proto.ConfChangeV2;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.EntryType;
import dev.raftboot.proto.Snapshot;
import java.io.ByteArrayInputStream;
import java.util.HashSet;
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
      Consumer<String> check) {
    this.workload = workload;
    this.checker = checker;
    this.network = network;
    this.clients = clients;
    this.trace = trace;
    this.check = check;
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
    // 1. Persist.
    rd.snapshot().ifPresent(n.storage::applySnapshot);
    n.storage.append(rd.entries());
    check.accept(checker.onPersistEntries(n.id, rd.entries()));
    rd.hardState()
        .ifPresent(
            hs -> {
              n.storage.setHardState(hs);
              check.accept(checker.onPersistHardState(n.id, hs));
              recordCommitted(n, hs.getCommit());
            });
    // 2. Send.
    network.sendAll(rd.messages());
    // 3. Apply.
    rd.snapshot().ifPresent(s -> installSnapshot(n, s));
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
    n.raw.advance(rd);
    check.accept(checker.checkLeaderCompleteness(n.raw.status(), n.storage));
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
