package dev.raftboot.node;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The client sessions of a group (Raft thesis §6.3): for each session the outcomes of its latest
 * requests and the highest sequence number whose outcome was dropped, so that a retried request is
 * answered from here instead of being applied twice.
 *
 * <p>The table is replicated state: it changes only as entries are applied, and its decisions
 * depend only on entry data, so every node decides the same. Its clock is the largest proposer
 * timestamp applied so far (never a local clock); its order is least recently used first, where
 * "used" means a request of the session was applied — the same order on every node. Touched only on
 * the apply executor.
 */
final class SessionTable {
  /** What to do with a session request. */
  enum Verdict {
    /** Not seen before: apply it, then {@link #record} its outcome. */
    NEW,
    /** Applied before: answer with {@link Check#outcome()}. */
    DUPLICATE,
    /** The session is unknown (never opened, expired or evicted): do not apply. */
    EXPIRED,
    /** At or below a request whose outcome was forgotten: it may have applied, do not apply. */
    STALE
  }

  record Check(Verdict verdict, SessionOutcome outcome, long lastApplied) {}

  /**
   * A session's requests: every request above {@code forgotten} that was applied has its outcome
   * here, so one above it without an outcome never applied (requests may apply out of order: a
   * client that pipelines may lose one and retry it after a later one applied). At or below {@code
   * forgotten}, outcomes were dropped to keep the bound: nothing can be told there.
   */
  private static final class Session {
    long lastSequence;
    long forgotten;
    long lastActiveMillis;
    final TreeMap<Long, SessionOutcome> outcomes = new TreeMap<>();
  }

  // 1: no forgotten mark (read as forgotten = lastSequence, the rule it was written under).
  private static final int FORMAT_1 = 1;
  private static final int FORMAT = 2;

  private final SessionPolicy policy;
  // Access order: a get or put moves a session to the end, so the first is the least recently used.
  private final LinkedHashMap<Long, Session> sessions = new LinkedHashMap<>(16, 0.75f, true);
  private long clockMillis;

  SessionTable(SessionPolicy policy) {
    this.policy = policy;
  }

  int size() {
    return sessions.size();
  }

  long clockMillis() {
    return clockMillis;
  }

  boolean contains(long clientId) {
    return sessions.containsKey(clientId);
  }

  /** Moves the table's clock to an applied entry's proposer time, then expires idle sessions. */
  void advanceClock(long proposedAtMillis) {
    if (proposedAtMillis <= clockMillis) {
      return;
    }
    clockMillis = proposedAtMillis;
    long expireBefore = clockMillis - policy.expireAfter().toMillis();
    // Sessions are in order of last use and their lastActiveMillis never decreases along it.
    Iterator<Session> it = sessions.values().iterator();
    while (it.hasNext()) {
      if (it.next().lastActiveMillis >= expireBefore) {
        break;
      }
      it.remove();
    }
  }

  /** Opens session {@code clientId} (its opening entry's index), evicting the LRU one if full. */
  void open(long clientId) {
    if (sessions.size() >= policy.maxSessions()) {
      Iterator<Long> it = sessions.keySet().iterator();
      it.next();
      it.remove();
    }
    Session s = new Session();
    s.lastActiveMillis = clockMillis;
    sessions.put(clientId, s);
  }

  /** Decides what a request of a session is; counts as use of the session unless it expired. */
  Check check(long clientId, long sequence) {
    Session s = sessions.get(clientId);
    if (s == null) {
      return new Check(Verdict.EXPIRED, null, 0);
    }
    s.lastActiveMillis = clockMillis;
    SessionOutcome known = s.outcomes.get(sequence);
    if (known != null) {
      return new Check(Verdict.DUPLICATE, known, s.lastSequence);
    }
    return sequence > s.forgotten
        ? new Check(Verdict.NEW, null, s.lastSequence)
        : new Check(Verdict.STALE, null, s.lastSequence);
  }

  /** Remembers the outcome of a request {@link #check} found NEW. */
  void record(long clientId, long sequence, SessionOutcome outcome) {
    Session s = sessions.get(clientId);
    s.lastSequence = Math.max(s.lastSequence, sequence);
    s.outcomes.put(sequence, outcome);
    while (s.outcomes.size() > policy.resultsPerClient()) {
      s.forgotten = Math.max(s.forgotten, s.outcomes.pollFirstEntry().getKey());
    }
  }

  /**
   * Writes the table: its clock, then every session in LRU order. Results that are null, byte[],
   * String, Boolean, Long or Integer are written; any other result, and failures, are written as
   * "unavailable" (the decision to not apply again survives; the answer does not).
   */
  void writeTo(DataOutput out) throws IOException {
    out.writeInt(FORMAT);
    out.writeLong(clockMillis);
    out.writeInt(sessions.size());
    for (Map.Entry<Long, Session> e : sessions.entrySet()) {
      Session s = e.getValue();
      out.writeLong(e.getKey());
      out.writeLong(s.lastSequence);
      out.writeLong(s.forgotten);
      out.writeLong(s.lastActiveMillis);
      out.writeInt(s.outcomes.size());
      for (Map.Entry<Long, SessionOutcome> o : s.outcomes.entrySet()) {
        out.writeLong(o.getKey());
        ResultCodec.write(out, o.getValue());
      }
    }
  }

  /** Replaces the table with one {@link #writeTo} wrote. */
  void readFrom(DataInput in) throws IOException {
    int format = in.readInt();
    if (format != FORMAT && format != FORMAT_1) {
      throw new IOException("unknown session table format " + format);
    }
    sessions.clear();
    clockMillis = in.readLong();
    int count = in.readInt();
    checkCount(count);
    for (int i = 0; i < count; i++) {
      long clientId = in.readLong();
      Session s = new Session();
      s.lastSequence = in.readLong();
      s.forgotten = format == FORMAT_1 ? s.lastSequence : in.readLong();
      s.lastActiveMillis = in.readLong();
      int outcomes = in.readInt();
      checkCount(outcomes);
      for (int j = 0; j < outcomes; j++) {
        long seq = in.readLong();
        s.outcomes.put(seq, ResultCodec.read(in));
      }
      sessions.put(clientId, s);
    }
  }

  /** Forgets every session: the state machine is replaced by an image that carried none. */
  void clear() {
    sessions.clear();
    clockMillis = 0;
  }

  private static void checkCount(int n) throws IOException {
    if (n < 0) {
      throw new IOException("negative count " + n + " in session table");
    }
  }

  /** The result types a snapshot carries. */
  private static final class ResultCodec {
    private static final byte NULL = 0;
    private static final byte BYTES = 1;
    private static final byte STRING = 2;
    private static final byte BOOLEAN = 3;
    private static final byte LONG = 4;
    private static final byte INT = 5;
    private static final byte UNAVAILABLE = 9;

    static void write(DataOutput out, SessionOutcome outcome) throws IOException {
      if (!(outcome instanceof SessionOutcome.Value v)) {
        out.writeByte(UNAVAILABLE);
        return;
      }
      Object r = v.result();
      if (r == null) {
        out.writeByte(NULL);
      } else if (r instanceof byte[] b) {
        out.writeByte(BYTES);
        out.writeInt(b.length);
        out.write(b);
      } else if (r instanceof String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeByte(STRING);
        out.writeInt(b.length);
        out.write(b);
      } else if (r instanceof Boolean bool) {
        out.writeByte(BOOLEAN);
        out.writeBoolean(bool);
      } else if (r instanceof Long l) {
        out.writeByte(LONG);
        out.writeLong(l);
      } else if (r instanceof Integer i) {
        out.writeByte(INT);
        out.writeInt(i);
      } else {
        out.writeByte(UNAVAILABLE);
      }
    }

    static SessionOutcome read(DataInput in) throws IOException {
      byte tag = in.readByte();
      return switch (tag) {
        case NULL -> new SessionOutcome.Value(null);
        case BYTES -> new SessionOutcome.Value(readBytes(in));
        case STRING -> new SessionOutcome.Value(new String(readBytes(in), StandardCharsets.UTF_8));
        case BOOLEAN -> new SessionOutcome.Value(in.readBoolean());
        case LONG -> new SessionOutcome.Value(in.readLong());
        case INT -> new SessionOutcome.Value(in.readInt());
        case UNAVAILABLE -> SessionOutcome.UNAVAILABLE;
        default -> throw new IOException("unknown result tag " + tag + " in session table");
      };
    }

    private static byte[] readBytes(DataInput in) throws IOException {
      int n = in.readInt();
      checkCount(n);
      byte[] b = new byte[n];
      in.readFully(b);
      return b;
    }
  }
}
