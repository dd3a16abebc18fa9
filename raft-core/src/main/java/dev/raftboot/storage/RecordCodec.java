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

  /** Bytes before the payload: the version and the checksum. */
  static final int HEADER = 5;

  private RecordCodec() {}

  /** Wraps a payload for storage under {@code key}. */
  static byte[] encode(byte[] key, byte[] payload) {
    byte[] value = new byte[HEADER + payload.length];
    System.arraycopy(payload, 0, value, HEADER, payload.length);
    CRC32C crc = new CRC32C();
    crc.update(key);
    writeHeader(value, 0, value.length, crc);
    return value;
  }

  /**
   * Writes the header of a value built in place: {@code buf[valueOffset + HEADER, valueOffset +
   * valueLength)} already holds the payload, and {@code buf[keyOffset, keyOffset + keyLength)} the
   * key it is stored under. The same bytes as {@link #encode}, without copying anything.
   */
  static void seal(byte[] buf, int keyOffset, int keyLength, int valueOffset, int valueLength) {
    CRC32C crc = new CRC32C();
    crc.update(buf, keyOffset, keyLength);
    writeHeader(buf, valueOffset, valueLength, crc);
  }

  /** Version byte, then the checksum of (key already in {@code crc}, version, payload). */
  private static void writeHeader(byte[] buf, int valueOffset, int valueLength, CRC32C crc) {
    buf[valueOffset] = FORMAT_VERSION;
    crc.update(FORMAT_VERSION);
    crc.update(buf, valueOffset + HEADER, valueLength - HEADER);
    int sum = (int) crc.getValue();
    buf[valueOffset + 1] = (byte) (sum >>> 24);
    buf[valueOffset + 2] = (byte) (sum >>> 16);
    buf[valueOffset + 3] = (byte) (sum >>> 8);
    buf[valueOffset + 4] = (byte) sum;
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
