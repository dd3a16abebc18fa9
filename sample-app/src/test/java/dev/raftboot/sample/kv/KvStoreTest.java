package dev.raftboot.sample.kv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftboot.spring.CommandCodec;
import dev.raftboot.spring.JacksonCommandCodecFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class KvStoreTest {
  private final JsonMapper json = JsonMapper.builder().build();

  private JsonNode v(String text) {
    return json.readTree(text);
  }

  @Test
  void casComparesJsonValuesAndAbsence() {
    KvStore store = new KvStore(json);
    assertThat(store.apply(1, KvCommand.cas("k", v("1"), v("2"))).ok()).isFalse();
    assertThat(store.apply(2, KvCommand.cas("k", null, v("{\"a\":1,\"b\":2}"))).ok()).isTrue();
    // Key order inside objects does not matter.
    KvResult swapped = store.apply(3, KvCommand.cas("k", v("{\"b\":2,\"a\":1}"), v("\"s\"")));
    assertThat(swapped.ok()).isTrue();
    assertThat(swapped.index()).isEqualTo(3);
    assertThat(store.get("k")).contains(v("\"s\""));
    assertThat(store.apply(4, KvCommand.delete("k")).ok()).isTrue();
    assertThat(store.apply(5, KvCommand.delete("k")).ok()).isFalse();
    assertThat(store.get("k")).isEmpty();
  }

  @Test
  void aCommandDecodedFromTheLogKeepsAnAbsentExpectAbsent() {
    CommandCodec<KvCommand> codec = new JacksonCommandCodecFactory(json).codecFor(KvCommand.class);
    KvCommand decoded = codec.decode(codec.encode(KvCommand.cas("k", null, v("1"))));
    assertThat(decoded.expect()).isNull();
    assertThat(new KvStore(json).apply(1, decoded).ok()).isTrue();
  }

  @Test
  void snapshotRestoresEveryKeyAndLeavesTheStreamOpen() {
    KvStore store = new KvStore(json);
    store.apply(1, KvCommand.put("a", v("\"x\"")));
    store.apply(2, KvCommand.put("b", v("[1, {\"c\": null}]")));
    store.apply(3, KvCommand.put("c", v("3")));
    store.apply(4, KvCommand.delete("c"));

    AtomicBoolean closed = new AtomicBoolean();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    OutputStream out =
        new java.io.FilterOutputStream(bytes) {
          @Override
          public void close() {
            closed.set(true);
          }
        };
    store.snapshot(out);
    assertThat(closed).isFalse();

    KvStore restored = new KvStore(json);
    restored.apply(1, KvCommand.put("stale", v("1")));
    InputStream in = new ByteArrayInputStream(bytes.toByteArray());
    restored.restore(in);
    assertThat(restored.entries()).isEqualTo(store.entries()).containsOnlyKeys("a", "b");
  }
}
