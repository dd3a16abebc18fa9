package dev.raftboot.storage;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import dev.raftboot.proto.ConfState;
import dev.raftboot.proto.Entry;
import dev.raftboot.proto.HardState;
import dev.raftboot.proto.SnapshotMetadata;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Reads one group's records from RocksDB and verifies each one: checksum, format version, that it
 * parses, and that an entry sits under the key of its own index. Stateless beyond the group's
 * identity; the view decides what to read.
 */
final class LogReader {
  private final RocksDbStore store;
  private final String groupId;
  private final byte[] prefix;

  LogReader(RocksDbStore store, String groupId, byte[] prefix) {
    this.store = store;
    this.groupId = groupId;
    this.prefix = prefix;
  }

  /** Reads every metadata record and finds the ends of the log. */
  GroupState loadState() {
    HardState hs = meta(RecordType.HARD_STATE, HardState.parser());
    ConfState cs = meta(RecordType.CONF_STATE, ConfState.parser());
    byte[] applied = metaPayload(RecordType.APPLIED_INDEX);
    SnapshotMetadata snap = meta(RecordType.SNAPSHOT_METADATA, SnapshotMetadata.parser());
    Entry truncated = meta(RecordType.TRUNCATED, Entry.parser());
    long truncatedIndex = truncated == null ? 0 : truncated.getIndex();
    long lastIndex = truncatedIndex;
    try (RangeScan scan =
        new RangeScan(
            store, RocksDbStore.Column.LOG, Keys.entryKey(prefix, 0), Keys.entryRangeEnd(prefix))) {
      if (scan.valid()) {
        long first = Keys.indexOf(scan.key());
        // Compaction deletes the range and moves the truncation point in one atomic write, so
        // the first entry is always right after it; anything else is a hole in the log.
        if (first != truncatedIndex + 1) {
          throw new StorageCorruptionException(
              groupId,
              RecordType.ENTRY,
              truncatedIndex + 1,
              "log starts at index " + first + " but the truncation point is " + truncatedIndex);
        }
        scan.seekToLast();
        lastIndex = Keys.indexOf(scan.key());
        decodeEntry(scan.key(), scan.value(), lastIndex);
      }
    }
    if (applied != null && applied.length != 8) {
      throw new StorageCorruptionException(
          groupId, RecordType.APPLIED_INDEX, -1, "payload is " + applied.length + " bytes, not 8");
    }
    return new GroupState(
        hs == null ? HardState.getDefaultInstance() : hs,
        cs,
        applied == null ? 0 : ByteBuffer.wrap(applied).getLong(),
        snap == null ? SnapshotMetadata.getDefaultInstance() : snap,
        truncatedIndex,
        truncated == null ? 0 : truncated.getTerm(),
        lastIndex);
  }

  /** The entry at {@code index}, which the caller knows is in the stored log. */
  Entry entry(long index) {
    byte[] key = Keys.entryKey(prefix, index);
    byte[] value = store.get(RocksDbStore.Column.LOG, key);
    if (value == null) {
      throw new StorageCorruptionException(
          groupId, RecordType.ENTRY, index, "entry is missing from the log");
    }
    return decodeEntry(key, value, index);
  }

  /**
   * Adds entries [lo, hi) to {@code out} while they fit in {@code maxBytes} (counting {@code size}
   * already taken; the first entry of an empty {@code out} always goes in).
   *
   * @return the total size taken, or -1 if the limit stopped the read before {@code hi}
   */
  long readRange(long lo, long hi, long maxBytes, long size, List<Entry> out) {
    long expected = lo;
    try (RangeScan scan =
        new RangeScan(
            store, RocksDbStore.Column.LOG, Keys.entryKey(prefix, lo), Keys.entryKey(prefix, hi))) {
      for (; scan.valid(); scan.next(), expected++) {
        byte[] key = scan.key();
        long index = Keys.indexOf(key);
        if (index != expected) {
          throw new StorageCorruptionException(
              groupId, RecordType.ENTRY, expected, "entry is missing from the log");
        }
        Entry e = decodeEntry(key, scan.value(), index);
        size += e.getSerializedSize();
        if (!out.isEmpty() && size > maxBytes) {
          return -1;
        }
        out.add(e);
      }
    }
    if (expected != hi) {
      throw new StorageCorruptionException(
          groupId, RecordType.ENTRY, expected, "entry is missing from the log");
    }
    return size;
  }

  private Entry decodeEntry(byte[] key, byte[] value, long index) {
    Entry e = parse(RecordType.ENTRY, index, Entry.parser(), key, value);
    if (e.getIndex() != index) {
      throw new StorageCorruptionException(
          groupId, RecordType.ENTRY, index, "record holds the entry of index " + e.getIndex());
    }
    return e;
  }

  private byte[] metaPayload(RecordType type) {
    byte[] key = Keys.metaKey(prefix, type);
    byte[] value = store.get(RocksDbStore.Column.META, key);
    return value == null ? null : RecordCodec.decode(key, value, groupId, type, -1);
  }

  private <T> T meta(RecordType type, Parser<T> parser) {
    byte[] key = Keys.metaKey(prefix, type);
    byte[] value = store.get(RocksDbStore.Column.META, key);
    return value == null ? null : parse(type, -1, parser, key, value);
  }

  private <T> T parse(RecordType type, long index, Parser<T> parser, byte[] key, byte[] value) {
    byte[] payload = RecordCodec.decode(key, value, groupId, type, index);
    try {
      return parser.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      throw new StorageCorruptionException(
          groupId, type, index, "payload does not parse: " + e.getMessage());
    }
  }
}
