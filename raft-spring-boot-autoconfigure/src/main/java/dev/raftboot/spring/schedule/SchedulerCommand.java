package dev.raftboot.spring.schedule;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A command of the scheduler's replicated log: claim a slot, record its end, or skip slots.
 *
 * <pre>
 *   byte version | byte kind | utf job | long slot | int attempt | long node | long term
 *   | byte outcome | long started (epoch ms) | long at (epoch ms) | utf message
 * </pre>
 *
 * @param started when the run started (a FINISH), on the running leader's clock
 * @param at the proposing leader's clock when it recorded an end or a skip
 */
record SchedulerCommand(
    Kind kind,
    String job,
    long slot,
    int attempt,
    long node,
    long term,
    JobRun.Outcome outcome,
    long started,
    long at,
    String message) {
  private static final byte VERSION = 1;

  enum Kind {
    CLAIM,
    FINISH,
    SKIP
  }

  static SchedulerCommand claim(String job, long slot, int attempt, long node, long term) {
    return new SchedulerCommand(
        Kind.CLAIM, job, slot, attempt, node, term, JobRun.Outcome.RUNNING, 0, 0, "");
  }

  static SchedulerCommand finish(
      String job,
      long slot,
      int attempt,
      JobRun.Outcome outcome,
      long started,
      long at,
      String message) {
    return new SchedulerCommand(
        Kind.FINISH, job, slot, attempt, 0, 0, outcome, started, at, message);
  }

  /**
   * Skips every slot up to and including {@code slot}, decided by the leader of {@code term} (0: by
   * no particular leadership).
   */
  static SchedulerCommand skip(String job, long slot, long at, String reason, long term) {
    return new SchedulerCommand(
        Kind.SKIP, job, slot, 0, 0, term, JobRun.Outcome.SKIPPED, at, at, reason);
  }

  /** Skips every slot up to and including {@code slot}. */
  static SchedulerCommand skip(String job, long slot, long at, String reason) {
    return skip(job, slot, at, reason, 0);
  }

  byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeByte(kind.ordinal());
      out.writeUTF(job);
      out.writeLong(slot);
      out.writeInt(attempt);
      out.writeLong(node);
      out.writeLong(term);
      out.writeByte(outcome.ordinal());
      out.writeLong(started);
      out.writeLong(at);
      out.writeUTF(message == null ? "" : message);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * @throws IllegalArgumentException if the bytes are not a scheduler command
   */
  static SchedulerCommand decode(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      byte version = in.readByte();
      if (version != VERSION) {
        throw new IllegalArgumentException("unknown scheduler command version " + version);
      }
      Kind kind = Kind.values()[in.readByte()];
      return new SchedulerCommand(
          kind,
          in.readUTF(),
          in.readLong(),
          in.readInt(),
          in.readLong(),
          in.readLong(),
          JobRun.Outcome.values()[in.readByte()],
          in.readLong(),
          in.readLong(),
          in.readUTF());
    } catch (IOException | ArrayIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("malformed scheduler command", e);
    }
  }
}
