package dev.raftboot.core;

import dev.raftboot.proto.Entry;
import dev.raftboot.proto.Message;
import dev.raftboot.proto.MessageType;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proposals forwarded to this node at a moment it could neither take nor pass them on: it led but
 * was handing leadership over, or it knew no leader (an election under way).
 *
 * <p>A leader in a transfer takes no proposals (thesis §3.10), and a node without a leader has
 * nowhere to send them; etcd drops forwarded ones silently, so their proposers learn only by
 * timeout and every graceful hand-off costs the writers in flight a whole client timeout. Here they
 * are held instead, bounded in bytes, and released as soon as someone can take them: proposed by
 * this node once it leads with no transfer in progress, forwarded once it follows a known leader,
 * dropped if neither happens within an election timeout. A held proposal is in no log, so
 * delivering it later is no different from a message that took longer on the wire, and it is
 * delivered once. Proposals made on this node itself are still refused at once: their caller can
 * react.
 */
final class HeldProposals {
  private static final Logger log = LoggerFactory.getLogger(HeldProposals.class);

  /** The bound when the configuration sets no limit on uncommitted entries. */
  static final long DEFAULT_MAX_BYTES = 64L << 20;

  private final Raft r;
  private final List<Message> held = new ArrayList<>();
  private long bytes;
  private int ticks;

  HeldProposals(Raft r) {
    this.r = r;
  }

  /**
   * Holds {@code entries} forwarded by {@code from}.
   *
   * @return false when holding them would exceed the bound (the caller drops them)
   */
  boolean hold(long from, List<Entry> entries) {
    long size = EntrySizes.payload(entries);
    long max = Math.min(r.config.maxUncommittedEntriesSize(), DEFAULT_MAX_BYTES);
    if (bytes + size > max) {
      return false;
    }
    if (held.isEmpty()) {
      ticks = 0;
    }
    held.add(
        Message.newBuilder()
            .setType(MessageType.MSG_PROPOSE)
            .setFrom(from)
            .addAllEntries(entries)
            .build());
    bytes += size;
    return true;
  }

  /**
   * Holds {@code m} if another node forwarded it.
   *
   * @return whether it is held; false for a local proposal or when the bound is reached
   */
  boolean holdForwarded(Message m) {
    return m.getFrom() != r.id && m.getFrom() != 0 && hold(m.getFrom(), m.getEntriesList());
  }

  boolean isEmpty() {
    return held.isEmpty();
  }

  /** Counts a tick; after an election timeout without a leader to give them to, drops them. */
  void tick() {
    if (!held.isEmpty() && ++ticks >= r.electionTimeout) {
      log.info(
          "raft {} dropped {} held forwarded proposals: no leader within an election timeout",
          r.id,
          held.size());
      clear();
    }
  }

  /** Hands the held proposals on, if there is someone to take them now. */
  void release() {
    if (held.isEmpty()) {
      return;
    }
    if (r.state == StateRole.LEADER && r.leadTransferee == 0) {
      List<Message> mine = List.copyOf(held);
      clear();
      for (Message m : mine) {
        try {
          r.leader.proposeEntries(new ArrayList<>(m.getEntriesList()), m.getFrom());
        } catch (ProposalDroppedException e) {
          log.info(
              "raft {} dropped a held proposal from {}: {}", r.id, m.getFrom(), e.getMessage());
        }
      }
    } else if (r.state == StateRole.FOLLOWER && r.lead != 0) {
      if (r.config.disableProposalForwarding()) {
        log.info("raft {} dropped {} held proposals: forwarding is disabled", r.id, held.size());
      } else {
        for (Message m : held) {
          r.send(m.toBuilder().setTo(r.lead));
        }
      }
      clear();
    }
  }

  private void clear() {
    held.clear();
    bytes = 0;
  }
}
