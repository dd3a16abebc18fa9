package dev.raftboot.spring.autoconfigure;

import dev.raftboot.transport.PeerAddress;

/**
 * One entry of {@code raft.members}: a node id and the address its peers reach it at.
 *
 * @param id the node's id
 * @param address where its peer traffic is served
 */
public record Member(long id, PeerAddress address) {

  /**
   * Parses {@code "id=host:port"}.
   *
   * @throws IllegalArgumentException saying what is malformed
   */
  static Member parse(String entry) {
    String text = entry.trim();
    int eq = text.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("'" + entry + "' is not of the form id=host:port");
    }
    long id;
    try {
      id = Long.parseLong(text.substring(0, eq).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + entry + "' does not start with a numeric node id");
    }
    if (id <= 0) {
      throw new IllegalArgumentException("'" + entry + "' has a node id that is not positive");
    }
    return new Member(id, PeerAddress.parse(text.substring(eq + 1).trim()));
  }

  @Override
  public String toString() {
    return id + "=" + address;
  }
}
