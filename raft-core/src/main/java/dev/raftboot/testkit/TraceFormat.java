package dev.raftboot.testkit;

import dev.raftboot.core.Ready;
import dev.raftboot.proto.Message;

/** One-line descriptions of messages and Readies for a simulation's trace. */
final class TraceFormat {
  private TraceFormat() {}

  static String message(Message m) {
    StringBuilder sb =
        new StringBuilder()
            .append(m.getType())
            .append(' ')
            .append(m.getFrom())
            .append("->")
            .append(m.getTo())
            .append(" t")
            .append(m.getTerm());
    switch (m.getType()) {
      case MSG_APPEND ->
          sb.append(" idx=")
              .append(m.getIndex())
              .append(" logterm=")
              .append(m.getLogTerm())
              .append(" ents=")
              .append(m.getEntriesCount())
              .append(" commit=")
              .append(m.getCommit());
      case MSG_APPEND_RESPONSE -> {
        sb.append(" idx=").append(m.getIndex());
        if (m.getReject()) {
          sb.append(" reject hint=").append(m.getRejectHint());
        }
      }
      case MSG_REQUEST_VOTE_RESPONSE, MSG_REQUEST_PRE_VOTE_RESPONSE -> {
        if (m.getReject()) {
          sb.append(" reject");
        }
      }
      case MSG_HEARTBEAT -> sb.append(" commit=").append(m.getCommit());
      case MSG_SNAPSHOT -> sb.append(" snap@").append(m.getSnapshot().getMetadata().getIndex());
      default -> {}
    }
    return sb.toString();
  }

  static String ready(Ready rd) {
    StringBuilder sb = new StringBuilder();
    rd.softState().ifPresent(s -> sb.append(s.role()).append(" lead=").append(s.leaderId()));
    rd.hardState()
        .ifPresent(
            h ->
                sb.append(" hs{term=")
                    .append(h.getTerm())
                    .append(" vote=")
                    .append(h.getVote())
                    .append(" commit=")
                    .append(h.getCommit())
                    .append('}'));
    if (!rd.entries().isEmpty()) {
      sb.append(" persist ")
          .append(rd.entries().get(0).getIndex())
          .append("..")
          .append(rd.entries().get(rd.entries().size() - 1).getIndex());
    }
    rd.snapshot().ifPresent(s -> sb.append(" snap@").append(s.getMetadata().getIndex()));
    if (!rd.committedEntries().isEmpty()) {
      sb.append(" apply ")
          .append(rd.committedEntries().get(0).getIndex())
          .append("..")
          .append(rd.committedEntries().get(rd.committedEntries().size() - 1).getIndex());
    }
    if (!rd.messages().isEmpty()) {
      sb.append(" msgs=").append(rd.messages().size());
    }
    return sb.toString();
  }
}
