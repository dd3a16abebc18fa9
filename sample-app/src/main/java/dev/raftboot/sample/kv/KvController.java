package dev.raftboot.sample.kv;

import dev.raftboot.sample.SampleProperties;
import dev.raftboot.sample.web.BadRequestException;
import dev.raftboot.sample.web.Consistency;
import dev.raftboot.sample.web.Futures;
import dev.raftboot.sample.web.JsonBodies;
import dev.raftboot.sample.web.KeyNotFoundException;
import dev.raftboot.sample.web.WriteRouting;
import dev.raftboot.spring.RaftTemplate;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The key-value HTTP API. Values are JSON values. Writes complete after the command is committed
 * and applied; reads work on every node at the consistency asked for.
 */
@RestController
@RequestMapping("/kv")
public class KvController {
  private static final Set<String> CAS_FIELDS = Set.of("expect", "update");

  private final RaftTemplate raft;
  private final JsonBodies bodies;
  private final WriteRouting routing;
  private final int maxKeyLength;

  public KvController(
      RaftTemplate raft, JsonBodies bodies, WriteRouting routing, SampleProperties properties) {
    this.raft = raft;
    this.bodies = bodies;
    this.routing = routing;
    this.maxKeyLength = properties.getMaxKeyLength();
  }

  /** Writes the body (a JSON value) under {@code key}: {@code {"index": n}}. */
  @PutMapping("/{key}")
  public Map<String, Object> put(@PathVariable String key, HttpServletRequest request) {
    checkKey(key);
    JsonNode value = bodies.read(request);
    if (value.isNull()) {
      throw new BadRequestException("a value must not be null; DELETE the key instead");
    }
    routing.checkTakesWrite(KvStore.GROUP, request);
    KvResult result = Futures.await(raft.submit(KvStore.GROUP, KvCommand.put(key, value)));
    return Map.of("index", result.index());
  }

  /** The value of {@code key}: {@code {"value": v}}, or 404. */
  @GetMapping("/{key}")
  public Map<String, Object> get(
      @PathVariable String key, @RequestParam(required = false) String consistency) {
    checkKey(key);
    Optional<JsonNode> value =
        Futures.await(
            raft.read(KvStore.GROUP, Consistency.parse(consistency), (KvStore s) -> s.get(key)));
    return Map.of("value", value.orElseThrow(() -> new KeyNotFoundException(key)));
  }

  /** Every key and value: {@code {"entries": {...}}}. */
  @GetMapping
  public Map<String, Object> all(@RequestParam(required = false) String consistency) {
    Map<String, JsonNode> entries =
        Futures.await(raft.read(KvStore.GROUP, Consistency.parse(consistency), KvStore::entries));
    return Map.of("entries", entries);
  }

  /**
   * Compare-and-set with body {@code {"expect": e, "update": u}} ({@code expect} null or missing:
   * the key must be absent): {@code {"ok": bool, "value": value after}}.
   */
  @PostMapping("/{key}/cas")
  public Map<String, Object> cas(@PathVariable String key, HttpServletRequest request) {
    checkKey(key);
    JsonNode body = bodies.read(request);
    if (!body.isObject()) {
      throw new BadRequestException("a CAS body is an object {\"expect\": ..., \"update\": ...}");
    }
    for (String field : body.propertyNames()) {
      if (!CAS_FIELDS.contains(field)) {
        throw new BadRequestException("unknown field '" + field + "'; use expect and update");
      }
    }
    JsonNode update = body.get("update");
    if (update == null || update.isNull()) {
      throw new BadRequestException("update must be a JSON value other than null");
    }
    JsonNode expect = body.get("expect");
    if (expect != null && expect.isNull()) {
      expect = null;
    }
    routing.checkTakesWrite(KvStore.GROUP, request);
    KvResult result = Futures.await(raft.submit(KvStore.GROUP, KvCommand.cas(key, expect, update)));
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("ok", result.ok());
    reply.put("value", result.value());
    reply.put("index", result.index());
    return reply;
  }

  /** Removes {@code key}: {@code {"index": n, "deleted": existed}}. */
  @DeleteMapping("/{key}")
  public Map<String, Object> delete(@PathVariable String key, HttpServletRequest request) {
    checkKey(key);
    routing.checkTakesWrite(KvStore.GROUP, request);
    KvResult result = Futures.await(raft.submit(KvStore.GROUP, KvCommand.delete(key)));
    return Map.of("index", result.index(), "deleted", result.ok());
  }

  private void checkKey(String key) {
    if (key.isBlank() || key.length() > maxKeyLength) {
      throw new BadRequestException(
          "a key has 1 to " + maxKeyLength + " characters (sample.max-key-length)");
    }
  }
}
