package dev.raftboot.node;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The header a runtime puts in front of every command it proposes: which node proposed it and its
 * proposal id there (so that node can complete the client's future when the entry is applied,
 * wherever it was appended), the proposer's wall-clock time (the only time the replicated session
 * table ever reads), and for session requests the client id and sequence number.
 *
 * <pre>
 *   version 2: byte 2 | byte kind | long origin | long proposal id | long proposed-at millis
 *              | [long client id | long sequence, for kind SESSION_COMMAND] | command bytes
 *   version 1: byte 1 | long origin | long proposal id | command bytes     (read only)
 * </pre>
 */
record ProposalEnvelope(
    Kind kind,
    long origin,
    long proposalId,
    long proposedAtMillis,
    long clientId,
    long sequence,
    byte[] command) {

  /** What an entry asks the applier to do. */
  enum Kind {
    /** Apply the command; no session. */
    COMMAND,
    /** Apply the command at most once for (client id, sequence). */
    SESSION_COMMAND,
    /** Open a client session whose id is this entry's log index. */
    OPEN_SESSION
  }

  /** By ordinal, once: {@code Kind.values()} copies its array on every call. */
  private static final List<Kind> KINDS = List.of(Kind.values());

  static final byte V1 = 1;
  static final byte V2 = 2;
  static final int V1_HEADER = 1 + 8 + 8;
  static final int V2_HEADER = 2 + 8 + 8 + 8;
  static final int SESSION_FIELDS = 8 + 8;
  private static final byte[] NO_COMMAND = new byte[0];

  static ProposalEnvelope command(long origin, long proposalId, long now, byte[] command) {
    return new ProposalEnvelope(Kind.COMMAND, origin, proposalId, now, 0, 0, command);
  }

  static ProposalEnvelope sessionCommand(
      long origin, long proposalId, long now, ClientRequest request, byte[] command) {
    return new ProposalEnvelope(
        Kind.SESSION_COMMAND,
        origin,
        proposalId,
        now,
        request.clientId(),
        request.sequence(),
        command);
  }

  static ProposalEnvelope openSession(long origin, long proposalId, long now) {
    return new ProposalEnvelope(Kind.OPEN_SESSION, origin, proposalId, now, 0, 0, NO_COMMAND);
  }

  byte[] encode() {
    boolean session = kind == Kind.SESSION_COMMAND;
    ByteBuffer b =
        ByteBuffer.allocate(V2_HEADER + (session ? SESSION_FIELDS : 0) + command.length)
            .put(V2)
            .put((byte) kind.ordinal())
            .putLong(origin)
            .putLong(proposalId)
            .putLong(proposedAtMillis);
    if (session) {
      b.putLong(clientId).putLong(sequence);
    }
    return b.put(command).array();
  }

  /**
   * @throws IllegalArgumentException if the bytes are not an envelope of a known version
   */
  static ProposalEnvelope decode(ByteString data) {
    byte version = data.isEmpty() ? -1 : data.byteAt(0);
    if (version == V1 && data.size() >= V1_HEADER) {
      ByteBuffer h = data.substring(1, V1_HEADER).asReadOnlyByteBuffer();
      long origin = h.getLong();
      long id = h.getLong();
      return new ProposalEnvelope(
          Kind.COMMAND, origin, id, 0, 0, 0, data.substring(V1_HEADER).toByteArray());
    }
    if (version == V2 && data.size() >= V2_HEADER) {
      int kindOrdinal = data.byteAt(1);
      if (kindOrdinal < 0 || kindOrdinal >= KINDS.size()) {
        throw notAnEnvelope(data, "kind " + kindOrdinal);
      }
      Kind kind = KINDS.get(kindOrdinal);
      int header = V2_HEADER + (kind == Kind.SESSION_COMMAND ? SESSION_FIELDS : 0);
      if (data.size() < header) {
        throw notAnEnvelope(data, "truncated header");
      }
      ByteBuffer h = data.substring(2, header).asReadOnlyByteBuffer();
      long origin = h.getLong();
      long id = h.getLong();
      long at = h.getLong();
      long client = kind == Kind.SESSION_COMMAND ? h.getLong() : 0;
      long seq = kind == Kind.SESSION_COMMAND ? h.getLong() : 0;
      // The command is copied once, straight out of the entry.
      return new ProposalEnvelope(
          kind, origin, id, at, client, seq, data.substring(header).toByteArray());
    }
    throw notAnEnvelope(data, "version byte " + version);
  }

  private static IllegalArgumentException notAnEnvelope(ByteString data, String why) {
    return new IllegalArgumentException(
        "not a proposal envelope (length " + data.size() + ", " + why + ")");
  }
}
