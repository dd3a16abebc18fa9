package dev.raftboot.node;

import java.nio.ByteBuffer;

/**
 * The header a runtime puts in front of every command it proposes: which node proposed it and its
 * proposal id there, so that the proposing node can complete the client's future when the entry is
 * applied, wherever it was appended.
 *
 * <pre>
 *   byte version (1) | long origin node id | long proposal id | command bytes
 * </pre>
 */
record ProposalEnvelope(long origin, long proposalId, byte[] command) {
  static final byte VERSION = 1;
  static final int HEADER = 1 + 8 + 8;

  byte[] encode() {
    return ByteBuffer.allocate(HEADER + command.length)
        .put(VERSION)
        .putLong(origin)
        .putLong(proposalId)
        .put(command)
        .array();
  }

  /**
   * @throws IllegalArgumentException if the bytes are not an envelope of a known version
   */
  static ProposalEnvelope decode(byte[] data) {
    if (data.length < HEADER || data[0] != VERSION) {
      throw new IllegalArgumentException(
          "not a proposal envelope (length "
              + data.length
              + ", version byte "
              + (data.length > 0 ? data[0] : -1)
              + ")");
    }
    ByteBuffer b = ByteBuffer.wrap(data);
    b.get();
    long origin = b.getLong();
    long id = b.getLong();
    byte[] command = new byte[data.length - HEADER];
    b.get(command);
    return new ProposalEnvelope(origin, id, command);
  }
}
