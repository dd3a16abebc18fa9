package dev.raftboot.sample;

import static dev.raftboot.sample.HttpJson.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A node with no leader: it started with raft.join and nobody added it. Everything that needs a
 * leader is answered 503 with Retry-After and says the write was not applied.
 */
@SpringBootTest(
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      "raft.join=true",
      "raft.tick-interval=20ms",
      "raft.proposal-timeout=2s",
      "sample.retry-after=3s",
      "spring.main.banner-mode=off"
    })
class JoiningNodeApiTest {
  private static Path dataDir;

  @LocalServerPort int port;

  @DynamicPropertySource
  static void node(DynamicPropertyRegistry registry) {
    try {
      dataDir = Files.createTempDirectory("sample-joining-node");
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

  @Test
  void writesAndLinearizableReadsAre503WithRetryAfter() {
    HttpJson http = new HttpJson("http://127.0.0.1:" + port);
    for (HttpResponse<String> response :
        java.util.List.of(
            http.put("/kv/k", "1"),
            http.post("/kv/k/cas", "{\"update\": 1}"),
            http.delete("/kv/k"),
            http.get("/kv/k"),
            http.get("/kv/k?consistency=lease"))) {
      assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
      assertThat(response.headers().firstValue("Retry-After")).hasValue("3");
      assertThat(json(response).get("outcome").asString()).isEqualTo("not-applied");
    }
    // A stale read needs no leader: this node simply holds nothing.
    assertThat(http.get("/kv/k?consistency=stale").statusCode()).isEqualTo(404);
  }
}
