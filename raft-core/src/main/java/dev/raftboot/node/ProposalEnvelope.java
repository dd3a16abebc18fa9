package dev.raftboot.node;

import com.google.protobuf.ByteString;
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
  static ProposalEnvelope decode(ByteString data) {
    if (data.size() < HEADER || data.byteAt(0) != VERSION) {
      throw new IllegalArgumentException(
          "not a proposal envelope (length "
              + data.size()
              + ", version byte "
              + (data.isEmpty() ? -1 : data.byteAt(0))
              + ")");
    }
    ByteBuffer header = data.substring(1, HEADER).asReadOnlyByteBuffer();
    long origin = header.getLong();
    long id = header.getLong();
    // The command is copied once, straight out of the entry.
    return new ProposalEnvelope(origin, id, data.substring(HEADER).toByteArray());
  }
}
