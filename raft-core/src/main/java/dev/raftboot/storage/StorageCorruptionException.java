package dev.raftboot.storage;

/**
 * A stored record failed verification: its checksum does not match, its format version is unknown,
 * it does not parse, or the log has a hole where an entry must be. The message names the group, the
 * record type and, for log entries, the index, so an operator can find it with {@link
 * dev.raftboot.storage.tools.RaftDump}. Never retried: the node must stop and be repaired or
 * rebuilt from its peers.
 */
public class StorageCorruptionException extends StorageException {
  private final String groupId;
  private final RecordType recordType;
  private final long index;

  /**
   * @param index the log index of the record, or -1 for records that have none
   */
  public StorageCorruptionException(
      String groupId, RecordType recordType, long index, String detail) {
    super(describe(groupId, recordType, index, detail));
    this.groupId = groupId;
    this.recordType = recordType;
    this.index = index;
  }

  private static String describe(String groupId, RecordType type, long index, String detail) {
    return "corrupt "
        + type
        + " record of group '"
        + groupId
        + "'"
        + (index >= 0 ? " at index " + index : "")
        + ": "
        + detail;
  }

  public String groupId() {
    return groupId;
  }

  public RecordType recordType() {
    return recordType;
  }

  /** The log index of the corrupt record, or -1 when the record type has none. */
  public long index() {
    return index;
  }
}
