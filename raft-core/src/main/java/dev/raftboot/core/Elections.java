package dev.raftboot.core;

import dev.raftboot.core.quorum.VoteResult;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.EntryType;
import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageType;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Elections (§5.2): when to campaign, pre-vote (thesis §9.6), counting votes, and answering vote
 * requests with the one-vote-per-term and up-to-date (§5.4.1) rules.
 */
final class Elections {
  private static final Logger log = LoggerFactory.getLogger(Elections.class);

  private final Raft r;

  Elections(Raft r) {
    this.r = r;
  }

  void hup(boolean transfer) {
    if (r.state == StateRole.LEADER) {
      log.debug("raft {} ignoring MsgHup because already leader", r.id);
      return;
    }
    if (!r.promotable()) {
      log.warn("raft {} is unpromotable and can not campaign", r.id);
      return;
    }
    if (hasUnappliedConfChanges()) {
      log.warn(
          "raft {} cannot campaign at term {}: there are unapplied conf changes", r.id, r.term);
      return;
    }
    log.info("raft {} is starting a new election at term {}", r.id, r.term);
    if (r.config.preVote() && !transfer) {
      campaign(true, false);
    } else {
      campaign(false, transfer);
    }
  }

  /**
   * A node must not campaign while a conf change it has committed is not yet applied: it would
   * count votes with a configuration that is already outdated.
   */
  private boolean hasUnappliedConfChanges() {
    if (r.raftLog.applied() >= r.raftLog.committed()) {
      return false;
    }
    long lo = r.raftLog.applied() + 1;
    long hi = r.raftLog.committed() + 1;
    while (lo < hi) {
      List<Entry> ents = r.raftLog.slice(lo, hi, r.config.maxSizePerMsg());
      for (Entry e : ents) {
        if (e.getType() != EntryType.ENTRY_NORMAL) {
          return true;
        }
      }
      lo = ents.get(ents.size() - 1).getIndex() + 1;
    }
    return false;
  }

  private void campaign(boolean preElection, boolean transfer) {
    if (!r.promotable()) {
      log.warn("raft {} is unpromotable; campaign() should not have been called", r.id);
      return;
    }
    long voteTerm;
    MessageType voteType;
    if (preElection) {
      r.becomePreCandidate();
      voteType = MessageType.MSG_REQUEST_PRE_VOTE;
      // Ask with the term we would have, without taking it yet.
      voteTerm = r.term + 1;
    } else {
      r.becomeCandidate();
      voteType = MessageType.MSG_REQUEST_VOTE;
      voteTerm = r.term;
    }
    if (poll(r.id, true) == VoteResult.WON) {
      // A single-voter cluster wins at once.
      if (preElection) {
        campaign(false, transfer);
      } else {
        r.becomeLeader();
      }
      return;
    }
    long lastIndex = r.raftLog.lastIndex();
    long lastTerm = r.raftLog.lastTerm();
    for (long voter : r.prs.config().voters().ids()) {
      if (voter == r.id) {
        continue;
      }
      log.info(
          "raft {} [logterm: {}, index: {}] sent {} request to {} at term {}",
          r.id,
          lastTerm,
          lastIndex,
          voteType,
          voter,
          r.term);
      Message.Builder m =
          Message.newBuilder()
              .setType(voteType)
              .setTo(voter)
              .setTerm(voteTerm)
              .setIndex(lastIndex)
              .setLogTerm(lastTerm);
      if (transfer) {
        m.setContext(r.CAMPAIGN_TRANSFER);
      }
      r.send(m);
    }
  }

  private VoteResult poll(long from, boolean granted) {
    r.prs.recordVote(from, granted);
    return r.prs.tallyVotes();
  }

  void handleVoteRequest(Message m) {
    boolean preVote = m.getType() == MessageType.MSG_REQUEST_PRE_VOTE;
    MessageType respType =
        preVote ? MessageType.MSG_REQUEST_PRE_VOTE_RESPONSE : MessageType.MSG_REQUEST_VOTE_RESPONSE;
    // One vote per term (§5.2): we may repeat our vote, vote if we have not and know no
    // leader, or grant a pre-vote for a future term.
    boolean canVote =
        r.vote == m.getFrom() || (r.vote == 0 && r.lead == 0) || (preVote && m.getTerm() > r.term);
    boolean grant = canVote && r.raftLog.isUpToDate(m.getIndex(), m.getLogTerm());
    log.info(
        "raft {} [logterm: {}, index: {}, vote: {}] {} {} from {} [logterm: {}, index: {}] at"
            + " term {}",
        r.id,
        r.raftLog.lastTerm(),
        r.raftLog.lastIndex(),
        r.vote,
        grant ? "granted" : "rejected",
        m.getType(),
        m.getFrom(),
        m.getLogTerm(),
        m.getIndex(),
        r.term);
    if (grant) {
      // The answer carries the term of the request: for a pre-vote that is a term we have not
      // taken, and the candidate must recognize its own answer.
      r.send(Message.newBuilder().setTo(m.getFrom()).setTerm(m.getTerm()).setType(respType));
      if (!preVote) {
        r.electionElapsed = 0;
        r.vote = m.getFrom();
      }
    } else {
      r.send(
          Message.newBuilder()
              .setTo(m.getFrom())
              .setTerm(r.term)
              .setType(respType)
              .setReject(true));
    }
  }

  void stepCandidate(Message m) {
    MessageType myResponse =
        r.state == StateRole.PRE_CANDIDATE
            ? MessageType.MSG_REQUEST_PRE_VOTE_RESPONSE
            : MessageType.MSG_REQUEST_VOTE_RESPONSE;
    switch (m.getType()) {
      case MSG_PROPOSE -> {
        if (!r.heldProposals.holdForwarded(m)) {
          throw new ProposalDroppedException("no leader at term " + r.term, 0);
        }
      }
      case MSG_READ_INDEX -> throw new ProposalDroppedException("no leader at term " + r.term, 0);
      case MSG_APPEND -> {
        r.becomeFollower(m.getTerm(), m.getFrom());
        r.follower.handleAppendEntries(m);
      }
      case MSG_HEARTBEAT -> {
        r.becomeFollower(m.getTerm(), m.getFrom());
        r.follower.handleHeartbeat(m);
      }
      case MSG_SNAPSHOT -> {
        r.becomeFollower(m.getTerm(), m.getFrom());
        r.follower.handleSnapshot(m);
      }
      case MSG_TIMEOUT_NOW ->
          log.debug("raft {} ignored MsgTimeoutNow from {}: not a follower", r.id, m.getFrom());
      default -> {
        if (m.getType() == myResponse) {
          VoteResult result = poll(m.getFrom(), !m.getReject());
          int[] counts = r.prs.voteCounts();
          log.info(
              "raft {} has received {} {} votes and {} vote rejections",
              r.id,
              counts[0],
              m.getType(),
              counts[1]);
          if (result == VoteResult.WON) {
            if (r.state == StateRole.PRE_CANDIDATE) {
              campaign(false, false);
            } else {
              r.becomeLeader();
              r.replication.bcastAppend();
            }
          } else if (result == VoteResult.LOST) {
            // A rejection may carry a higher term, already taken above; otherwise stay put.
            r.becomeFollower(r.term, 0);
          }
        }
      }
    }
  }
}
