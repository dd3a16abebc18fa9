package dev.raftboot.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.proto.Entry;
import dev.raftboot.proto.HardState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 of a real writer process at seeded random moments: after every kill the store must hold
 * every entry the writer acknowledged (printed after its synced write returned), with no hole
 * before the end of the log, and the hard state must never go back.
 *
 * <p>The writer puts every batch into two groups with one synced write; after each kill both groups
 * must end at the same entry and hard state.
 *
 * <p>Half the runs write with tiny write buffers, so the kill often lands in a recycled write-ahead
 * log file (see {@link CrashWriterMain#TURN_OVER_WAL}).
 *
 * <p>Replay: {@code -Draft.crash.seed=N}; more kills: {@code -Draft.crash.kills=N}.
 */
class CrashConsistencyTest {
  @TempDir Path dir;

  record Ack(long index, long term, long commit) {}

  @Test
  void acknowledgedWritesSurviveKillMinusNine() throws Exception {
    long seed = Long.getLong("raft.crash.seed", new SplittableRandom().nextLong());
    int kills = Integer.getInteger("raft.crash.kills", 50);
    System.out.println("CrashConsistencyTest seed=" + seed + " kills=" + kills);
    SplittableRandom rnd = new SplittableRandom(seed);
    Path data = dir.resolve("db");
    Ack best = new Ack(0, 0, 0);
    HardState lastSeen = HardState.getDefaultInstance();
    int unacknowledgedButDurable = 0;
    int recycledWalFiles = 0;
    for (int run = 0; run < kills; run++) {
      String context = "seed " + seed + " run " + run;
      // Half the runs turn WAL files over (flush, recycle) every few batches.
      boolean turnOverWal = rnd.nextBoolean();
      Ack acked =
          runAndKill(
              data, rnd.nextLong(), turnOverWal, 1 + rnd.nextInt(40), rnd.nextLong(3_000_000));
      if (turnOverWal) {
        recycledWalFiles += recycledWalFiles(data);
      }
      if (acked.index() > best.index()) {
        best = acked;
      }
      lastSeen = verify(data, best, lastSeen, context);
      if (lastSeen.getCommit() > best.index()) {
        unacknowledgedButDurable++;
      }
    }
    // Diagnostic, not a check: how often the kill fell between a write reaching disk and its
    // acknowledgement, i.e. how often the kill really landed inside the write loop.
    System.out.println(
        "CrashConsistencyTest: "
            + unacknowledgedButDurable
            + "/"
            + kills
            + " kills left a durable but unacknowledged batch; "
            + recycledWalFiles
            + " WAL files recycled");
    assertThat(best.index()).isGreaterThan(kills);
  }

  /**
   * Starts a writer, waits for {@code acks} acknowledgements plus a short pause, kills it, and
   * returns the last acknowledgement. The child's stdout goes to a file rather than a pipe: a
   * killed process's pipe is closed with whatever the parent had not read yet, and those lines were
   * acknowledged too.
   */
  private Ack runAndKill(Path data, long childSeed, boolean turnOverWal, int acks, long pauseNanos)
      throws Exception {
    Path stdout = dir.resolve("child.out");
    Path stderr = dir.resolve("child.err");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xmx256m",
                // RocksDB extracts its native library (15 MB) into the temp dir and deletes it
                // at exit, which a killed JVM never reaches: keep it in the test's own dir.
                "-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("child-tmp")),
                "-cp",
                System.getProperty("java.class.path"),
                CrashWriterMain.class.getName(),
                data.toString(),
                Long.toString(childSeed),
                Boolean.toString(turnOverWal))
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
    try {
      while (lastAck(stdout, acks) == null) {
        if (!p.isAlive()) {
          throw new AssertionError("writer died early: " + Files.readString(stderr));
        }
        LockSupport.parkNanos(200_000);
      }
      LockSupport.parkNanos(pauseNanos); // land the kill somewhere inside a later write
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    } finally {
      p.destroyForcibly();
    }
    return lastAck(stdout, Integer.MAX_VALUE);
  }

  /** How many WAL files the last writer recycled, from RocksDB's LOG (diagnostic only). */
  private static int recycledWalFiles(Path data) throws IOException {
    Path log = data.resolve("LOG");
    if (!Files.exists(log)) {
      return 0;
    }
    return (int)
        Files.readAllLines(log, StandardCharsets.ISO_8859_1).stream()
            .filter(line -> line.contains("to recycle list"))
            .count();
  }

  /**
   * The last complete acknowledgement in the file if it holds at least {@code atLeast} of them (or,
   * for MAX_VALUE, whatever it holds); a line cut off by the kill does not count.
   */
  private static Ack lastAck(Path stdout, int atLeast) throws IOException {
    String text = Files.readString(stdout, StandardCharsets.UTF_8);
    int end = text.lastIndexOf('\n');
    Ack last = atLeast == Integer.MAX_VALUE ? new Ack(0, 0, 0) : null;
    int count = 0;
    for (String line : text.substring(0, Math.max(0, end)).split("\n")) {
      if (line.startsWith("ack ")) {
        count++;
        if (count >= atLeast || atLeast == Integer.MAX_VALUE) {
          last = parse(line);
        }
      }
    }
    return last;
  }

  private static Ack parse(String line) {
    String[] f = line.split(" ");
    return new Ack(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]));
  }

  private static HardState verify(Path data, Ack best, HardState previous, String context) {
    try (RocksDbStore store = RocksDbStore.open(data)) {
      RocksDbLogStorage log = store.group(CrashWriterMain.GROUP);
      HardState hs = log.hardState();
      assertThat(log.lastIndex()).as(context).isGreaterThanOrEqualTo(best.index());
      assertThat(hs.getTerm()).as(context).isGreaterThanOrEqualTo(best.term());
      assertThat(hs.getTerm()).as(context).isGreaterThanOrEqualTo(previous.getTerm());
      assertThat(hs.getCommit()).as(context).isGreaterThanOrEqualTo(best.commit());
      assertThat(hs.getCommit()).as(context).isGreaterThanOrEqualTo(previous.getCommit());
      // The hard state and the entries it commits were one atomic write.
      assertThat(hs.getCommit()).as(context).isEqualTo(log.lastIndex());
      // Both groups were written by the same batches: neither can be ahead of the other.
      RocksDbLogStorage mirror = store.group(CrashWriterMain.MIRROR);
      assertThat(mirror.lastIndex()).as(context).isEqualTo(log.lastIndex());
      assertThat(mirror.hardState()).as(context).isEqualTo(hs);
      assertThat(mirror.entries(log.lastIndex(), log.lastIndex() + 1, 0))
          .as(context)
          .isEqualTo(log.entries(log.lastIndex(), log.lastIndex() + 1, 0));
      // Every entry from the first to the last is there, intact (checksums are verified on read).
      List<Entry> all = log.entries(log.firstIndex(), log.lastIndex() + 1, Long.MAX_VALUE);
      assertThat(all).as(context).hasSize((int) (log.lastIndex() - log.firstIndex() + 1));
      long prevTerm = log.term(log.firstIndex() - 1);
      for (Entry e : all) {
        assertThat(e.getData())
            .as(context + " index " + e.getIndex())
            .isEqualTo(CrashWriterMain.payload(e.getIndex(), e.getTerm()));
        assertThat(e.getTerm()).as(context).isGreaterThanOrEqualTo(prevTerm);
        prevTerm = e.getTerm();
      }
      return hs;
    } catch (RuntimeException e) {
      throw new AssertionError(context + ": " + e, e);
    }
  }
}
