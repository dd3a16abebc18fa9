package dev.raftboot.node;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The image of a group's replicated state, as snapshots store and send it: the session table
 * (framed, so it can be read without touching the state machine's bytes), then the state machine's
 * own image, streamed as the state machine writes it.
 *
 * <pre>
 *   "RBGI" | version (1) | session table length (4) | session table | state-machine image ...
 * </pre>
 */
final class GroupImage {
  static final int MAGIC = 0x52424749; // "RBGI"
  static final byte VERSION = 1;

  private GroupImage() {}

  /** Writes the image; the state machine streams straight into {@code out}. */
  static void write(OutputStream out, SessionTable sessions, StateMachine stateMachine)
      throws IOException {
    ByteArrayOutputStream table = new ByteArrayOutputStream();
    sessions.writeTo(new DataOutputStream(table));
    DataOutputStream header = new DataOutputStream(out);
    header.writeInt(MAGIC);
    header.writeByte(VERSION);
    header.writeInt(table.size());
    table.writeTo(header);
    header.flush();
    stateMachine.snapshot(out);
    out.flush();
  }

  /**
   * Replaces the session table and the state machine's state with the image read from {@code in}.
   * The table is read and checked before the state machine sees a byte.
   */
  static void read(InputStream in, SessionTable sessions, StateMachine stateMachine)
      throws IOException {
    DataInputStream header = new DataInputStream(in);
    int magic = header.readInt();
    if (magic != MAGIC) {
      throw new IOException(String.format("not a group image (magic 0x%08x)", magic));
    }
    byte version = header.readByte();
    if (version != VERSION) {
      throw new IOException("unsupported group image version " + version);
    }
    int length = header.readInt();
    if (length < 0) {
      throw new IOException("negative session table length " + length);
    }
    byte[] table = in.readNBytes(length);
    if (table.length != length) {
      throw new IOException("group image truncated in its session table");
    }
    sessions.readFrom(new DataInputStream(new ByteArrayInputStream(table)));
    stateMachine.restore(in);
  }
}
