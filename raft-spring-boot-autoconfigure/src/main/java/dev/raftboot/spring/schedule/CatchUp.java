package dev.raftboot.spring.schedule;

/** What happens to slots whose time passed while no leader could run them. */
public enum CatchUp {
  /** Run only the most recent missed slot, now; record the older ones as skipped. */
  LATEST,
  /**
   * Run every missed slot, oldest first; when more than {@code raft.scheduler.max-catch-up} are
   * due, record the older ones as skipped and run the newest that many.
   */
  ALL,
  /** Run none of them; wait for the next slot in the future. */
  NONE
}
