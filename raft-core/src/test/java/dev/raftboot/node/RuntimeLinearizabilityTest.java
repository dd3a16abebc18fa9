package dev.raftboot.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.testkit.KvStateMachine;
import dev.raftboot.testkit.linearizability.CheckResult;
import dev.raftboot.testkit.linearizability.HistoryRecorder;
import dev.raftboot.testkit.linearizability.KvInput;
import dev.raftboot.testkit.linearizability.KvModel;
import dev.raftboot.testkit.linearizability.KvOutput;
import dev.raftboot.testkit.linearizability.LinearizabilityChecker;
import dev.raftboot.testkit.linearizability.SearchLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Concurrent clients against the real runtime while the leader is cut off and healed; the recorded
 * history must be linearizable.
 */
class RuntimeLinearizabilityTest {

  @Test
  void concurrentClientsUnderLeaderIsolationSeeALinearizableStore() throws Exception {
    long seed = Long.getLong("raft.test.seed", System.nanoTime());
    System.out.println("RuntimeLinearizabilityTest seed " + seed);
    HistoryRecorder<KvInput, KvOutput> recorder = new HistoryRecorder<>();
    try (LocalCluster c = LocalCluster.of(3)) {
      c.awaitLeader();
      List<Thread> clients = new ArrayList<>();
      for (int client = 0; client < 4; client++) {
        int id = client;
        Random random = new Random(seed + client);
        Thread t =
            new Thread(
                () -> {
                  for (int op = 0; op < 150; op++) {
                    long node = 1 + random.nextInt(3);
                    runOne(c, node, id, op, random, recorder);
                  }
                });
        clients.add(t);
        t.start();
      }
      // Faults while the clients run: cut the current leader off twice, then heal.
      for (int round = 0; round < 3; round++) {
        Thread.sleep(100);
        long leader = c.awaitLeader();
        c.isolate(leader);
        Thread.sleep(300);
        c.heal();
      }
      for (Thread t : clients) {
        t.join(TimeUnit.SECONDS.toMillis(120));
      }
    }
    CheckResult<KvInput, KvOutput> result =
        LinearizabilityChecker.check(
            new KvModel(), recorder.history(), SearchLimits.ofTimeout(Duration.ofSeconds(60)));
    assertThat(result.isLinearizable()).as(result.describe()).isTrue();
    long completed = recorder.history().operations().stream().filter(o -> !o.ambiguous()).count();
    System.out.println("RuntimeLinearizabilityTest: " + completed + " completed operations");
    assertThat(completed).isGreaterThan(100);
  }

  private static void runOne(
      LocalCluster c,
      long node,
      int client,
      int op,
      Random random,
      HistoryRecorder<KvInput, KvOutput> recorder) {
    String key = "k" + random.nextInt(2);
    RaftGroup g = c.groups.get(node);
    if (random.nextBoolean()) {
      var inv = recorder.invoke(client, KvInput.get(key));
      try {
        g.linearizableBarrier().get(10, TimeUnit.SECONDS);
        String v = c.machines.get(node).get(key);
        recorder.complete(inv, v == null ? KvOutput.absent() : KvOutput.value(v));
      } catch (ExecutionException | TimeoutException | InterruptedException e) {
        // A read that failed had no effect.
        recorder.fail(inv);
      }
    } else {
      String value = "c" + client + "-" + op;
      var inv = recorder.invoke(client, KvInput.put(key, value));
      try {
        g.propose(KvStateMachine.command((byte) 1, key, value, null)).get(10, TimeUnit.SECONDS);
        recorder.complete(inv, KvOutput.ack());
      } catch (ExecutionException e) {
        if (e.getCause() instanceof NotLeaderException) {
          recorder.fail(inv); // never appended anywhere
        } else {
          recorder.timeout(inv); // may or may not have been applied
        }
      } catch (TimeoutException | InterruptedException e) {
        recorder.timeout(inv);
      }
    }
  }
}
