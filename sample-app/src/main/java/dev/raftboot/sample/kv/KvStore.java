package dev.raftboot.sample.kv;

import dev.raftboot.spring.RaftStateMachine;
import dev.raftboot.spring.TypedStateMachine;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The replicated key-value store: the {@code kv} Raft group. Values are JSON values; a CAS compares
 * them as JSON (so {@code 1.0} and {@code 1} differ, but key order inside objects does not matter).
 *
 * <p>{@code apply} runs on one thread at a time; reads come from HTTP threads concurrently, hence
 * the concurrent map. Snapshots stream the map as one JSON object.
 */
@Component
@RaftStateMachine(KvStore.GROUP)
public class KvStore implements TypedStateMachine<KvCommand, KvResult> {
  /** The Raft group's name. */
  public static final String GROUP = "kv";

  private final Map<String, JsonNode> values = new ConcurrentHashMap<>();
  private final JsonMapper mapper;

  public KvStore(JsonMapper mapper) {
    // Snapshot streams belong to the runtime: Jackson must not close them.
    this.mapper =
        mapper
            .rebuild()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
            .build();
  }

  @Override
  public KvResult apply(long index, KvCommand command) {
    String key = command.key();
    return switch (command.op()) {
      case PUT -> {
        values.put(key, command.value());
        yield new KvResult(index, true, command.value());
      }
      case DELETE -> new KvResult(index, values.remove(key) != null, null);
      case CAS -> {
        JsonNode current = values.get(key);
        boolean matches =
            command.expect() == null ? current == null : command.expect().equals(current);
        if (matches) {
          values.put(key, command.value());
          current = command.value();
        }
        yield new KvResult(index, matches, current);
      }
    };
  }

  /** The value of {@code key} as this node has applied it. */
  public Optional<JsonNode> get(String key) {
    return Optional.ofNullable(values.get(key));
  }

  /** Every key and value as this node has applied them, sorted by key. */
  public Map<String, JsonNode> entries() {
    return new TreeMap<>(values);
  }

  @Override
  public void snapshot(OutputStream out) {
    // apply() is not running meanwhile (the runtime snapshots between applies), so iterating the
    // live map yields a consistent image without copying it.
    try (JsonGenerator json = mapper.createGenerator(out)) {
      json.writeStartObject();
      for (Map.Entry<String, JsonNode> e : values.entrySet()) {
        json.writeName(e.getKey());
        json.writeTree(e.getValue());
      }
      json.writeEndObject();
    }
  }

  @Override
  public void restore(InputStream in) {
    JsonNode image = mapper.readTree(in);
    values.clear();
    image.properties().forEach(e -> values.put(e.getKey(), e.getValue()));
  }
}
