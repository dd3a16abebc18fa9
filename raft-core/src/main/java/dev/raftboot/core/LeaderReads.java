package dev.raftboot.core;

import com.google.protobuf.ByteString;
import dev.raftboot.core.quorum.VoteResult;
import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a leader answers read index requests (thesis §6.4): it records its commit index, confirms
 * that it still leads with a heartbeat round carrying the request's context (SAFE) or from its
 * lease (LEASE_BASED, or a request asking for a lease read under check-quorum), then answers.
 */
final class LeaderReads {
  private final Raft r;

  LeaderReads(Raft r) {
    this.r = r;
  }

  void readIndex(Message m) {
    if (!committedEntryInCurrentTerm()) {
      // Thesis §6.4: until it commits an entry of its term, a new leader does not know the
      // commit index of its predecessor. Neither does a lone voter: a commit that only moved its
      // index was written without a sync, so after a crash it may trail what was acknowledged.
      // Hold the read until then.
      r.pendingReadIndexMessages.add(m);
      return;
    }
    confirmAndRespond(m);
  }

  private void confirmAndRespond(Message m) {
    // Only the one voter is sure to lead: a leader removed from a single-voter configuration (and
    // left leading, stepDownOnRemoval off) is not, and must confirm like any other.
    if (r.prs.isSingleton() && r.prs.isVoter(r.id)) {
      respondToReadIndex(m, r.raftLog.committed());
      return;
    }
    ReadOnlyOption option = m.getLeaseRead() ? ReadOnlyOption.LEASE_BASED : r.readOnly.option();
    if (option == ReadOnlyOption.LEASE_BASED && !r.lease.holds()) {
      // No sound lease (see Lease.holds: check-quorum off, no quorum answered a heartbeat
      // recent enough, or leadership being handed over): confirm the safe way.
      option = ReadOnlyOption.SAFE;
    }
    switch (option) {
      case SAFE -> {
        r.readOnly.addRequest(r.raftLog.committed(), m);
        // The leader's own acknowledgement.
        r.readOnly.recvAck(r.id, m.getEntries(0).getData());
        r.replication.bcastHeartbeatWithContext(m.getEntries(0).getData());
      }
      case LEASE_BASED -> respondToReadIndex(m, r.raftLog.committed());
    }
  }

  /** Answers the reads held until this leader committed an entry of its term. */
  void releasePending() {
    if (r.pendingReadIndexMessages.isEmpty() || !committedEntryInCurrentTerm()) {
      return;
    }
    List<Message> pending = new ArrayList<>(r.pendingReadIndexMessages);
    r.pendingReadIndexMessages.clear();
    for (Message m : pending) {
      confirmAndRespond(m);
    }
  }

  private boolean committedEntryInCurrentTerm() {
    return r.raftLog.termOrZero(r.raftLog.committed()) == r.term;
  }

  private void respondToReadIndex(Message req, long readIndex) {
    if (req.getFrom() == 0 || req.getFrom() == r.id) {
      r.readStates.add(new ReadState(readIndex, req.getEntries(0).getData().toByteArray()));
      return;
    }
    r.send(
        Message.newBuilder()
            .setType(MessageType.MSG_READ_INDEX_RESP)
            .setTo(req.getFrom())
            .setIndex(readIndex)
            .addAllEntries(req.getEntriesList()));
  }

  /** A heartbeat answer: it may carry the context of a read round, confirming reads up to it. */
  void onHeartbeatAck(Message m) {
    if (m.getContext().isEmpty()) {
      // Not an answer to a read round (none is pending when every read is lease-based).
      return;
    }
    Map<Long, Boolean> acks = r.readOnly.recvAck(m.getFrom(), m.getContext());
    if (r.prs.config().voters().voteResult(acks) != VoteResult.WON) {
      return;
    }
    respondUpTo(m.getContext());
  }

  /**
   * The configuration changed: the acknowledgements a read round already has may be a quorum of the
   * new voters, and no more may come (the others were removed), so count them again.
   */
  void recountRounds() {
    ByteString newestConfirmed = null;
    for (ReadOnly.Pending p : r.readOnly.pendingInOrder()) {
      if (r.prs.config().voters().voteResult(p.acks) == VoteResult.WON) {
        newestConfirmed = p.context();
      }
    }
    if (newestConfirmed != null) {
      respondUpTo(newestConfirmed);
    }
  }

  private void respondUpTo(ByteString ctx) {
    for (ReadOnly.Pending p : r.readOnly.advance(ctx)) {
      respondToReadIndex(p.request, p.index);
    }
  }
}
