package dev.raftboot.node;

import dev.raftboot.core.RaftException;

/**
 * No answer within the proposal timeout. The outcome is unknown: the command may still be applied
 * later (a client should retry with an idempotent command).
 */
public class ProposalTimeoutException extends RaftException {
  public ProposalTimeoutException(String group, long proposalId, long timeoutMillis) {
    super(
        "group "
            + group
            + ": proposal "
            + proposalId
            + " got no answer within "
            + timeoutMillis
            + " ms; it may or may not be applied");
  }
}
