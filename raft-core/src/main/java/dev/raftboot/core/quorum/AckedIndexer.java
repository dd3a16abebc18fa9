package dev.raftboot.core.quorum;

/** Answers, for a voter id, the highest log index that voter is known to hold. */
@FunctionalInterface
public interface AckedIndexer {
  /** The acknowledged index of {@code voterId}, or -1 when nothing is known of it. */
  long ackedIndex(long voterId);
}
