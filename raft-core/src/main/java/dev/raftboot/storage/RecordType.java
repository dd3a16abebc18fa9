package dev.raftboot.storage;

/**
 * The kinds of record a group keeps in the store. The code is the byte that follows the group
 * prefix in a key, so it is part of the on-disk format and must never change.
 */
public enum RecordType {
  /** A log entry, keyed by its big-endian index so a range of entries is one iterator scan. */
  ENTRY((byte) 0x01),
  /** The Raft hard state: term, vote, commit. */
  HARD_STATE((byte) 0x10),
  /** The configuration in force at the applied index. */
  CONF_STATE((byte) 0x11),
  /** The index the state machine has applied up to. */
  APPLIED_INDEX((byte) 0x12),
  /** Metadata (index, term, configuration) of the latest snapshot. */
  SNAPSHOT_METADATA((byte) 0x13),
  /** Index and term of the last entry removed from the log (by compaction or a snapshot). */
  TRUNCATED((byte) 0x14);

  private final byte code;

  RecordType(byte code) {
    this.code = code;
  }

  /** The key byte of this record type. */
  public byte code() {
    return code;
  }

  /** The record type with the given key byte, or null if there is none. */
  public static RecordType ofCode(byte code) {
    for (RecordType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    return null;
  }
}
