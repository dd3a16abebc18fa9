package dev.raftboot.node;

/**
 * Identifies one request of a client session, so that a retried proposal is applied at most once:
 * pass the same {@code ClientRequest} when retrying (on this node or any other) and the group
 * answers with the result of the first application instead of applying the command again.
 *
 * <p>A client gets its {@code clientId} from {@link RaftGroup#openSession()}; its sequence numbers
 * must increase from one request to the next (gaps are allowed). See {@link ClientSession}.
 *
 * @param clientId the session's id, as {@link ClientSession#clientId()} returned it (positive)
 * @param sequence the request's number within the session (positive, increasing)
 */
public record ClientRequest(long clientId, long sequence) {
  public ClientRequest {
    if (clientId <= 0) {
      throw new IllegalArgumentException("ClientRequest.clientId must be positive: " + clientId);
    }
    if (sequence <= 0) {
      throw new IllegalArgumentException("ClientRequest.sequence must be positive: " + sequence);
    }
  }
}
