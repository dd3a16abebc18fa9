package dev.raftboot.transport;

/**
 * Bounds of one peer's outbound queue. A message that would push the queue past either bound is
 * dropped (and its group told the peer is unreachable), so memory stays bounded whatever the peer
 * does.
 */
public record QueueLimits(int maxMessages, long maxBytes) {
  /** 4096 messages or 64 MiB per peer, whichever comes first. */
  public static final QueueLimits DEFAULT = new QueueLimits(4096, 64L << 20);

  public QueueLimits {
    if (maxMessages < 1) {
      throw new IllegalArgumentException("maxMessages must be positive: " + maxMessages);
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
    }
  }
}
