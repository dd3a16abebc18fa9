package dev.raftboot.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The key layout, the part of the on-disk format that makes ranges cheap:
 *
 * <pre>
 *   [u16 length][group id, UTF-8][record type byte]                  metadata records
 *   [u16 length][group id, UTF-8][ENTRY = 0x01][u64 index, big-endian] log entries
 * </pre>
 *
 * The length prefix keeps one group's keys from being a prefix of another's ("a" and "ab" never
 * interleave), and the big-endian index sorts entries in log order, so every range of one group's
 * log is one contiguous key range: one iterator to read it, one range tombstone to delete it.
 */
final class Keys {
  /** Longest group id accepted, in UTF-8 bytes: keys stay small and the u16 prefix never wraps. */
  static final int MAX_GROUP_ID_BYTES = 1024;

  private Keys() {}

  /** The prefix shared by every key of a group. */
  static byte[] groupPrefix(String groupId) {
    byte[] id = groupId.getBytes(StandardCharsets.UTF_8);
    if (id.length == 0 || id.length > MAX_GROUP_ID_BYTES) {
      throw new IllegalArgumentException(
          "group id must be 1.." + MAX_GROUP_ID_BYTES + " UTF-8 bytes: '" + groupId + "'");
    }
    return ByteBuffer.allocate(2 + id.length).putShort((short) id.length).put(id).array();
  }

  /** The key of a metadata record of a group. */
  static byte[] metaKey(byte[] prefix, RecordType type) {
    byte[] key = Arrays.copyOf(prefix, prefix.length + 1);
    key[prefix.length] = type.code();
    return key;
  }

  /** The key of the entry at {@code index}. */
  static byte[] entryKey(byte[] prefix, long index) {
    byte[] key = new byte[entryKeyLength(prefix)];
    writeEntryKey(key, 0, prefix, index);
    return key;
  }

  static int entryKeyLength(byte[] prefix) {
    return prefix.length + 9;
  }

  /** Writes the key of the entry at {@code index} into {@code dst} at {@code offset}. */
  static void writeEntryKey(byte[] dst, int offset, byte[] prefix, long index) {
    System.arraycopy(prefix, 0, dst, offset, prefix.length);
    int at = offset + prefix.length;
    dst[at++] = RecordType.ENTRY.code();
    for (int shift = 56; shift >= 0; shift -= 8) {
      dst[at++] = (byte) (index >>> shift);
    }
  }

  /** The first key past every entry of the group: the exclusive end of "the whole log". */
  static byte[] entryRangeEnd(byte[] prefix) {
    byte[] key = Arrays.copyOf(prefix, prefix.length + 1);
    key[prefix.length] = (byte) (RecordType.ENTRY.code() + 1);
    return key;
  }

  /** The first key past every key of the group, whatever its record type. */
  static byte[] groupEnd(byte[] prefix) {
    byte[] key = Arrays.copyOf(prefix, prefix.length + 1);
    key[prefix.length] = (byte) 0xFF;
    return key;
  }

  /** The group id a key belongs to, or null if the key is not in this layout. */
  static String groupOf(byte[] key) {
    int len = groupIdLength(key);
    return len < 0 ? null : new String(key, 2, len, StandardCharsets.UTF_8);
  }

  /** The index of an entry key; the caller knows it is one. */
  static long indexOf(byte[] entryKey) {
    return ByteBuffer.wrap(entryKey, entryKey.length - 8, 8).getLong();
  }

  private static int groupIdLength(byte[] key) {
    if (key.length < 3) {
      return -1;
    }
    int len = ((key[0] & 0xFF) << 8) | (key[1] & 0xFF);
    return key.length < 2 + len + 1 ? -1 : len;
  }
}
