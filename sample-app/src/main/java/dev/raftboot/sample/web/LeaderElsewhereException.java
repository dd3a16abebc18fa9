package dev.raftboot.sample.web;

import java.net.URI;

/**
 * A write reached a follower while forwarding is off ({@code sample.forward-writes=false}):
 * answered 307 with the leader's URL for the same request.
 */
public class LeaderElsewhereException extends RuntimeException {
  private final long leaderId;
  private final URI location;

  public LeaderElsewhereException(long leaderId, URI location) {
    super("node " + leaderId + " leads; send writes there: " + location);
    this.leaderId = leaderId;
    this.location = location;
  }

  public long leaderId() {
    return leaderId;
  }

  public URI location() {
    return location;
  }
}
