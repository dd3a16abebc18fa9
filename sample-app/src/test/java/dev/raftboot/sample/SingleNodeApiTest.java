package dev.raftboot.sample;

import static dev.raftboot.sample.HttpJson.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The HTTP API of a single node, over real HTTP: every answer a client can get from one node (200,
 * 400, 404; 503 is in {@link JoiningNodeApiTest}, 307 in the cluster tests).
 */
@SpringBootTest(
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      "sample.max-value-size=1KB",
      "sample.jobs.rate=200ms",
      "raft.tick-interval=20ms",
      "raft.snapshot.every-entries=20",
      "raft.snapshot.keep-entries=5",
      "spring.main.banner-mode=off"
    })
class SingleNodeApiTest {
  private static Path dataDir;

  @LocalServerPort int port;
  HttpJson http;

  @DynamicPropertySource
  static void node(DynamicPropertyRegistry registry) {
    try {
      dataDir = Files.createTempDirectory("sample-single-node");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    registry.add("raft.data-dir", () -> dataDir.toString());
    registry.add("raft.transport.port", TestPorts::freePort);
  }

  @AfterAll
  static void cleanUp() {
    TestPorts.deleteTree(dataDir);
  }

  @BeforeEach
  void client() {
    http = new HttpJson("http://127.0.0.1:" + port);
    // The node elects itself right after start-up; wait for it so no test sees a 503.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> http.get("/kv?consistency=linearizable").statusCode() == 200);
  }

  @Test
  void putThenGetAtEveryConsistency() {
    HttpResponse<String> put = http.put("/kv/colour", "\"blue\"");
    assertThat(put.statusCode()).isEqualTo(200);
    assertThat(json(put).get("index").asLong()).isPositive();

    for (String consistency :
        new String[] {"", "?consistency=linearizable", "?consistency=lease"}) {
      HttpResponse<String> get = http.get("/kv/colour" + consistency);
      assertThat(get.statusCode()).isEqualTo(200);
      assertThat(json(get).get("value").asString()).isEqualTo("blue");
    }
    // A single node has applied its own write by the time it answered, so stale sees it too.
    assertThat(json(http.get("/kv/colour?consistency=STALE")).get("value").asString())
        .isEqualTo("blue");
  }

  @Test
  void valuesAreAnyJson() {
    assertThat(http.put("/kv/doc", "{\"n\": [1, 2, {\"x\": null}]}").statusCode()).isEqualTo(200);
    JsonNode value = json(http.get("/kv/doc")).get("value");
    assertThat(value.get("n").get(2).has("x")).isTrue();
    assertThat(json(http.get("/kv")).get("entries").get("doc")).isEqualTo(value);
  }

  @Test
  void aBodySentAsAFormIsStillReadAsJson() {
    // curl -d without -H sends application/x-www-form-urlencoded.
    HttpResponse<String> put = http.put("/kv/form", "42", "application/x-www-form-urlencoded");
    assertThat(put.statusCode()).isEqualTo(200);
    assertThat(json(http.get("/kv/form")).get("value").asInt()).isEqualTo(42);
  }

  @Test
  void missingKeyIs404WithAProblemBody() {
    HttpResponse<String> get = http.get("/kv/never-written");
    assertThat(get.statusCode()).isEqualTo(404);
    assertThat(get.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(json(get).get("detail").asString()).contains("never-written");
  }

  @Test
  void compareAndSet() {
    HttpResponse<String> create = http.post("/kv/counter/cas", "{\"update\": 1}");
    assertThat(create.statusCode()).isEqualTo(200);
    assertThat(json(create).get("ok").asBoolean()).isTrue();

    HttpResponse<String> stale = http.post("/kv/counter/cas", "{\"expect\": 7, \"update\": 8}");
    assertThat(stale.statusCode()).isEqualTo(200);
    assertThat(json(stale).get("ok").asBoolean()).isFalse();
    assertThat(json(stale).get("value").asInt()).isEqualTo(1);

    HttpResponse<String> next = http.post("/kv/counter/cas", "{\"expect\": 1, \"update\": 2}");
    assertThat(json(next).get("ok").asBoolean()).isTrue();
    assertThat(json(next).get("value").asInt()).isEqualTo(2);

    // expect null: the key must be absent, and it is not.
    HttpResponse<String> absent = http.post("/kv/counter/cas", "{\"expect\": null, \"update\": 3}");
    assertThat(json(absent).get("ok").asBoolean()).isFalse();
  }

  @Test
  void deleteRemovesTheKey() {
    http.put("/kv/gone", "true");
    HttpResponse<String> delete = http.delete("/kv/gone");
    assertThat(delete.statusCode()).isEqualTo(200);
    assertThat(json(delete).get("deleted").asBoolean()).isTrue();
    assertThat(http.get("/kv/gone").statusCode()).isEqualTo(404);
    assertThat(json(http.delete("/kv/gone")).get("deleted").asBoolean()).isFalse();
  }

  @Test
  void malformedRequestsAre400WithAProblemBody() {
    assertBadRequest(http.put("/kv/k", "{not json"), "not valid JSON");
    assertBadRequest(http.put("/kv/k", "{\"a\": 1} trailing"), "not valid JSON");
    assertBadRequest(http.put("/kv/k", ""), "empty");
    assertBadRequest(http.put("/kv/k", "null"), "null");
    assertBadRequest(http.put("/kv/k", "\"" + "x".repeat(1100) + "\""), "sample.max-value-size");
    assertBadRequest(http.get("/kv/k?consistency=eventual"), "consistency");
    assertBadRequest(http.get("/jobs?consistency=sometimes"), "consistency");
    assertBadRequest(http.get("/kv/" + "k".repeat(300)), "sample.max-key-length");
    assertBadRequest(http.post("/kv/k/cas", "[1, 2]"), "object");
    assertBadRequest(http.post("/kv/k/cas", "{\"expect\": 1}"), "update");
    assertBadRequest(http.post("/kv/k/cas", "{\"update\": 1, \"expected\": 0}"), "expected");
    assertBadRequest(http.post("/kv/k/cas", "{\"update\": 1"), "not valid JSON");
    // Nothing of it was written.
    assertThat(http.get("/kv/k").statusCode()).isEqualTo(404);
  }

  @Test
  void theJobLogGetsOneLinePerSlot() {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> json(http.get("/jobs")).get("total").asLong() >= 3);
    JsonNode entries = json(http.get("/jobs")).get("entries");
    JsonNode first = entries.get(0);
    assertThat(first.get("node").asLong()).isEqualTo(1);
    assertThat(first.get("term").asLong()).isPositive();
    assertThat(first.get("fencingIndex").asLong()).isPositive();
    assertThat(first.get("fenced").asBoolean()).isFalse();
    assertThat(entries.valueStream().map(e -> e.get("slot").asString()).distinct().count())
        .isEqualTo(entries.size());
  }

  @Test
  void actuatorShowsHealthRaftAndPrometheus() {
    HttpResponse<String> health = http.get("/actuator/health");
    assertThat(health.statusCode()).isEqualTo(200);
    JsonNode kvHealth = json(health).get("components").get("raft").get("components").get("kv");
    assertThat(kvHealth.get("status").asString()).isEqualTo("UP");

    JsonNode raft = json(http.get("/actuator/raft"));
    assertThat(raft.get("groups").get("kv").get("role").asString()).isEqualTo("LEADER");
    assertThat(raft.get("jobs").has("job-log")).isTrue();

    HttpResponse<String> prometheus = http.get("/actuator/prometheus");
    assertThat(prometheus.statusCode()).isEqualTo(200);
    assertThat(prometheus.body()).contains("raft_");
  }

  @Test
  void theStateMachineIsSnapshotted() {
    for (int i = 0; i < 30; i++) {
      assertThat(http.put("/kv/snap-" + i, Integer.toString(i)).statusCode()).isEqualTo(200);
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> json(http.get("/actuator/raft/kv")).get("snapshotsTaken").asLong(),
            taken -> taken > 0);
  }

  private static void assertBadRequest(HttpResponse<String> response, String detailPart) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(json(response).get("detail").asString()).containsIgnoringCase(detailPart);
  }
}
