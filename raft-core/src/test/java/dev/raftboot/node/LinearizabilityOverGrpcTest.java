package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.testkit.linearizability.CheckResult;
import dev.raftboot.testkit.linearizability.HistoryRecorder;
import dev.raftboot.testkit.linearizability.KvInput;
import dev.raftboot.testkit.linearizability.KvModel;
import dev.raftboot.testkit.linearizability.KvOutput;
import dev.raftboot.testkit.linearizability.LinearizabilityChecker;
import dev.raftboot.testkit.linearizability.SearchLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Concurrent clients of a key-value store on real servers (gRPC on loopback, RocksDB) while the
 * links fail — the leader isolated, a minority split off, a one-way cut — and a node is killed and
 * restarted from disk. The recorded history must be linearizable.
 *
 * <p>The seed (printed; {@code -Draft.test.seed=...} to re-run) fixes the fault schedule and every
 * client's operations; thread timing still differs between runs.
 */
class LinearizabilityOverGrpcTest {

  @Test
  void threeNodesUnderPartitionsAndARestartServeALinearizableStore(@TempDir Path dir)
      throws Exception {
    run(dir, 3, 4, 100, 5);
  }

  @Test
  @Tag("slow")
  void fiveNodesUnderManyFaultsServeALinearizableStore(@TempDir Path dir) throws Exception {
    run(dir, 5, 6, 400, 20);
  }

  private static void run(Path dir, int voters, int clients, int opsPerClient, int faultRounds)
      throws Exception {
    long seed = Long.getLong("raft.test.seed", System.nanoTime());
    System.out.println(
        "LinearizabilityOverGrpcTest seed "
            + seed
            + " (re-run with -Draft.test.seed="
            + seed
            + ")");
    Random schedule = new Random(seed);
    HistoryRecorder<KvInput, KvOutput> recorder = new HistoryRecorder<>();
    List<String> faultsMade = new ArrayList<>();
    try (ServerCluster c = PartitionOverGrpcTest.cluster(dir, voters, seed)) {
      c.awaitLeader();
      List<Thread> threads = new ArrayList<>();
      for (int client = 0; client < clients; client++) {
        int id = client;
        Random random = new Random(seed + 1 + client);
        Thread t =
            new Thread(
                () -> {
                  for (int op = 0; op < opsPerClient; op++) {
                    runOne(c, 1 + random.nextInt(voters), id, op, random, recorder);
                  }
                },
                "client-" + client);
        threads.add(t);
        t.start();
      }
      for (int round = 0;
          round < faultRounds && threads.stream().anyMatch(Thread::isAlive);
          round++) {
        Thread.sleep(150);
        faultsMade.add(injectOneFault(c, voters, schedule));
        c.faults.heal();
      }
      for (Thread t : threads) {
        t.join(TimeUnit.MINUTES.toMillis(5));
      }
    }
    System.out.println("LinearizabilityOverGrpcTest faults: " + faultsMade);
    CheckResult<KvInput, KvOutput> result =
        LinearizabilityChecker.check(
            new KvModel(), recorder.history(), SearchLimits.ofTimeout(Duration.ofSeconds(60)));
    assertThat(result.isLinearizable()).as("seed " + seed + ": " + result.describe()).isTrue();
    long completed = recorder.history().operations().stream().filter(o -> !o.ambiguous()).count();
    System.out.println("LinearizabilityOverGrpcTest: " + completed + " completed operations");
    assertThat(completed).isGreaterThan(clients * opsPerClient / 4);
  }

  /** One fault from the seeded schedule, held for a while; the caller heals it. */
  private static String injectOneFault(ServerCluster c, int voters, Random schedule)
      throws InterruptedException {
    long leader = c.awaitLeader();
    long other = 1 + (leader + schedule.nextInt(voters - 1)) % voters; // any node but the leader
    String fault;
    switch (schedule.nextInt(4)) {
      case 0 -> {
        c.faults.isolate(leader);
        fault = "isolate leader " + leader;
      }
      case 1 -> {
        Set<Long> minority = new HashSet<>(Set.of(leader));
        while (minority.size() < (voters - 1) / 2) {
          minority.add(1L + schedule.nextInt(voters));
        }
        Set<Long> majority = new HashSet<>(c.groups.keySet());
        majority.removeAll(minority);
        c.faults.partition(minority, majority);
        fault = "split " + minority + " from " + majority;
      }
      case 2 -> {
        c.faults.cut(leader, other);
        fault = "cut " + leader + " -> " + other;
      }
      default -> {
        c.stop(other, Duration.ZERO);
        Thread.sleep(300);
        c.start(other);
        return "kill and restart " + other;
      }
    }
    Thread.sleep(400);
    return fault;
  }

  private static void runOne(
      ServerCluster c,
      long node,
      int client,
      int op,
      Random random,
      HistoryRecorder<KvInput, KvOutput> recorder) {
    String key = "k" + random.nextInt(2);
    boolean read = random.nextBoolean();
    String value = "c" + client + "-" + op;
    ServerCluster.Member member = c.members.get(node);
    if (member == null) {
      // The node is down: the client could not even connect, nothing was invoked.
      sleep(10);
      return;
    }
    if (read) {
      var inv = recorder.invoke(client, KvInput.get(key));
      try {
        member.group().linearizableBarrier().get(10, TimeUnit.SECONDS);
        String v = member.machine().get(key);
        recorder.complete(inv, v == null ? KvOutput.absent() : KvOutput.value(v));
      } catch (ExecutionException | TimeoutException | InterruptedException e) {
        recorder.fail(inv); // a read that failed had no effect
      }
    } else {
      var inv = recorder.invoke(client, KvInput.put(key, value));
      try {
        member.group().propose(ServerCluster.put(key, value)).get(10, TimeUnit.SECONDS);
        recorder.complete(inv, KvOutput.ack());
      } catch (ExecutionException e) {
        if (e.getCause() instanceof NotLeaderException) {
          recorder.fail(inv); // refused before it reached any log
        } else {
          recorder.timeout(inv); // timed out or node closed: may or may not be applied
        }
      } catch (TimeoutException | InterruptedException e) {
        recorder.timeout(inv);
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
