package dev.raftboot.node;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A client's handle on its session: its id (the log index at which the session was opened, the same
 * on every node) and a counter of request numbers. Thread-safe.
 *
 * <pre>{@code
 * ClientSession session = group.openSession().get();
 * ClientRequest request = session.nextRequest();
 * Object result = group.propose(command, request).get();   // on failure, retry with the same request
 * }</pre>
 *
 * A session is replicated state: it can be used from any node of the group, and a client that moves
 * to another process can continue with {@link #resume(long, long)}.
 */
public final class ClientSession {
  private final long clientId;
  private final AtomicLong lastSequence;

  private ClientSession(long clientId, long lastSequence) {
    if (clientId <= 0) {
      throw new IllegalArgumentException("clientId must be positive: " + clientId);
    }
    this.clientId = clientId;
    this.lastSequence = new AtomicLong(lastSequence);
  }

  /** A session just opened; its first request is number 1. */
  static ClientSession opened(long clientId) {
    return new ClientSession(clientId, 0);
  }

  /** Continues a session whose requests up to {@code lastSequence} were already numbered. */
  public static ClientSession resume(long clientId, long lastSequence) {
    if (lastSequence < 0) {
      throw new IllegalArgumentException("lastSequence must not be negative: " + lastSequence);
    }
    return new ClientSession(clientId, lastSequence);
  }

  public long clientId() {
    return clientId;
  }

  /** The next request of this session; keep it to retry the same request. */
  public ClientRequest nextRequest() {
    return new ClientRequest(clientId, lastSequence.incrementAndGet());
  }

  @Override
  public String toString() {
    return "ClientSession[" + clientId + " at " + lastSequence.get() + "]";
  }
}
