package dev.raftboot.sample.cluster;

import dev.raftboot.testkit.linearizability.History;
import dev.raftboot.testkit.linearizability.HistoryRecorder;
import dev.raftboot.testkit.linearizability.HistoryRecorder.Invocation;
import dev.raftboot.testkit.linearizability.KvInput;
import dev.raftboot.testkit.linearizability.KvOutput;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Concurrent HTTP clients of the key-value API, Jepsen style: each client has at most one operation
 * outstanding, sends it to a random member (running, paused or not: clients cannot tell), and
 * records its invocation and completion in a {@link HistoryRecorder} for the linearizability
 * checker. A write whose outcome is unknown (timed out, connection broken, 503 with outcome
 * "unknown") is recorded as ambiguous; one certainly not applied (connection refused, 503
 * "not-applied") is left out; a read without an answer constrains nothing and is left out too.
 */
final class KvClients implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(6);
  private static final int FINAL_READER = 1_000;

  private final ProcessCluster cluster;
  private final int clients;
  private final List<String> keys;
  private final long seed;
  private final HistoryRecorder<KvInput, KvOutput> recorder = new HistoryRecorder<>();
  private final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
  private final AtomicLong acknowledgedWrites = new AtomicLong();
  private final AtomicLong readsAnswered = new AtomicLong();
  private final AtomicLong notApplied = new AtomicLong();
  private final AtomicLong ambiguous = new AtomicLong();
  private final AtomicLong redirects = new AtomicLong();
  private ExecutorService pool;
  private volatile boolean stopping;

  private enum Outcome {
    OK,
    NOT_APPLIED,
    UNKNOWN
  }

  private record Reply(Outcome outcome, KvOutput output) {}

  /**
   * @param keyPrefix names this run's keys, so runs on one cluster have independent histories
   */
  KvClients(ProcessCluster cluster, int clients, String keyPrefix, int keys, long seed) {
    this.cluster = cluster;
    this.clients = clients;
    this.keys = IntStream.range(0, keys).mapToObj(i -> keyPrefix + i).toList();
    this.seed = seed;
  }

  void start() {
    pool = Executors.newFixedThreadPool(clients);
    for (int c = 0; c < clients; c++) {
      int client = c;
      pool.execute(() -> run(client));
    }
  }

  /** Stops the clients once their current operations are resolved. */
  void stop() {
    stopping = true;
    pool.shutdown();
    try {
      if (!pool.awaitTermination(REQUEST_TIMEOUT.toSeconds() * 4, TimeUnit.SECONDS)) {
        throw new IllegalStateException("clients did not stop");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run(int client) {
    SplittableRandom random = new SplittableRandom(seed * 31 + client);
    HttpClient http = client();
    Map<String, String> lastSeen = new HashMap<>();
    long sequence = 0;
    while (!stopping) {
      List<NodeProcess> targets =
          cluster.members().stream().filter(NodeProcess::isRunning).toList();
      if (targets.isEmpty()) {
        sleep(50);
        continue;
      }
      NodeProcess target = targets.get(random.nextInt(targets.size()));
      String key = keys.get(random.nextInt(keys.size()));
      String value = "c" + client + "-" + ++sequence;
      int dice = random.nextInt(100);
      KvInput op =
          dice < 40
              ? KvInput.get(key)
              : dice < 70
                  ? KvInput.put(key, value)
                  : dice < 90 ? KvInput.cas(key, lastSeen.get(key), value) : KvInput.delete(key);
      Reply reply = perform(http, client, target, op);
      if (reply.outcome() == Outcome.OK) {
        remember(lastSeen, op, reply.output());
      } else {
        // A failed node answers fast; do not spin on it.
        sleep(20);
      }
    }
  }

  private static void remember(Map<String, String> lastSeen, KvInput op, KvOutput out) {
    switch (op.kind()) {
      case GET -> lastSeen.put(op.key(), out.value());
      case PUT -> lastSeen.put(op.key(), op.value());
      case DELETE -> lastSeen.remove(op.key());
      case CAS -> {
        if (out.ok()) {
          lastSeen.put(op.key(), op.value());
        }
      }
    }
  }

  /** One recorded operation. */
  private Reply perform(HttpClient http, int client, NodeProcess target, KvInput op) {
    Invocation<KvInput> invocation = recorder.invoke(client, op);
    Reply reply = send(http, URI.create(target.baseUrl()), op, 0);
    boolean read = op.kind() == KvInput.Kind.GET;
    switch (reply.outcome()) {
      case OK -> {
        recorder.complete(invocation, reply.output());
        (read ? readsAnswered : acknowledgedWrites).incrementAndGet();
      }
      case NOT_APPLIED -> {
        recorder.fail(invocation);
        notApplied.incrementAndGet();
      }
      case UNKNOWN -> {
        if (read) {
          recorder.fail(invocation);
        } else {
          recorder.timeout(invocation);
          ambiguous.incrementAndGet();
        }
      }
    }
    return reply;
  }

  private Reply send(HttpClient http, URI base, KvInput op, int hops) {
    HttpResponse<String> response;
    try {
      response = http.send(request(base, op), BodyHandlers.ofString());
    } catch (ConnectException | HttpConnectTimeoutException e) {
      return new Reply(Outcome.NOT_APPLIED, null);
    } catch (IOException e) {
      return new Reply(Outcome.UNKNOWN, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Reply(Outcome.UNKNOWN, null);
    }
    int status = response.statusCode();
    if (status == 307 && hops < 3) {
      redirects.incrementAndGet();
      URI location = URI.create(response.headers().firstValue("Location").orElseThrow());
      return send(
          http, URI.create(location.getScheme() + "://" + location.getAuthority()), op, hops + 1);
    }
    if (status == 200) {
      return new Reply(Outcome.OK, output(op, JSON.readTree(response.body())));
    }
    if (status == 404 && op.kind() == KvInput.Kind.GET) {
      return new Reply(Outcome.OK, KvOutput.absent());
    }
    if (status == 503) {
      String outcome = JSON.readTree(response.body()).path("outcome").asString("");
      return new Reply(outcome.equals("not-applied") ? Outcome.NOT_APPLIED : Outcome.UNKNOWN, null);
    }
    unexpected.add(op + " -> " + status + " " + response.body());
    return new Reply(Outcome.UNKNOWN, null);
  }

  private static HttpRequest request(URI base, KvInput op) {
    String path = base + "/kv/" + op.key();
    HttpRequest.Builder b = HttpRequest.newBuilder().timeout(REQUEST_TIMEOUT);
    return switch (op.kind()) {
      case GET -> b.uri(URI.create(path)).GET().build();
      case PUT ->
          b.uri(URI.create(path))
              .header("Content-Type", "application/json")
              .PUT(BodyPublishers.ofString(quote(op.value())))
              .build();
      case DELETE -> b.uri(URI.create(path)).DELETE().build();
      case CAS ->
          b.uri(URI.create(path + "/cas"))
              .header("Content-Type", "application/json")
              .POST(
                  BodyPublishers.ofString(
                      "{\"expect\":"
                          + (op.expected() == null ? "null" : quote(op.expected()))
                          + ",\"update\":"
                          + quote(op.value())
                          + "}"))
              .build();
    };
  }

  private static KvOutput output(KvInput op, JsonNode body) {
    return switch (op.kind()) {
      case GET -> KvOutput.value(body.get("value").asString());
      case PUT, DELETE -> KvOutput.ack();
      case CAS -> KvOutput.cas(body.get("ok").asBoolean());
    };
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }

  private static HttpClient client() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(1))
        .build();
  }

  /**
   * After the faults: a linearizable read of every key through {@code node}, recorded in the
   * history, so that the checker proves no acknowledged write was lost.
   */
  void finalReads(NodeProcess node) {
    HttpClient http = client();
    for (String key : keys) {
      Reply reply = perform(http, FINAL_READER, node, KvInput.get(key));
      if (reply.outcome() != Outcome.OK) {
        throw new AssertionError("final read of " + key + " on " + node + " got no answer");
      }
    }
  }

  History<KvInput, KvOutput> history() {
    return recorder.history();
  }

  /** Responses no client should ever get (400, 500, ...). */
  List<String> unexpected() {
    return List.copyOf(unexpected);
  }

  long acknowledgedWrites() {
    return acknowledgedWrites.get();
  }

  String summary() {
    return String.format(
        "seed %d: %d acknowledged writes, %d answered reads, %d certainly not applied, %d"
            + " ambiguous, %d redirects followed",
        seed,
        acknowledgedWrites.get(),
        readsAnswered.get(),
        notApplied.get(),
        ambiguous.get(),
        redirects.get());
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (pool != null && !pool.isShutdown()) {
      stop();
    }
  }
}
