package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The replicated session table on its own: decisions, bounds, expiry by log time, its image. */
class SessionTableTest {
  private static final SessionPolicy POLICY = new SessionPolicy(3, Duration.ofSeconds(60), 2);

  private static SessionTable.Verdict verdict(SessionTable t, long client, long seq) {
    return t.check(client, seq).verdict();
  }

  private static void applyNew(SessionTable t, long client, long seq, Object result) {
    assertThat(verdict(t, client, seq)).isEqualTo(SessionTable.Verdict.NEW);
    t.record(client, seq, new SessionOutcome.Value(result));
  }

  @Test
  void newDuplicateStaleAndExpiredRequests() {
    SessionTable t = new SessionTable(POLICY);
    assertThat(verdict(t, 7, 1)).isEqualTo(SessionTable.Verdict.EXPIRED);
    t.open(7);
    applyNew(t, 7, 1, "one");
    applyNew(t, 7, 5, "five"); // gaps are allowed
    applyNew(t, 7, 6, "six");
    SessionTable.Check dup = t.check(7, 5);
    assertThat(dup.verdict()).isEqualTo(SessionTable.Verdict.DUPLICATE);
    assertThat(dup.outcome()).isEqualTo(new SessionOutcome.Value("five"));
    // Two outcomes are kept: 1's was dropped, so anything up to 1 cannot be told apart.
    SessionTable.Check stale = t.check(7, 1);
    assertThat(stale.verdict()).isEqualTo(SessionTable.Verdict.STALE);
    assertThat(stale.lastApplied()).isEqualTo(6);
    assertThat(verdict(t, 7, 3))
        .as("below the latest, above every forgotten outcome: never applied")
        .isEqualTo(SessionTable.Verdict.NEW);
  }

  /**
   * A client that pipelines may lose a request and retry it after a later one applied: the retry
   * applies once, then is a duplicate, until its outcome is dropped to keep the bound.
   */
  @Test
  void aRequestOvertakenByALaterOneStillAppliesOnce() {
    SessionTable t = new SessionTable(POLICY);
    t.open(7);
    applyNew(t, 7, 6, "six");
    applyNew(t, 7, 5, "five");
    assertThat(t.check(7, 5).outcome()).isEqualTo(new SessionOutcome.Value("five"));
    assertThat(t.check(7, 6).outcome()).isEqualTo(new SessionOutcome.Value("six"));
    assertThat(t.check(7, 7).lastApplied()).as("the latest stays the highest").isEqualTo(6);
    applyNew(t, 7, 7, "seven"); // keeps 6 and 7: 5's outcome is dropped
    assertThat(verdict(t, 7, 5)).isEqualTo(SessionTable.Verdict.STALE);
    assertThat(verdict(t, 7, 4)).isEqualTo(SessionTable.Verdict.STALE);
    assertThat(verdict(t, 7, 6)).isEqualTo(SessionTable.Verdict.DUPLICATE);
  }

  @Test
  void openingBeyondTheBoundEvictsTheLeastRecentlyUsedSession() {
    SessionTable t = new SessionTable(POLICY);
    t.open(1);
    t.open(2);
    t.open(3);
    applyNew(t, 1, 1, null); // 1 is now the most recently used; 2 the least
    t.open(4);
    assertThat(t.size()).isEqualTo(3);
    assertThat(t.contains(2)).isFalse();
    assertThat(t.contains(1)).isTrue();
    assertThat(t.contains(3)).isTrue();
    assertThat(t.contains(4)).isTrue();
  }

  @Test
  void sessionsExpireByTheLogsClockNeverGoingBack() {
    SessionTable t = new SessionTable(POLICY);
    t.advanceClock(1_000_000);
    t.open(1);
    t.advanceClock(1_030_000);
    t.open(2);
    // A proposer with a slow clock does not move time back.
    t.advanceClock(900_000);
    assertThat(t.clockMillis()).isEqualTo(1_030_000);
    t.advanceClock(1_060_001);
    assertThat(t.contains(1)).as("idle for more than 60 s of log time").isFalse();
    assertThat(t.contains(2)).isTrue();
    applyNew(t, 2, 1, null); // use keeps it alive
    t.advanceClock(1_100_000);
    assertThat(t.contains(2)).isTrue();
    t.advanceClock(1_120_002);
    assertThat(t.contains(2)).isFalse();
  }

  @Test
  void theImageCarriesSessionsOrderAndPlainResultsButNotOpaqueOnes() throws IOException {
    SessionTable t = new SessionTable(POLICY);
    t.advanceClock(5_000);
    t.open(1);
    t.open(2);
    t.open(3);
    applyNew(t, 1, 1, new byte[] {1, 2, 3});
    applyNew(t, 1, 2, "two");
    applyNew(t, 2, 1, 42L);
    applyNew(t, 2, 2, Boolean.TRUE);
    applyNew(t, 3, 1, 7);
    applyNew(t, 3, 2, new Object());
    assertThat(verdict(t, 3, 3)).isEqualTo(SessionTable.Verdict.NEW);
    t.record(3, 3, new SessionOutcome.Failed(new IllegalStateException("boom")));

    SessionTable copy = roundTrip(t);
    assertThat(copy.clockMillis()).isEqualTo(5_000);
    assertThat(((SessionOutcome.Value) copy.check(1, 1).outcome()).result())
        .isEqualTo(new byte[] {1, 2, 3});
    assertThat(copy.check(1, 2).outcome()).isEqualTo(new SessionOutcome.Value("two"));
    assertThat(copy.check(2, 1).outcome()).isEqualTo(new SessionOutcome.Value(42L));
    assertThat(copy.check(2, 2).outcome()).isEqualTo(new SessionOutcome.Value(true));
    assertThat(copy.check(3, 2).outcome()).isEqualTo(SessionOutcome.UNAVAILABLE);
    assertThat(copy.check(3, 3).outcome()).isEqualTo(SessionOutcome.UNAVAILABLE);
    // The LRU order survived: session 1 was used least recently (by the checks above: 1, 2, 3).
    copy.open(4);
    assertThat(copy.contains(1)).isFalse();
    assertThat(copy.contains(2)).isTrue();
  }

  @Test
  void theImageCarriesWhichOutcomesWereDropped() throws IOException {
    SessionTable t = new SessionTable(POLICY);
    t.open(7);
    applyNew(t, 7, 2, null);
    applyNew(t, 7, 3, null);
    applyNew(t, 7, 9, null); // 2's outcome is dropped
    SessionTable copy = roundTrip(t);
    assertThat(verdict(copy, 7, 2)).isEqualTo(SessionTable.Verdict.STALE);
    assertThat(verdict(copy, 7, 5)).isEqualTo(SessionTable.Verdict.NEW);
    assertThat(verdict(copy, 7, 9)).isEqualTo(SessionTable.Verdict.DUPLICATE);
  }

  /** Images written before the mark existed keep the rule they were written under. */
  @Test
  void anImageOfTheFirstFormatTreatsEverythingBelowTheLatestAsForgotten() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(1); // format
    out.writeLong(5_000); // clock
    out.writeInt(1); // sessions
    out.writeLong(7); // client id
    out.writeLong(9); // last sequence
    out.writeLong(5_000); // last active
    out.writeInt(0); // outcomes
    SessionTable t = new SessionTable(POLICY);
    t.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    assertThat(verdict(t, 7, 5)).isEqualTo(SessionTable.Verdict.STALE);
    assertThat(verdict(t, 7, 10)).isEqualTo(SessionTable.Verdict.NEW);
  }

  @Test
  void twoTablesFedTheSameEntriesDecideTheSame() throws IOException {
    long seed = new Random().nextLong();
    System.out.println("SessionTableTest seed " + seed);
    Random random = new Random(seed);
    SessionTable a = new SessionTable(POLICY);
    SessionTable b = null;
    long clock = 0;
    for (int i = 1; i <= 2_000; i++) {
      clock += random.nextInt(20_000) - 2_000;
      long client = 1 + random.nextInt(6);
      long seq = 1 + random.nextInt(8);
      boolean open = random.nextInt(5) == 0;
      if (i == 1_000) {
        b = roundTrip(a); // b starts from a's image halfway, as a follower would
      }
      for (SessionTable t : b == null ? new SessionTable[] {a} : new SessionTable[] {a, b}) {
        t.advanceClock(clock);
        if (open) {
          t.open(client);
        } else if (t.check(client, seq).verdict() == SessionTable.Verdict.NEW) {
          t.record(client, seq, new SessionOutcome.Value(i));
        }
      }
      if (b != null) {
        assertThat(image(b)).as("seed %d, step %d", seed, i).isEqualTo(image(a));
      }
    }
  }

  private static SessionTable roundTrip(SessionTable t) throws IOException {
    SessionTable copy = new SessionTable(POLICY);
    copy.readFrom(new DataInputStream(new ByteArrayInputStream(image(t).toByteArray())));
    return copy;
  }

  private static ByteString image(SessionTable t) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    t.writeTo(new DataOutputStream(out));
    return ByteString.copyFrom(out.toByteArray());
  }
}
