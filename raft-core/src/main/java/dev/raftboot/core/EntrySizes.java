package dev.raftboot.core;

import dev.raftboot.proto.Entry;
import java.util.List;

/** Size accounting for entries: the one definition of "how big" that every limit uses. */
public final class EntrySizes {
  private EntrySizes() {}

  /** The prefix of {@code entries} whose serialized size fits in maxBytes; never empty. */
  public static List<Entry> limit(List<Entry> entries, long maxBytes) {
    if (entries.isEmpty()) {
      return entries;
    }
    long size = entries.get(0).getSerializedSize();
    int n = 1;
    for (; n < entries.size(); n++) {
      size += entries.get(n).getSerializedSize();
      if (size > maxBytes) {
        break;
      }
    }
    return n == entries.size() ? entries : entries.subList(0, n);
  }

  /** Serialized bytes of all entries. */
  public static long serialized(List<Entry> entries) {
    long size = 0;
    for (int i = 0; i < entries.size(); i++) {
      size += entries.get(i).getSerializedSize();
    }
    return size;
  }

  /** Payload (data) bytes of all entries: what the uncommitted-size limit counts. */
  public static long payload(List<Entry> entries) {
    long size = 0;
    for (int i = 0; i < entries.size(); i++) {
      size += entries.get(i).getData().size();
    }
    return size;
  }
}
