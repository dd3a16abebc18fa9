package dev.raftboot.storage;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The envelope of every stored value: {@code [format version][CRC32C, 4 bytes
 * big-endian][payload]}.
 *
 * <p>The checksum covers the key, the version byte and the payload. Covering the key catches a
 * value that is intact but sits under the wrong key (a misdirected write, a bug in a repair tool),
 * which a checksum of the value alone would accept. RocksDB checks its own blocks too, but only
 * once they reach an SST file and only for what RocksDB wrote; this checks the record end to end,
 * whatever path it took.
 */
final class RecordCodec {
  /** The format version written today. Readers refuse versions they do not know. */
  static final byte FORMAT_VERSION = 1;

  private static final int HEADER = 5;

  private RecordCodec() {}

  /** Wraps a payload for storage under {@code key}. */
  static byte[] encode(byte[] key, byte[] payload) {
    byte[] value = new byte[HEADER + payload.length];
    value[0] = FORMAT_VERSION;
    System.arraycopy(payload, 0, value, HEADER, payload.length);
    ByteBuffer.wrap(value, 1, 4).putInt(checksum(key, FORMAT_VERSION, payload, 0));
    return value;
  }

  /**
   * Verifies a stored value and returns its payload.
   *
   * @throws StorageCorruptionException naming the group, type and index if it fails verification
   */
  static byte[] decode(byte[] key, byte[] value, String groupId, RecordType type, long index) {
    if (value.length < HEADER) {
      throw new StorageCorruptionException(
          groupId, type, index, "value is " + value.length + " bytes, shorter than its header");
    }
    if (value[0] != FORMAT_VERSION) {
      throw new StorageCorruptionException(
          groupId, type, index, "unsupported format version " + (value[0] & 0xFF));
    }
    int stored = ByteBuffer.wrap(value, 1, 4).getInt();
    int computed = checksum(key, value[0], value, HEADER);
    if (stored != computed) {
      throw new StorageCorruptionException(
          groupId,
          type,
          index,
          String.format("checksum mismatch (stored 0x%08x, computed 0x%08x)", stored, computed));
    }
    return Arrays.copyOfRange(value, HEADER, value.length);
  }

  private static int checksum(byte[] key, byte version, byte[] payload, int offset) {
    CRC32C crc = new CRC32C();
    crc.update(key);
    crc.update(version);
    crc.update(payload, offset, payload.length - offset);
    return (int) crc.getValue();
  }
}
