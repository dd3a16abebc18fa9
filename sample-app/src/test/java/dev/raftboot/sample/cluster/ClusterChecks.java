package dev.raftboot.sample.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.raftboot.sample.HttpJson;
import dev.raftboot.testkit.linearizability.CheckResult;
import dev.raftboot.testkit.linearizability.KvInput;
import dev.raftboot.testkit.linearizability.KvModel;
import dev.raftboot.testkit.linearizability.KvOutput;
import dev.raftboot.testkit.linearizability.LinearizabilityChecker;
import dev.raftboot.testkit.linearizability.SearchLimits;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/** What every cluster test asserts once its faults have stopped. */
final class ClusterChecks {
  private ClusterChecks() {}

  /**
   * Time until the cluster serves again after the last fault healed: every group has a leader all
   * live members agree on, and a write through every live member succeeds. Fails beyond {@code
   * bound}.
   */
  static Duration recovery(ProcessCluster cluster, Duration bound) {
    long start = System.nanoTime();
    cluster.awaitLeaders(bound);
    for (NodeProcess n : cluster.live()) {
      await()
          .atMost(bound)
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptions()
          .until(() -> probe(n));
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).as("recovery after the faults stopped").isLessThanOrEqualTo(bound);
    return took;
  }

  /** A write through {@code n}, following its 307 when it does not forward writes. */
  private static boolean probe(NodeProcess n) {
    HttpResponse<String> r = n.http().put("/kv/probe-" + n.id(), "\"up\"");
    if (r.statusCode() == 307) {
      URI location = URI.create(r.headers().firstValue("Location").orElseThrow());
      r =
          new HttpJson(location.getScheme() + "://" + location.getAuthority())
              .put(location.getPath(), "\"up\"");
    }
    return r.statusCode() == 200;
  }

  /**
   * The history (final reads included) is linearizable: no acknowledged write is lost, no read is
   * stale, no write reported as not applied took effect.
   */
  static void assertLinearizable(KvClients clients) {
    assertThat(clients.unexpected()).as("responses no client should get").isEmpty();
    assertThat(clients.acknowledgedWrites()).as("acknowledged writes").isPositive();
    long started = System.nanoTime();
    CheckResult<KvInput, KvOutput> result =
        LinearizabilityChecker.check(
            new KvModel(), clients.history(), SearchLimits.ofTimeout(Duration.ofMinutes(2)));
    System.out.printf(
        "linearizability: %s, %d operations, checked in %d ms%n",
        result.verdict(),
        clients.history().size(),
        Duration.ofNanos(System.nanoTime() - started).toMillis());
    assertThat(result.isLinearizable()).as(result.describe()).isTrue();
  }

  /**
   * Every {@code @ScheduledOnce} slot appears at most once in the replicated job log, and the job
   * keeps running after the faults. Returns the number of runs recorded.
   */
  static long assertJobsRanAtMostOncePerSlot(ProcessCluster cluster) {
    // Liveness: the job runs again after the faults.
    awaitJobRuns(cluster, 2);
    JsonNode log = jobs(cluster.live().get(0));
    Map<Instant, Integer> runsPerSlot = new TreeMap<>();
    for (JsonNode e : log.get("entries")) {
      runsPerSlot.merge(Instant.parse(e.get("slot").asString()), 1, Integer::sum);
    }
    runsPerSlot.forEach(
        (slot, runs) -> assertThat(runs).as("runs of slot " + slot + " in " + log).isEqualTo(1));
    assertThat(log.get("entries").size()).isEqualTo(log.get("total").asInt());
    return log.get("total").asLong();
  }

  /**
   * Waits until the {@code @ScheduledOnce} job has recorded {@code runs} more runs (500 ms slots).
   */
  static void awaitJobRuns(ProcessCluster cluster, int runs) {
    NodeProcess reader = cluster.live().get(0);
    long before = jobs(reader).get("total").asLong();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .until(() -> jobs(reader).get("total").asLong() >= before + runs);
  }

  /**
   * Every {@code @ScheduledOnce} slot that fell in a calm period (a leader alive, no fault under
   * way) is in the replicated job log: exactly once, given the at-most-once check above. Returns
   * the number of slots checked.
   */
  static long assertJobsRanInEveryCalmSlot(ProcessCluster cluster, CalmPeriods calm) {
    JsonNode log = jobs(cluster.live().get(0));
    Set<Instant> ran = new TreeSet<>();
    for (JsonNode e : log.get("entries")) {
      ran.add(Instant.parse(e.get("slot").asString()));
    }
    long rate = ProcessCluster.JOB_RATE.toMillis();
    long checked = 0;
    for (CalmPeriods.Period p : calm.periods()) {
      long first = Math.floorDiv(p.from().toEpochMilli() + rate - 1, rate) * rate;
      for (long slot = first; slot <= p.to().toEpochMilli(); slot += rate) {
        Instant s = Instant.ofEpochMilli(slot);
        assertThat(ran).as("slot " + s + " of calm period " + p + " ran").contains(s);
        checked++;
      }
    }
    assertThat(checked).as("slots in calm periods " + calm.periods()).isPositive();
    return checked;
  }

  private static JsonNode jobs(NodeProcess n) {
    return HttpJson.json(n.http().get("/jobs"));
  }
}
