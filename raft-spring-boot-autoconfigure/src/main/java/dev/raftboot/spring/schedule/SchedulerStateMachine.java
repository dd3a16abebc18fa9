package dev.raftboot.spring.schedule;

import dev.raftboot.node.StateMachine;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The replicated state of one scheduler group: per job, the latest slot decided (claimed, finished
 * or skipped) and a bounded history. It decides claims deterministically from the log alone, which
 * is what makes a slot claimed at most once per attempt however leaders come and go.
 *
 * <p>Reads from other threads ({@link #job}) see a consistent copy: all access is synchronized.
 */
public final class SchedulerStateMachine implements StateMachine {
  private static final byte SNAPSHOT_VERSION = 1;

  /** The answer to a claim, returned to the proposing leader. */
  record ClaimResult(boolean granted, long index, String reason) {}

  /** The decided state of one job. */
  static final class JobState {
    long lastSlot = Long.MIN_VALUE;
    JobRun.Outcome lastOutcome;
    int attempt;
    long claimTerm;
    long claimIndex;
    long maxClaimTerm;
    long lastFinishedAt = Long.MIN_VALUE;
    final List<JobRun> history = new ArrayList<>();

    JobState copy() {
      JobState c = new JobState();
      c.lastSlot = lastSlot;
      c.lastOutcome = lastOutcome;
      c.attempt = attempt;
      c.claimTerm = claimTerm;
      c.claimIndex = claimIndex;
      c.maxClaimTerm = maxClaimTerm;
      c.lastFinishedAt = lastFinishedAt;
      c.history.addAll(history);
      return c;
    }

    boolean hasSlot() {
      return lastSlot != Long.MIN_VALUE;
    }

    boolean claimedUnfinished() {
      return lastOutcome == JobRun.Outcome.RUNNING;
    }
  }

  /** The log term of a command applied through {@link #apply(long, byte[])}. */
  private static final long UNKNOWN_TERM = -1;

  private final int historySize;
  private final Map<String, JobState> jobs = new TreeMap<>();

  public SchedulerStateMachine(int historySize) {
    if (historySize < 1) {
      throw new IllegalArgumentException("historySize must be positive");
    }
    this.historySize = historySize;
  }

  /** Applies a command whose log term is not known: claims are judged on their own term only. */
  @Override
  public synchronized Object apply(long index, byte[] bytes) {
    return apply(index, UNKNOWN_TERM, bytes);
  }

  /**
   * Applies a command appended to the log in {@code term}. A claim or a skip (a leader's decisions)
   * counts only if the leadership that made it appended it: a leader that stepped down just as it
   * decided has its command forwarded to the next leader and appended in a later term, where it
   * could take a slot from the leader now deciding. The end of a run counts from any node.
   */
  @Override
  public synchronized Object apply(long index, long term, byte[] bytes) {
    SchedulerCommand c = SchedulerCommand.decode(bytes);
    JobState s = jobs.computeIfAbsent(c.job(), k -> new JobState());
    boolean fromAnotherTerm = term != UNKNOWN_TERM && c.term() != term;
    return switch (c.kind()) {
      case CLAIM ->
          fromAnotherTerm
              ? new ClaimResult(
                  false,
                  index,
                  "claimed by the leader of term "
                      + c.term()
                      + ", appended in term "
                      + term
                      + ": that leadership had ended")
              : claim(s, c, index);
      // A skip of term 0 was decided by no particular leadership.
      case SKIP -> !(fromAnotherTerm && c.term() != 0) && skip(s, c);
      case FINISH -> finish(s, c);
    };
  }

  private ClaimResult claim(JobState s, SchedulerCommand c, long index) {
    if (c.term() < s.maxClaimTerm) {
      return new ClaimResult(false, index, "a leader of a later term has claimed slots");
    }
    boolean newSlot = !s.hasSlot() || c.slot() > s.lastSlot;
    boolean rerun =
        s.hasSlot()
            && c.slot() == s.lastSlot
            && s.claimedUnfinished()
            && c.attempt() == s.attempt + 1;
    if (!(newSlot && c.attempt() == 1) && !rerun) {
      return new ClaimResult(false, index, "slot already decided");
    }
    if (s.claimedUnfinished()) {
      replaceLast(s, JobRun.Outcome.MISFIRED, null, null, "superseded before its end was recorded");
    }
    s.lastSlot = c.slot();
    s.lastOutcome = JobRun.Outcome.RUNNING;
    s.attempt = c.attempt();
    s.claimTerm = c.term();
    s.claimIndex = index;
    s.maxClaimTerm = Math.max(s.maxClaimTerm, c.term());
    record(
        s,
        new JobRun(
            Instant.ofEpochMilli(c.slot()),
            c.attempt(),
            c.node(),
            c.term(),
            index,
            JobRun.Outcome.RUNNING,
            null,
            null,
            null));
    return new ClaimResult(true, index, null);
  }

  private Boolean finish(JobState s, SchedulerCommand c) {
    if (!s.claimedUnfinished() || c.slot() != s.lastSlot || c.attempt() != s.attempt) {
      return false;
    }
    s.lastOutcome = c.outcome();
    s.lastFinishedAt = c.at();
    replaceLast(
        s,
        c.outcome(),
        Instant.ofEpochMilli(c.started()),
        Instant.ofEpochMilli(c.at()),
        c.message());
    return true;
  }

  private Boolean skip(JobState s, SchedulerCommand c) {
    boolean later = !s.hasSlot() || c.slot() > s.lastSlot;
    boolean misfire = s.hasSlot() && c.slot() == s.lastSlot && s.claimedUnfinished();
    if (!later && !misfire) {
      return false;
    }
    if (misfire) {
      replaceLast(s, JobRun.Outcome.MISFIRED, null, Instant.ofEpochMilli(c.at()), c.message());
    } else {
      record(
          s,
          new JobRun(
              Instant.ofEpochMilli(c.slot()),
              0,
              0,
              0,
              0,
              JobRun.Outcome.SKIPPED,
              null,
              Instant.ofEpochMilli(c.at()),
              c.message()));
    }
    s.lastSlot = c.slot();
    s.lastOutcome = JobRun.Outcome.SKIPPED;
    s.lastFinishedAt = c.at();
    return true;
  }

  private void record(JobState s, JobRun run) {
    s.history.add(run);
    if (s.history.size() > historySize) {
      s.history.remove(0);
    }
  }

  private void replaceLast(
      JobState s, JobRun.Outcome outcome, Instant started, Instant at, String message) {
    if (s.history.isEmpty()) {
      return;
    }
    JobRun last = s.history.get(s.history.size() - 1);
    s.history.set(
        s.history.size() - 1,
        new JobRun(
            last.slot(),
            last.attempt(),
            last.node(),
            last.term(),
            last.claimIndex(),
            outcome,
            started,
            at,
            message == null || message.isEmpty() ? null : message));
  }

  /** A copy of the decided state of {@code job}, if anything was decided for it. */
  synchronized Optional<JobState> job(String job) {
    JobState s = jobs.get(job);
    return s == null ? Optional.empty() : Optional.of(s.copy());
  }

  /** The replicated history of {@code job}, oldest first. */
  public synchronized List<JobRun> history(String job) {
    JobState s = jobs.get(job);
    return s == null ? List.of() : List.copyOf(s.history);
  }

  @Override
  public synchronized void snapshot(OutputStream stream) {
    try {
      DataOutputStream out = new DataOutputStream(stream);
      out.writeByte(SNAPSHOT_VERSION);
      out.writeInt(jobs.size());
      for (Map.Entry<String, JobState> e : jobs.entrySet()) {
        JobState s = e.getValue();
        out.writeUTF(e.getKey());
        out.writeLong(s.lastSlot);
        out.writeByte(s.lastOutcome == null ? -1 : s.lastOutcome.ordinal());
        out.writeInt(s.attempt);
        out.writeLong(s.claimTerm);
        out.writeLong(s.claimIndex);
        out.writeLong(s.maxClaimTerm);
        out.writeLong(s.lastFinishedAt);
        out.writeInt(s.history.size());
        for (JobRun r : s.history) {
          out.writeLong(r.slot().toEpochMilli());
          out.writeInt(r.attempt());
          out.writeLong(r.node());
          out.writeLong(r.term());
          out.writeLong(r.claimIndex());
          out.writeByte(r.outcome().ordinal());
          out.writeLong(r.startedAt() == null ? Long.MIN_VALUE : r.startedAt().toEpochMilli());
          out.writeLong(r.finishedAt() == null ? Long.MIN_VALUE : r.finishedAt().toEpochMilli());
          out.writeUTF(r.message() == null ? "" : r.message());
        }
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void restore(InputStream stream) {
    try {
      DataInputStream in = new DataInputStream(stream);
      byte version = in.readByte();
      if (version != SNAPSHOT_VERSION) {
        throw new IllegalArgumentException("unknown scheduler snapshot version " + version);
      }
      jobs.clear();
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        String name = in.readUTF();
        JobState s = new JobState();
        s.lastSlot = in.readLong();
        byte outcome = in.readByte();
        s.lastOutcome = outcome < 0 ? null : JobRun.Outcome.values()[outcome];
        s.attempt = in.readInt();
        s.claimTerm = in.readLong();
        s.claimIndex = in.readLong();
        s.maxClaimTerm = in.readLong();
        s.lastFinishedAt = in.readLong();
        int runs = in.readInt();
        for (int r = 0; r < runs; r++) {
          long slot = in.readLong();
          int attempt = in.readInt();
          long node = in.readLong();
          long term = in.readLong();
          long claimIndex = in.readLong();
          JobRun.Outcome o = JobRun.Outcome.values()[in.readByte()];
          long started = in.readLong();
          long at = in.readLong();
          String message = in.readUTF();
          s.history.add(
              new JobRun(
                  Instant.ofEpochMilli(slot),
                  attempt,
                  node,
                  term,
                  claimIndex,
                  o,
                  started == Long.MIN_VALUE ? null : Instant.ofEpochMilli(started),
                  at == Long.MIN_VALUE ? null : Instant.ofEpochMilli(at),
                  message.isEmpty() ? null : message));
        }
        jobs.put(name, s);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
