package dev.raftboot.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.raftboot.proto.Entry;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * {@link BatchEncoder} writes RocksDB's serialized batch format itself: these tests pin it, byte
 * for byte, to what the linked RocksDB's own {@code WriteBatch} builds for the same operations.
 */
class BatchEncoderTest {
  @TempDir Path dir;

  @Test
  void recordsInBothFamiliesMatchRocksDbsOwnBatch() throws RocksDBException {
    long seed = new SplittableRandom().nextLong();
    System.out.println("BatchEncoderTest seed=" + seed);
    SplittableRandom rnd = new SplittableRandom(seed);
    byte[] prefix = Keys.groupPrefix("group-" + seed);
    try (RocksDbStore store = RocksDbStore.open(dir);
        WriteBatch expected = new WriteBatch()) {
      ColumnFamilyHandle meta = store.handle(RocksDbStore.Column.META);
      ColumnFamilyHandle log = store.handle(RocksDbStore.Column.LOG);
      assertThat(store.familyId(RocksDbStore.Column.LOG)).isNotZero();
      BatchEncoder encoder = new BatchEncoder();
      for (int i = 0; i < 200; i++) {
        // Sizes around the varint boundaries (127/128, 16383/16384) included.
        int size = rnd.nextInt(4) == 0 ? 16_370 + rnd.nextInt(30) : rnd.nextInt(300);
        byte[] payload = new byte[size];
        rnd.nextBytes(payload);
        switch (rnd.nextInt(4)) {
          case 0 -> {
            Entry e =
                Entry.newBuilder()
                    .setIndex(rnd.nextLong(1, Long.MAX_VALUE))
                    .setTerm(rnd.nextLong(1, 1000))
                    .setData(ByteString.copyFrom(payload))
                    .build();
            byte[] key = Keys.entryKey(prefix, e.getIndex());
            expected.put(log, key, RecordCodec.encode(key, e.toByteArray()));
            encoder.putEntry(store.familyId(RocksDbStore.Column.LOG), prefix, e);
          }
          case 1 -> {
            byte[] key = Keys.metaKey(prefix, RecordType.HARD_STATE);
            expected.put(meta, key, RecordCodec.encode(key, payload));
            encoder.put(store.familyId(RocksDbStore.Column.META), key, payload);
          }
          case 2 -> {
            byte[] key = Keys.entryKey(prefix, i);
            expected.put(log, key, RecordCodec.encode(key, payload));
            encoder.put(store.familyId(RocksDbStore.Column.LOG), key, payload);
          }
          default -> {
            byte[] from = Keys.entryKey(prefix, rnd.nextLong(0, 1000));
            byte[] to = Keys.entryRangeEnd(prefix);
            ColumnFamilyHandle family = rnd.nextBoolean() ? log : meta;
            expected.deleteRange(family, from, to);
            encoder.deleteRange(family.getID(), from, to);
          }
        }
      }
      assertThat(encoder.count()).isEqualTo(expected.count());
      try (WriteBatch actual = encoder.toWriteBatch()) {
        assertThat(actual.data()).isEqualTo(expected.data());
        assertThat(actual.count()).isEqualTo(200);
      }
    }
  }

  @Test
  void anEmptyBatchMatchesToo() throws RocksDBException {
    try (WriteBatch expected = new WriteBatch();
        WriteBatch actual = new BatchEncoder().toWriteBatch()) {
      assertThat(actual.data()).isEqualTo(expected.data());
    }
  }

  @Test
  void sealWritesTheSameEnvelopeAsEncode() {
    byte[] key = Keys.entryKey(Keys.groupPrefix("g"), 42);
    byte[] payload = "some command".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] buf = new byte[3 + key.length + RecordCodec.HEADER + payload.length];
    System.arraycopy(key, 0, buf, 3, key.length);
    int valueOffset = 3 + key.length;
    System.arraycopy(payload, 0, buf, valueOffset + RecordCodec.HEADER, payload.length);
    RecordCodec.seal(buf, 3, key.length, valueOffset, RecordCodec.HEADER + payload.length);
    byte[] sealed = java.util.Arrays.copyOfRange(buf, valueOffset, buf.length);
    assertThat(sealed).isEqualTo(RecordCodec.encode(key, payload));
    assertThat(RecordCodec.decode(key, sealed, "g", RecordType.ENTRY, 42)).isEqualTo(payload);
  }
}
