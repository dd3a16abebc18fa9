package dev.raftboot.core;

/** The requested index is older than the first entry still held: it was compacted away. */
public class CompactedException extends RaftException {
  private final long requestedIndex;
  private final long firstIndex;

  public CompactedException(long requestedIndex, long firstIndex) {
    super(
        "log index "
            + requestedIndex
            + " is compacted; the first available index is "
            + firstIndex);
    this.requestedIndex = requestedIndex;
    this.firstIndex = firstIndex;
  }

  public long requestedIndex() {
    return requestedIndex;
  }

  public long firstIndex() {
    return firstIndex;
  }
}
